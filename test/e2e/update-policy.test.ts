/**
 * Safe defaults end to end, as a new user meets them: images pushed to Debian's real
 * `docker-registry` with newer minors and majors, then `imgsync update` (the built CLI) on
 * real corpus files (the Elasticsearch compose file, podinfo's Helm values) and a
 * kustomization, delivered to the real git server.
 *
 * The references name Docker Hub (or no registry, which is Docker Hub's) and GHCR, and a
 * `file:` snapshot answers only for the registry it recorded, so the config mirrors both
 * registries to the local one (`registries.<host>.mirror`), as a pull-through cache would.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { corpusFile } from '@imgsync/test-helpers/fixtures.js';
import { createBareRepo, gitCli, showFile } from '@imgsync/test-helpers/git/fixture-repo.js';
import { pushImage } from '@imgsync/test-helpers/registry/push.js';
import { useE2eWorld } from './support/e2e-world.js';
import { runCli } from './support/run-cli.js';

const token = 'imgsync-e2e-token-2c9d41f07ab35e68';

/** What the registry holds: each file's tag, a newer minor or patch, and a newer major. */
const registryTags: Record<string, string[]> = {
  'library/elasticsearch': ['7.16.1', '7.17.28', '8.1.0'],
  'library/logstash': ['7.16.1', '7.16.3'],
  'library/kibana': ['7.16.1', '8.1.0'],
  'stefanprodan/podinfo': ['6.14.1', '6.15.0', '7.0.0'],
  'library/redis': ['7.2.4', '7.4.2', '8.8.0', '8.10.0'],
};

const world = useE2eWorld(token, {
  async start(w) {
    for (const [repository, tags] of Object.entries(registryTags)) {
      for (const tag of tags) await pushImage({ url: w.registry.url }, repository, tag, { seed: `${repository}:${tag}` });
    }
  },
  async stop() {},
});

const compose = corpusFile('docker__awesome-compose__elasticsearch-logstash-kibana__compose.yaml');
const values = corpusFile('stefanprodan__podinfo__charts__podinfo__values.yaml');
const kustomization = [
  'apiVersion: kustomize.config.k8s.io/v1beta1',
  'kind: Kustomization',
  'images:',
  '  - name: redis',
  '    newTag: 7.2.4   # pinned on purpose',
  '  - name: ghcr.io/stefanprodan/podinfo',
  '    newTag: 6.14.1 # imgsync: ignore',
  '',
].join('\n');

const run = (args: string[]) => runCli(args, { cwd: world.sandbox.dir, sandbox: world.sandbox, env: { IMGSYNC_GIT_TOKEN: token } });

describe('imgsync update with the default policy (real registry as mirror, git server)', () => {
  it('moves versions within their major, reports the majors, pins only where a file can hold a digest, and names the new versions in the commit', async () => {
    const bare = createBareRepo(join(world.gitRoot, 'acme'), 'deploy', {
      'compose.yaml': compose,
      'charts/podinfo/values.yaml': values,
      'kustomization.yaml': kustomization,
    });
    const config = [
      'targets:',
      '  - files: [compose.yaml, kustomization.yaml]',
      '  - files: charts/*/values.yaml',
      '    format: helm-values',
      '    pin: true',
      'registries:',
      `  docker.io: { mirror: ${JSON.stringify(world.registry.url)} }`,
      `  ghcr.io: { mirror: ${JSON.stringify(world.registry.url)} }`,
      'git:',
      `  url: ${world.git.url('acme/deploy')}`,
      '  branch: main',
      '  token: env:IMGSYNC_GIT_TOKEN',
      '  author: { name: imgsync-e2e, email: imgsync-e2e@example.test }',
      '',
    ].join('\n');
    writeFileSync(join(world.sandbox.dir, 'imgsync.config.yaml'), config);

    const dry = await run(['update', '--dry-run', '--no-color']);
    expect(dry.stderr).toBe('');
    expect(dry.code).toBe(0);
    const lines = dry.stdout.split('\n').filter((line) => /^ {2}(updated|added|filled|report)/.test(line));
    expect(lines).toEqual([
      '  updated  elasticsearch 7.16.1 → 7.17.28',
      '  updated  logstash 7.16.1 → 7.16.3',
      '  report   elasticsearch: 8.1.0 available; update: major allows it',
      '  report   kibana: 8.1.0 available; update: major allows it',
      '  updated  redis 7.2.4 → 7.4.2',
      '  report   redis: 8.10.0 available; update: major allows it',
      '  updated  ghcr.io/stefanprodan/podinfo 6.14.1 → 6.15.0',
      '  updated  docker.io/redis 8.8.0 → 8.10.0',
      '  report   ghcr.io/stefanprodan/podinfo:6.15.0: not pinned: the image block has no digest key (add digest: "" if the chart reads one)',
      '  report   ghcr.io/stefanprodan/podinfo: 7.0.0 available; update: major allows it',
      '  report   docker.io/redis:8.10.0: not pinned: the image block has no digest key (add digest: "" if the chart reads one)',
    ]);

    const pushed = await run(['update', '--no-color']);
    expect(pushed.stderr).toBe('');
    expect(pushed.code).toBe(0);
    expect(pushed.stdout).toMatch(/5 changes in 3 files, 6 reports: pushed [0-9a-f]{12} to main/);
    expect(gitCli(bare, 'log', '-1', '--format=%B', 'main')).toBe(
      [
        'chore(images): update elasticsearch to 7.17.28 and 4 more',
        '',
        'compose.yaml:',
        '- update elasticsearch 7.16.1 -> 7.17.28',
        '- update logstash 7.16.1 -> 7.16.3',
        '',
        'kustomization.yaml:',
        '- update redis 7.2.4 -> 7.4.2',
        '',
        'charts/podinfo/values.yaml:',
        '- update ghcr.io/stefanprodan/podinfo 6.14.1 -> 6.15.0',
        '- update docker.io/redis 8.8.0 -> 8.10.0',
        '',
      ].join('\n') + '\n',
    );
    expect(showFile(bare, 'main', 'compose.yaml')).toBe(
      compose.replace('image: elasticsearch:7.16.1', 'image: elasticsearch:7.17.28').replace('image: logstash:7.16.1', 'image: logstash:7.16.3'),
    );
    expect(showFile(bare, 'main', 'kustomization.yaml')).toBe(kustomization.replace('newTag: 7.2.4 ', 'newTag: 7.4.2 '));
    expect(showFile(bare, 'main', 'charts/podinfo/values.yaml')).toBe(
      values.replace('  tag: 6.14.1\n', '  tag: 6.15.0\n').replace('  tag: 8.8.0\n', '  tag: 8.10.0\n'),
    );

    // the held-back majors stay reports: a second run changes nothing
    const again = await run(['update', '--no-color']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('up to date');
    expect(readFileSync(join(world.sandbox.dir, 'imgsync.config.yaml'), 'utf8')).toBe(config);
  });
});
