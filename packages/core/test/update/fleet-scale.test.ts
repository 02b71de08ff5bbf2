/**
 * A fleet of 50 repositories on the real `git http-backend`, 5 distinct images in the real
 * `docker-registry`: one run delivers one commit to each repository, its registry requests
 * are those of the 5 distinct images (counted against one-image runs), a repository with a
 * broken file fails alone, and shards (n = 1, 3, 7) partition the list and together make the
 * single run's changes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { runFleet } from '../../src/update/index.js';
import { createBareRepo, gitCli } from '@imgsync/test-helpers/git/fixture-repo.js';
import { useGitServer } from '@imgsync/test-helpers/git/git-suite.js';
import { pushImage } from '@imgsync/test-helpers/registry/push.js';
import { startRegistry, type RunningRegistry } from '@imgsync/test-helpers/registry/registry-server.js';

const token = 'fleet-scale-token-8d2e5f';
const suite = useGitServer(token);
let registry: RunningRegistry;
let configDir: string;
const images = ['base', 'api', 'web', 'worker', 'cron'];
const names = Array.from({ length: 50 }, (_, i) => `svc-${String(i).padStart(2, '0')}`);

beforeAll(async () => {
  registry = await startRegistry();
  for (const image of images) for (const tag of ['1.0.0', '1.2.0']) await pushImage({ url: registry.url }, `acme/${image}`, tag, { seed: `${image}-${tag}` });
  const host = registry.url.replace(/^http:\/\//, '');
  names.forEach((name, i) => {
    const text = name === 'svc-13' ? 'image: [broken\n' : `services:\n  app:\n    image: ${host}/acme/${images[i % images.length]}:1.0.0\n`;
    createBareRepo(suite.root, `acme/${name}`, { 'compose.yaml': text });
  });
  // the control: one repository naming the 5 images once each
  createBareRepo(suite.root, 'acme/control', {
    'compose.yaml': `services:\n${images.map((image) => `  ${image}:\n    image: ${host}/acme/${image}:1.0.0\n`).join('')}`,
  });
  configDir = mkdtempSync(join(tmpdir(), 'imgsync-fleet-scale-'));
}, 120_000);

afterAll(async () => {
  await registry?.stop();
  rmSync(configDir, { recursive: true, force: true });
});

const config = (list: string[]) =>
  parseConfig(
    `targets:\n  - files: compose.yaml\n    format: image-refs\ngit:\n  author: { name: fleet, email: fleet@example.test }\nrepositories:\n${list.map((n) => `  - ${suite.server.url(`acme/${n}`)}\n`).join('')}`,
    join(configDir, 'imgsync.config.yaml'),
  );
const options = { secrets: { gitToken: token }, gitIo: { tmpDir: suite.work } };
const diffsOf = (fleet: Awaited<ReturnType<typeof runFleet>>) =>
  Object.fromEntries(fleet.repositories.map((r) => [r.url, r.result?.files.map((f) => f.diff).join('') ?? r.error?.message]));

describe('a fleet of 50 repositories (real git http-backend and docker-registry)', () => {
  it('shards for n = 1, 3, 7 partition the list and together make the single run’s changes', async () => {
    const single = await runFleet({ config: config(names), dryRun: true, ...options });
    for (const count of [1, 3, 7]) {
      const shards = await Promise.all(
        Array.from({ length: count }, (_, index) => runFleet({ config: config(names), dryRun: true, shard: { index, count }, ...options })),
      );
      const urls = shards.flatMap((s) => s.repositories.map((r) => r.url));
      expect(urls).toHaveLength(50);
      expect(new Set(urls).size).toBe(50);
      expect(Object.assign({}, ...shards.map(diffsOf))).toEqual(diffsOf(single));
    }
  }, 120_000);

  it('delivers one commit to each repository; registry requests follow the 5 distinct images, not the 50 repositories; the broken file fails alone', async () => {
    const fleet = await runFleet({ config: config(names), ...options });
    expect(fleet.totals).toMatchObject({ repositories: 50, changed: 49, failed: 1 });
    expect(fleet.repositories.find((r) => r.outcome === 'failed')!.url).toMatch(/svc-13/);
    for (const name of names.filter((n) => n !== 'svc-13'))
      expect(gitCli(join(suite.root, `acme/${name}.git`), 'rev-list', '--count', 'main').trim()).toBe('2');
    const requests = Object.values(fleet.stats.registries)[0]!.requests;
    // the control repository names the 5 images once each: one run over it asks what the fleet of 50 asks
    const control = await runFleet({ config: config(['control']), dryRun: true, ...options });
    const perImage = Object.values(control.stats.registries)[0]!.requests;
    expect(requests).toBe(perImage);
  }, 120_000);
});
