/**
 * The digest cache file of a run: one store shared by every registry client, so a run
 * against several registries reads the file once and writes it once with everything all of
 * them learned (each client used to load and rewrite it on its own, the last write
 * dropping the others' entries). Real `docker-registry` servers on 127.0.0.1.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { runUpdate } from '../../src/update/index.js';
import { pushImage, type PushedImage } from '@imgsync/test-helpers/registry/push.js';
import { startRegistry, type RunningRegistry } from '@imgsync/test-helpers/registry/registry-server.js';

let first: RunningRegistry;
let second: RunningRegistry;
let api: PushedImage;
let worker: PushedImage;
let dir: string;

beforeAll(async () => {
  [first, second] = await Promise.all([startRegistry(), startRegistry()]);
  api = await pushImage({ url: first.url }, 'acme/api', '1.0.0', { seed: 'api' });
  worker = await pushImage({ url: second.url }, 'acme/worker', '2.0.0', { seed: 'worker' });
  dir = mkdtempSync(join(tmpdir(), 'imgsync-digest-cache-'));
});

afterAll(async () => {
  await Promise.all([first?.stop(), second?.stop()]);
  rmSync(dir, { recursive: true, force: true });
});

describe('the digest cache file of a run', () => {
  it('holds what every registry of the run learned, so the next run makes no manifest GET on any of them', async () => {
    writeFileSync(
      join(dir, 'compose.yaml'),
      `services:\n  api:\n    image: ${first.host}/acme/api:1.0.0\n  worker:\n    image: ${second.host}/acme/worker:2.0.0\n`,
    );
    const configText = 'targets:\n  - files: compose.yaml\n    format: image-refs\n';
    writeFileSync(join(dir, 'imgsync.config.yaml'), configText);
    const config = parseConfig(configText, join(dir, 'imgsync.config.yaml'));
    const cachePath = join(dir, 'cache.json');

    const cold = await runUpdate({ config, manifestCache: cachePath, dryRun: true });
    expect(Object.values(cold.stats.registries).map((s) => s.manifestGets)).toEqual([1, 1]);
    const written = JSON.parse(readFileSync(cachePath, 'utf8')) as Record<string, unknown>;
    expect(written).toHaveProperty(api.manifestDigest);
    expect(written).toHaveProperty(worker.manifestDigest);

    const warm = await runUpdate({ config, manifestCache: cachePath, dryRun: true });
    expect(Object.values(warm.stats.registries).map((s) => [s.manifestHeads, s.manifestGets, s.cacheHits])).toEqual([
      [1, 0, 1],
      [1, 0, 1],
    ]);
  });
});
