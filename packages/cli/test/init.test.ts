/**
 * `imgsync init` as a new user meets it: the config it writes runs as written (`init`,
 * then `check` and `update --dry-run`), here against a recorded registry snapshot; the
 * end-to-end suite does the same against a real registry.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@imgsync/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMain } from './capture.js';

const repoRoot = join(import.meta.dirname, '../../..');
const corpus = (name: string) => join(repoRoot, 'fixtures/corpus', name);
const FLUX_SETTERS = join(repoRoot, 'packages/core/test/formats/markers/fixtures/hand-written__flux-setters.yaml');
const digest = (hex: string) => `sha256:${hex.repeat(64)}`;
const SNAPSHOT = {
  version: 1,
  registry: 'ghcr.io',
  repositories: {
    'stefanprodan/podinfo': {
      tags: { '5.0.0': { manifestDigest: digest('1') }, '5.0.3': { manifestDigest: digest('2') }, '6.0.0-rc.1': { manifestDigest: digest('3') } },
    },
    'acme/sidecar': { tags: { '1.0.0': { manifestDigest: digest('4') } } },
  },
};

let dir: string;
let env: Record<string, string>;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'imgsync-init-'));
  env = { HOME: dir, XDG_CACHE_HOME: join(dir, 'cache') };
  writeFileSync(join(dir, 'snapshot.json'), JSON.stringify(SNAPSHOT));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A fresh project directory holding `files` (name -> source path). */
function project(name: string, files: Record<string, string>): string {
  const root = join(dir, name);
  for (const [target, source] of Object.entries(files)) {
    mkdirSync(join(root, target, '..'), { recursive: true });
    copyFileSync(source, join(root, target));
  }
  copyFileSync(join(dir, 'snapshot.json'), join(root, 'snapshot.json'));
  return root;
}

describe('imgsync init on Flux setter markers', () => {
  it('writes one policy per marker name, repository from the reference, and check/update run as written', async () => {
    const cwd = project('flux', { 'podinfo.yaml': FLUX_SETTERS });
    const init = await runMain(['init', 'podinfo.yaml', '--registry', 'file:snapshot.json'], { cwd, env });
    expect(init.code).toBe(0);
    expect(init.stdout).toBe('wrote imgsync.config.yaml for podinfo.yaml (detected format: markers; 3 policies for its markers)\n');
    // the imgsync-style marker on a bare tag shows no repository: init says so
    expect(init.stderr).toBe(
      'warning policy redis (podinfo.yaml:27): no marker shows which repository it follows; fill in its repository in imgsync.config.yaml\n',
    );

    const config = await loadConfig({ path: join(cwd, 'imgsync.config.yaml') });
    const policies = config.targets[0]!.policies;
    expect(Object.keys(policies)).toEqual(['flux-system:podinfo', 'flux-system:unknown', 'redis']);
    expect(policies['flux-system:podinfo']!.repository).toBe('ghcr.io/stefanprodan/podinfo');
    expect(policies['flux-system:unknown']!.repository).toBe('ghcr.io/acme/sidecar');

    const check = await runMain(['check'], { cwd, env });
    expect(check.stderr).toBe('');
    expect(check.code).toBe(1);
    // the reference marker and the :tag marker: each a moved tag, "image old → new"
    expect(check.stdout.split('\n').filter((line) => line === '  updated  ghcr.io/stefanprodan/podinfo 5.0.0 → 5.0.3')).toHaveLength(2);
    expect(check.stdout).toContain('drift: 2 changes in 1 file');

    const before = readFileSync(join(cwd, 'podinfo.yaml'), 'utf8');
    const dry = await runMain(['update', '--dry-run'], { cwd, env });
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('-          image: ghcr.io/stefanprodan/podinfo:5.0.0 # {"$imagepolicy": "flux-system:podinfo"}\n');
    expect(dry.stdout).toContain('+          image: ghcr.io/stefanprodan/podinfo:5.0.3 # {"$imagepolicy": "flux-system:podinfo"}\n');
    expect(dry.stdout).toContain('+      tag: 5.0.3 # {"$imagepolicy": "flux-system:podinfo:tag"}\n');
    expect(readFileSync(join(cwd, 'podinfo.yaml'), 'utf8')).toBe(before);

    expect((await runMain(['update'], { cwd, env })).code).toBe(0);
    const after = await runMain(['check'], { cwd, env });
    expect(after.code).toBe(0);
    expect(after.stdout).toContain('up to date');
  });

  it('check fails (exit 2, file:line:col) when a marker names a policy the config lacks, and names the one it has', async () => {
    const cwd = project('flux-short-name', { 'podinfo.yaml': FLUX_SETTERS });
    const policy = (name: string, repository: string) => `      ${name}: { repository: ${repository} }\n`;
    writeFileSync(
      join(cwd, 'imgsync.config.yaml'),
      `targets:\n  - files: [podinfo.yaml]\n    format: markers\n    registry: file:snapshot.json\n    policies:\n${policy('podinfo', 'ghcr.io/stefanprodan/podinfo')}${policy('redis', 'redis')}`,
    );
    const check = await runMain(['check'], { cwd, env });
    expect(check.code).toBe(2);
    expect(check.stdout).toBe('1 file could not be checked\n');
    expect(check.stderr).toMatch(
      /^error podinfo\.yaml:13:18: marker # \{"\$imagepolicy": "flux-system:podinfo"\} names policy flux-system:podinfo, which the configuration does not define \(and 3 more markers naming undefined policies\); the configuration has "podinfo": name it "flux-system:podinfo"/m,
    );
  });

  it('format: auto over a Flux app directory: follows the marked release, skips the files without images with a note', async () => {
    const flux = 'fluxcd__flux2-kustomize-helm-example__apps__';
    const cwd = project('flux-app', {
      'apps/base/podinfo/namespace.yaml': corpus(`${flux}base__podinfo__namespace.yaml`),
      'apps/base/podinfo/repository.yaml': corpus(`${flux}base__podinfo__repository.yaml`),
      'apps/base/podinfo/kustomization.yaml': corpus(`${flux}base__podinfo__kustomization.yaml`),
      'apps/staging/podinfo-values.yaml': corpus(`${flux}staging__podinfo-values.yaml`),
      'apps/base/podinfo/release.yaml': FLUX_SETTERS,
    });
    expect((await runMain(['init', 'apps/base/podinfo/release.yaml', '--registry', 'file:snapshot.json'], { cwd, env })).code).toBe(0);
    const config = readFileSync(join(cwd, 'imgsync.config.yaml'), 'utf8');
    writeFileSync(
      join(cwd, 'imgsync.config.yaml'),
      config.replace('files: ["apps/base/podinfo/release.yaml"]\n    format: markers', 'files: ["apps/**/*.yaml"]\n    format: auto'),
    );

    const check = await runMain(['check'], { cwd, env });
    expect(check.stderr).toBe('');
    expect(check.code).toBe(1);
    for (const path of [
      'apps/base/podinfo/kustomization.yaml',
      'apps/base/podinfo/namespace.yaml',
      'apps/base/podinfo/repository.yaml',
      'apps/staging/podinfo-values.yaml',
    ]) {
      expect(check.stdout).toContain(`${path}: skipped, no image references\n`);
    }
    expect(check.stdout).toContain('apps/base/podinfo/release.yaml (markers)\n');
    expect(check.stdout).toContain('drift: 2 changes in 1 file');
  });
});

