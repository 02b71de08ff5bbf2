/**
 * Namespace discovery against live listings: the real `docker-registry` (its `/v2/_catalog`)
 * and the Docker Hub API stand-in (its documented namespace repository listing, paginated
 * with `next` URLs, in front of the real registry for manifests). Counts what a run costs.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { createRegistryClient, memoryManifestCache } from '../../src/registry/index.js';
import { runUpdate } from '../../src/update/index.js';
import { startHubApiStandIn, type RunningHubApi } from '@imgsync/test-helpers/registry/hub-api-stand-in.js';
import { pushImage, type PushedImage } from '@imgsync/test-helpers/registry/push.js';
import { startRegistry, type RunningRegistry } from '@imgsync/test-helpers/registry/registry-server.js';

let registry: RunningRegistry;
let hub: RunningHubApi;
const pushed: Record<string, PushedImage> = {};
const dirs: string[] = [];

beforeAll(async () => {
  registry = await startRegistry();
  const target = { url: registry.url };
  for (const [repository, tag] of [
    ['lablup/kernel-python', '3.6-ubuntu'],
    ['lablup/kernel-ruby', '2.6-alpine'],
    ['lablup/kernel-ruby', '2.7-alpine'],
    ['lablup/backend.ai-manager', '19.03'],
    ['other/kernel-go', '1.9'],
  ] as const) {
    pushed[`${repository}:${tag}`] = await pushImage(target, repository, tag, { seed: `${repository}:${tag}` });
  }
  const hubTag = (key: string, name: string) => ({
    name,
    digest: pushed[key]!.manifestDigest,
    images: [{ architecture: 'amd64', os: 'linux', digest: pushed[key]!.manifestDigest }],
  });
  hub = await startHubApiStandIn(
    {
      namespaces: {
        lablup: {
          'kernel-python': { tags: [hubTag('lablup/kernel-python:3.6-ubuntu', '3.6-ubuntu')] },
          'kernel-ruby': { tags: [hubTag('lablup/kernel-ruby:2.6-alpine', '2.6-alpine'), hubTag('lablup/kernel-ruby:2.7-alpine', '2.7-alpine')] },
          'backend.ai-manager': { tags: [hubTag('lablup/backend.ai-manager:19.03', '19.03')] },
          'kernel-a': { tags: [] },
          'kernel-b': { tags: [] },
        },
      },
    },
    { maxPageSize: 2 },
  );
});

afterAll(async () => {
  await hub?.stop();
  await registry?.stop();
  dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true }));
});

function project(registryLine: string, discover: string) {
  const dir = mkdtempSync(join(tmpdir(), 'imgsync-discover-live-'));
  dirs.push(dir);
  const id = pushed['lablup/kernel-python:3.6-ubuntu']!.configDigest.slice('sha256:'.length, 'sha256:'.length + 12);
  writeFileSync(join(dir, 'image-metadata.yml'), `images:\n  - name: python\n    tags:\n      - ["3.6-ubuntu", "${id}"]\n`);
  const text = `targets:\n  - files: image-metadata.yml\n    format: backendai\n    ${registryLine}\n    repository: lablup/kernel-{name}\n    discover: ${discover}\n`;
  writeFileSync(join(dir, 'imgsync.config.yaml'), text);
  return { dir, config: parseConfig(text, join(dir, 'imgsync.config.yaml')), text: () => readFileSync(join(dir, 'image-metadata.yml'), 'utf8') };
}

const id12 = (key: string) => pushed[key]!.configDigest.slice('sha256:'.length, 'sha256:'.length + 12);

describe('discovery through the real docker-registry (_catalog)', () => {
  it('reports the new repository of the namespace, not other namespaces or shapes, with one catalog request', async () => {
    const p = project(`registry: ${registry.url}`, 'report');
    const result = await runUpdate({ config: p.config, dryRun: true });
    expect(result.changes.filter((c) => c.code).map((c) => [c.code, c.image])).toEqual([['new-repository', 'lablup/kernel-ruby']]);
    expect(result.drift).toBe(true);
    const stats = Object.values(result.stats.registries)[0]!;
    // catalog 1 + python tags 1 + its manifest + ruby's tag list 1; ruby's tags are listed, not resolved
    expect(stats.manifestGets + stats.manifestHeads).toBeLessThanOrEqual(3);
  });

  it("adds the entry with the image ids of the registry's tags", async () => {
    const p = project(`registry: ${registry.url}`, 'add');
    await runUpdate({ config: p.config });
    expect(p.text()).toBe(
      `images:\n  - name: python\n    tags:\n      - ["3.6-ubuntu", "${id12('lablup/kernel-python:3.6-ubuntu')}"]\n` +
        `  - name: ruby\n    tags:\n      - ["2.6-alpine", "${id12('lablup/kernel-ruby:2.6-alpine')}"]\n      - ["2.7-alpine", "${id12('lablup/kernel-ruby:2.7-alpine')}"]\n`,
    );
  });
});

describe('discovery on docker.io through the Docker Hub API stand-in', () => {
  const hubSource =
    (cache = memoryManifestCache()) =>
    () =>
      createRegistryClient({ registry: 'docker.io', hubApiUrl: hub.url, distributionUrl: registry.url, cache });

  it('lists the namespace across next-URL pages and reports the new repository; no pull-counted request for it', async () => {
    const p = project('registry: docker.io', 'report');
    const before = hub.paths.length;
    const result = await runUpdate({ config: p.config, dryRun: true, registrySource: hubSource() });
    expect(result.changes.filter((c) => c.code).map((c) => c.image)).toEqual(['lablup/kernel-ruby']);
    const listing = hub.paths.slice(before).filter((path) => /\/v2\/namespaces\/lablup\/repositories\?/.test(path));
    expect(listing).toHaveLength(3); // 5 repositories, 2 a page
  });

  it('a run with nothing new costs zero pull-counted requests once the digest cache is warm', async () => {
    const p = project('registry: docker.io', 'add');
    const cache = memoryManifestCache();
    await runUpdate({ config: p.config, registrySource: hubSource(cache) }); // adds ruby, warms the cache
    expect(p.text()).toContain('- name: ruby');
    const again = await runUpdate({ config: p.config, registrySource: hubSource(cache) });
    expect(again).toMatchObject({ changed: false, drift: false });
    expect(again.stats.registries['docker.io']).toMatchObject({ manifestGets: 0 });
  });
});
