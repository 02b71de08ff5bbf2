/**
 * `imgsync init` and `imgsync snapshot` through the built CLI: init detects the layout
 * and writes a config that `check` runs with against a real `docker-registry` (Flux
 * markers: against a snapshot recorded from it, as their references name ghcr.io); snapshot
 * records that registry into a file that a `registry: file:` config then uses offline.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusDir, repoRoot } from '@imgsync/test-helpers/fixtures.js';
import { pushImage } from '@imgsync/test-helpers/registry/push.js';
import { startRegistry, type RunningRegistry } from '@imgsync/test-helpers/registry/registry-server.js';
import { expectedMetadata, originalMetadata, pushBackendAiImages, type PushedWorld } from './support/backendai-world.js';
import { ensureBuilt, makeSandbox, runCli, type Sandbox } from './support/run-cli.js';

let registry: RunningRegistry;
let sandbox: Sandbox;
let pushed: PushedWorld;

beforeAll(async () => {
  ensureBuilt();
  sandbox = makeSandbox();
  registry = await startRegistry();
  pushed = await pushBackendAiImages({ url: registry.url });
  writeFileSync(join(sandbox.dir, 'image-metadata.yml'), originalMetadata);
});

afterAll(async () => {
  await registry?.stop();
  sandbox?.remove();
});

const run = (args: string[]) => runCli(args, { cwd: sandbox.dir, sandbox });

describe('imgsync init', () => {
  it('detects a Backend.AI file and writes a config that check accepts and runs with (exit 1: drift)', async () => {
    const init = await run(['init', 'image-metadata.yml', '--registry', registry.url, '-o', 'init.imgsync.config.yaml']);
    expect(init.code).toBe(0);
    expect(init.stdout).toContain('detected format: backendai');
    const config = readFileSync(join(sandbox.dir, 'init.imgsync.config.yaml'), 'utf8');
    expect(config).toContain('format: backendai');
    expect(config).toContain(`registry: ${registry.url}`);

    const check = await run(['check', '--config', 'init.imgsync.config.yaml']);
    expect(check.stderr).not.toMatch(/^error/m);
    expect(check.code).toBe(1);
    expect(check.stdout).toContain(`lablup/kernel-python:3.7-ubuntu18.04 ${pushed.python37}`);
  });

  it('detects a Kubernetes manifest as image-refs, and refuses to overwrite a config without --force', async () => {
    copyFileSync(join(corpusDir, 'argoproj__argocd-example-apps__kustomize-guestbook__guestbook-ui-deployment.yaml'), join(sandbox.dir, 'deployment.yaml'));
    const first = await run(['init', 'deployment.yaml', '-o', 'k8s.imgsync.config.yaml']);
    expect(first.code).toBe(0);
    expect(readFileSync(join(sandbox.dir, 'k8s.imgsync.config.yaml'), 'utf8')).toMatch(/format: image-refs\n/);
    const again = await run(['init', 'deployment.yaml', '-o', 'k8s.imgsync.config.yaml']);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/exists; pass --force/);
  });

  it('Flux setter markers: init writes their policies, and check / update --dry-run / update run as written (ghcr.io mirrored to the real docker-registry)', async () => {
    // the markers name ghcr.io; a registries mirror setting sends those lookups to the local registry
    await pushImage({ url: registry.url }, 'stefanprodan/podinfo', '5.0.0', { seed: 'podinfo-5.0.0' });
    await pushImage({ url: registry.url }, 'stefanprodan/podinfo', '6.0.0-rc.1', { seed: 'podinfo-6.0.0-rc.1' });
    await pushImage({ url: registry.url }, 'stefanprodan/podinfo', '5.0.3', { seed: 'podinfo-5.0.3' });
    await pushImage({ url: registry.url }, 'acme/sidecar', '1.0.0', { seed: 'sidecar-1.0.0' });
    mkdirSync(join(sandbox.dir, 'flux'), { recursive: true });
    copyFileSync(join(repoRoot, 'packages/core/test/formats/markers/fixtures/hand-written__flux-setters.yaml'), join(sandbox.dir, 'flux/podinfo.yaml'));

    const init = await run(['init', 'flux/podinfo.yaml', '-o', 'flux.imgsync.config.yaml']);
    expect(init.code).toBe(0);
    expect(init.stdout).toContain('detected format: markers; 3 policies for its markers');
    const config = readFileSync(join(sandbox.dir, 'flux.imgsync.config.yaml'), 'utf8');
    expect(config).toContain('      "flux-system:podinfo":   # 3 markers, first at flux/podinfo.yaml:13\n        repository: "ghcr.io/stefanprodan/podinfo"\n');
    // what a user with a pull-through cache or a test registry adds
    writeFileSync(
      join(sandbox.dir, 'flux.imgsync.config.yaml'),
      `${config}registries:\n  ghcr.io: { mirror: ${JSON.stringify(registry.url)} }\n  docker.io: { mirror: ${JSON.stringify(registry.url)} }\n`,
    );

    const check = await run(['check', '--config', 'flux.imgsync.config.yaml']);
    expect(check.stderr).not.toMatch(/^error/m);
    expect(check.code).toBe(1);
    expect(check.stdout).toContain('drift: 2 changes in 1 file');

    const dry = await run(['update', '--dry-run', '--config', 'flux.imgsync.config.yaml']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('+          image: ghcr.io/stefanprodan/podinfo:5.0.3 # {"$imagepolicy": "flux-system:podinfo"}\n');
    expect(dry.stdout).toContain('+      tag: 5.0.3 # {"$imagepolicy": "flux-system:podinfo:tag"}\n');

    expect((await run(['update', '--config', 'flux.imgsync.config.yaml'])).code).toBe(0);
    expect(readFileSync(join(sandbox.dir, 'flux/podinfo.yaml'), 'utf8')).toContain('image: ghcr.io/stefanprodan/podinfo:5.0.3 # {"$imagepolicy"');
    expect((await run(['check', '--config', 'flux.imgsync.config.yaml'])).code).toBe(0);
  });

  it('a file that is not YAML gives exit 2 with file:line:col and writes no config', async () => {
    writeFileSync(join(sandbox.dir, 'broken.yml'), 'images:\n  - name: [python\n');
    const result = await run(['init', 'broken.yml', '-o', 'broken.imgsync.config.yaml']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/broken\.yml:\d+:\d+/);
    expect(() => readFileSync(join(sandbox.dir, 'broken.imgsync.config.yaml'))).toThrow();
  });
});

describe('imgsync snapshot', () => {
  it('records the local registry into a file that a registry: file: config uses for the same update, offline', async () => {
    const snap = await run(['snapshot', '--registry', registry.url, '--namespace', 'lablup', '-o', 'registry-snapshot.json']);
    expect(snap.stderr).not.toMatch(/^error/m);
    expect(snap.code).toBe(0);
    const recorded = JSON.parse(readFileSync(join(sandbox.dir, 'registry-snapshot.json'), 'utf8')) as {
      namespaces?: string[];
      repositories: Record<string, unknown>;
    };
    // the namespace was recorded in full: discovery may call a repository missing from it gone
    expect(recorded.namespaces).toEqual(['lablup']);
    expect(Object.keys(recorded.repositories).sort()).toEqual(['lablup/kernel-go', 'lablup/kernel-julia', 'lablup/kernel-ngc-pytorch', 'lablup/kernel-python']);

    // stdout form, for `> registry.json`
    const piped = await run(['snapshot', '--registry', registry.url, '--repository', 'lablup/kernel-julia']);
    expect(piped.code).toBe(0);
    expect(Object.keys((JSON.parse(piped.stdout) as { repositories: object }).repositories)).toEqual(['lablup/kernel-julia']);

    writeFileSync(
      join(sandbox.dir, 'offline.imgsync.config.yaml'),
      [
        'targets:',
        '  - files: ["offline/image-metadata.yml"]',
        '    format: backendai',
        '    registry: file:registry-snapshot.json',
        '    repository: lablup/kernel-{name}',
        "    tags: { include: '^\\d', exclude: ['-rc\\d*$'] }",
        '',
      ].join('\n'),
    );
    mkdirSync(join(sandbox.dir, 'offline'), { recursive: true });
    writeFileSync(join(sandbox.dir, 'offline/image-metadata.yml'), originalMetadata);
    await registry.stop(); // from here on, only the snapshot can answer
    const update = await run(['update', '--config', 'offline.imgsync.config.yaml']);
    expect(update.stderr).not.toMatch(/^error/m);
    expect(update.code).toBe(0);
    expect(readFileSync(join(sandbox.dir, 'offline/image-metadata.yml'), 'utf8')).toBe(expectedMetadata(pushed));
  });
});
