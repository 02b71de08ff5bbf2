/**
 * A fleet run against the real `git http-backend` (token-checking server on 127.0.0.1) and
 * the real `docker-registry`: three repositories share one image, one repository has its
 * own targets, one does not exist. The shared image is asked about once; the missing
 * repository fails alone; shards split the list without overlap.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { runFleet, runUpdate } from '../../src/update/index.js';
import { createBareRepo, gitCli, showFile } from '@imgsync/test-helpers/git/fixture-repo.js';
import { useGitServer } from '@imgsync/test-helpers/git/git-suite.js';
import { pushImage } from '@imgsync/test-helpers/registry/push.js';
import { startRegistry, type RunningRegistry } from '@imgsync/test-helpers/registry/registry-server.js';

const token = 'fleet-test-token-4f1c9a';
const suite = useGitServer(token);
let registry: RunningRegistry;
let configDir: string;

const deployment = (tag: string) =>
  `apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: REGISTRY/acme/base:${tag}\n`;

beforeAll(async () => {
  registry = await startRegistry();
  for (const tag of ['1.0.0', '1.1.0', '2.0.0']) await pushImage({ url: registry.url }, 'acme/base', tag, { seed: `base-${tag}` });
  await pushImage({ url: registry.url }, 'acme/tool', '3.0.0', { seed: 'tool-3.0.0' });
  await pushImage({ url: registry.url }, 'acme/tool', '3.2.0', { seed: 'tool-3.2.0' });
  const host = registry.url.replace(/^http:\/\//, '');
  for (const name of ['api', 'web', 'worker']) createBareRepo(suite.root, `acme/${name}`, { 'deploy/app.yaml': deployment('1.0.0').replace('REGISTRY', host) });
  createBareRepo(suite.root, 'acme/tools', { 'ci/tool.yaml': `image: ${host}/acme/tool:3.0.0\n` });
  configDir = mkdtempSync(join(tmpdir(), 'imgsync-fleet-config-'));
});

afterAll(async () => {
  await registry?.stop();
  rmSync(configDir, { recursive: true, force: true });
});

function fleetConfig(extra = '') {
  const text =
    `targets:\n  - files: ['deploy/*.yaml']\n    format: image-refs\n` +
    `git:\n  author: { name: imgsync-fleet, email: fleet@example.test }\n` +
    `repositories:\n` +
    `  - ${suite.server.url('acme/api')}\n  - ${suite.server.url('acme/web')}\n  - ${suite.server.url('acme/worker')}\n` +
    `  - url: ${suite.server.url('acme/tools')}\n    targets: [{ files: ci/tool.yaml, format: image-refs }]\n` +
    `  - ${suite.server.url('acme/missing')}\n${extra}`;
  writeFileSync(join(configDir, 'imgsync.config.yaml'), text);
  return parseConfig(text, join(configDir, 'imgsync.config.yaml'));
}

describe('runFleet (real git http-backend and docker-registry)', () => {
  it('updates every repository, asks about a shared image once, and reports a missing repository without stopping the others', async () => {
    const head = (name: string) => gitCli(join(suite.root, `acme/${name}.git`), 'rev-parse', 'main').trim();
    const before = Object.fromEntries(['api', 'web', 'worker', 'tools'].map((n) => [n, head(n)]));
    const fleet = await runFleet({ config: fleetConfig(), secrets: { gitToken: token }, gitIo: { tmpDir: suite.work } });

    expect(fleet.repositories.map((r) => [r.url.replace(/.*\/acme\//, '').replace(/\.git$/, ''), r.outcome])).toEqual([
      ['api', 'changed'],
      ['web', 'changed'],
      ['worker', 'changed'],
      ['tools', 'changed'],
      ['missing', 'failed'],
    ]);
    expect(fleet.repositories[4]!.error!.message).toMatch(/missing/);
    expect(fleet.totals).toMatchObject({ repositories: 5, changed: 4, failed: 1, changes: 4 });
    for (const name of ['api', 'web', 'worker']) {
      expect(head(name)).not.toBe(before[name]);
      // within the major: 1.0.0 -> 1.1.0, never 2.0.0
      expect(showFile(join(suite.root, `acme/${name}.git`), 'main', 'deploy/app.yaml')).toContain('/acme/base:1.1.0\n');
    }
    expect(showFile(join(suite.root, 'acme/tools.git'), 'main', 'ci/tool.yaml')).toContain('/acme/tool:3.2.0\n');
    // the three repositories' acme/base cost what one repository's does: the fleet's requests
    // are those of acme/base once plus acme/tool once, measured here on one-repository runs
    const alone = async (name: string, targets: string) => {
      const text = `targets: ${targets}\ngit: { url: ${suite.server.url(`acme/${name}`)} }\n`;
      const result = await runUpdate({
        config: parseConfig(text, join(configDir, 'alone.yaml')),
        dryRun: true,
        push: true,
        secrets: { gitToken: token },
        gitIo: { tmpDir: suite.work },
      });
      return Object.values(result.stats.registries)[0]!.requests;
    };
    const fleetRequests = Object.values(fleet.stats.registries)[0]!.requests;
    expect(fleetRequests).toBe(
      (await alone('api', "[{ files: ['deploy/*.yaml'], format: image-refs }]")) + (await alone('tools', '[{ files: ci/tool.yaml, format: image-refs }]')),
    );

    // a second tick: nothing to do anywhere, the missing repository still failing alone
    const again = await runFleet({ config: fleetConfig(), secrets: { gitToken: token }, gitIo: { tmpDir: suite.work } });
    expect(again.totals).toMatchObject({ changed: 0, unchanged: 4, failed: 1 });
  });

  it('splits the repositories into shards without overlap', async () => {
    const config = fleetConfig();
    const shards = await Promise.all(
      [0, 1].map((index) => runFleet({ config, dryRun: true, shard: { index, count: 2 }, secrets: { gitToken: token }, gitIo: { tmpDir: suite.work } })),
    );
    const urls = shards.flatMap((s) => s.repositories.map((r) => r.url)).sort();
    expect(urls).toHaveLength(5);
    expect(new Set(urls).size).toBe(5);
    expect(shards.map((s) => s.skipped + s.repositories.length)).toEqual([5, 5]);
  });
});