describe('imgsync init on other files', () => {
  it('names no registry for references that name theirs (ghcr.io), and the config loads', async () => {
    const cwd = project('ghcr', { 'deployment.yaml': corpus('stefanprodan__podinfo__deploy__bases__backend__deployment.yaml') });
    const init = await runMain(['init', 'deployment.yaml'], { cwd, env });
    expect(init.code).toBe(0);
    const config = readFileSync(join(cwd, 'imgsync.config.yaml'), 'utf8');
    expect(config).not.toMatch(/^\s*registry:/m);
    expect(config).toContain('    # registry: not needed, the references name theirs (ghcr.io)\n');
    expect((await loadConfig({ path: join(cwd, 'imgsync.config.yaml') })).targets[0]).toMatchObject({ format: 'image-refs' });
  });

  it('refuses --registry HOST for references that name their registries: the target would ignore it', async () => {
    const cwd = project('ghcr-registry', { 'deployment.yaml': corpus('stefanprodan__podinfo__deploy__bases__backend__deployment.yaml') });
    const init = await runMain(['init', 'deployment.yaml', '--registry', 'docker.io'], { cwd, env });
    expect(init.code).toBe(2);
    expect(init.stderr).toMatch(/^error --registry docker\.io: image-refs references name their own registries \(ghcr\.io\)/);
    expect(existsSync(join(cwd, 'imgsync.config.yaml'))).toBe(false);
  });

  it.each([
    ['a kustomization without images:', 'fluxcd__flux2-kustomize-helm-example__apps__staging__kustomization.yaml', 'no image references'],
    ['a HelmRepository', 'fluxcd__flux2-kustomize-helm-example__apps__base__podinfo__repository.yaml', 'no image references'],
    [
      'a compose file with an untagged image',
      'docker__awesome-compose__flask-redis__compose.yaml',
      'no image reference with a tag or digest to follow (untagged: redislabs/redismod)',
    ],
  ])('on %s: exit 2 saying there is nothing to follow, and no config (no "detected" format)', async (_what, source, reason) => {
    const cwd = project(`none-${source}`, { 'file.yaml': corpus(source) });
    const init = await runMain(['init', 'file.yaml'], { cwd, env });
    expect(init).toEqual({ code: 2, stdout: '', stderr: `error file.yaml: ${reason}; there is nothing for imgsync to keep current in it\n` });
    expect(existsSync(join(cwd, 'imgsync.config.yaml'))).toBe(false);
  });

  it('init . says that it is a directory; a missing file says so', async () => {
    const dot = await runMain(['init', '.'], { cwd: dir, env });
    expect(dot.code).toBe(2);
    expect(dot.stderr).toBe('error cannot read .: it is a directory; name the YAML file to keep current, such as imgsync init deploy/app.yaml\n');
    const missing = await runMain(['init', 'nope.yaml'], { cwd: dir, env });
    expect(missing).toMatchObject({ code: 2, stderr: 'error cannot read nope.yaml: no such file\n' });
  });
});
