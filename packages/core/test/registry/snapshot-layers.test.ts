/**
 * A tick snapshot: what a live client answered, recorded (`recordingSource`) and read back
 * in front of the live client (`layeredSource`), against the real `docker-registry`. What
 * the recording did not hold (a repository, a tag, a platform's image id) is asked live,
 * counted by the live client's own request counter.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistryError } from '../../src/errors.js';
import {
  createRegistryClient,
  createSnapshotSource,
  layeredSource,
  parseSnapshotSet,
  recordingSource,
  serializeSnapshotSet,
} from '../../src/registry/index.js';
import { pushImage, pushIndex, type PushedImage, type PushedIndex } from '@imgsync/test-helpers/registry/push.js';
import { startRegistry, type RunningRegistry } from '@imgsync/test-helpers/registry/registry-server.js';

let registry: RunningRegistry;
let single: PushedImage;
let multi: PushedIndex;

beforeAll(async () => {
  registry = await startRegistry();
  single = await pushImage({ url: registry.url }, 'lablup/python', '3.6-ubuntu', { seed: 'layers' });
  await pushImage({ url: registry.url }, 'lablup/python', '3.7-ubuntu', { seed: 'layers-37' });
  multi = await pushIndex({ url: registry.url }, 'lablup/constructor', 'multi', {
    seed: 'layers-multi',
    platforms: [
      { os: 'linux', architecture: 'amd64' },
      { os: 'linux', architecture: 'arm64' },
    ],
  });
});

afterAll(async () => {
  await registry?.stop();
});

const arm64 = { os: 'linux', architecture: 'arm64' };

describe('recordingSource and layeredSource (real docker-registry)', () => {
  it('records what was asked and answers it again with no request; asks live for what was not recorded', async () => {
    const recorder = recordingSource(createRegistryClient({ registry: registry.url }), () => new Date('2026-11-29T05:00:00Z'));
    expect((await recorder.listRepositories('lablup')).repositories).toEqual(['lablup/constructor', 'lablup/python']);
    await recorder.listTags('lablup/python');
    await recorder.resolveTag('lablup/python', '3.6-ubuntu');
    await recorder.listTags('lablup/constructor');
    await recorder.resolveTag('lablup/constructor', 'multi'); // linux/amd64's image id only
    await expect(recorder.listTags('lablup/gone')).rejects.toMatchObject({ status: 404 });

    // through JSON, as the shards read it
    const [snapshot] = parseSnapshotSet(serializeSnapshotSet({ version: 1, snapshots: [recorder.snapshot()] })).snapshots;
    expect(snapshot!.namespaces).toEqual(['lablup']);
    expect(snapshot!.repositories['lablup/gone']).toEqual({ tags: {}, missing: true });
    expect(Object.keys(snapshot!.repositories['lablup/python']!.tags)).toEqual(['3.6-ubuntu', '3.7-ubuntu']);
    expect(snapshot!.repositories['lablup/python']!.tags['3.7-ubuntu']).toEqual({}); // listed, not resolved

    const live = createRegistryClient({ registry: registry.url });
    const layered = layeredSource(snapshot!, live);
    expect((await layered.listRepositories('lablup')).repositories).toEqual(['lablup/constructor', 'lablup/python']);
    expect((await layered.listTags('lablup/python')).tags.map((t) => t.tag)).toEqual(['3.6-ubuntu', '3.7-ubuntu']);
    expect(await layered.resolveTag('lablup/python', '3.6-ubuntu')).toMatchObject({ manifestDigest: single.manifestDigest, imageId: single.configDigest });
    // a repository named like an Object.prototype key is still a repository
    expect((await layered.resolveTag('lablup/constructor', 'multi')).imageId).toBe(multi.platforms[0]!.configDigest);
    await expect(layered.listTags('lablup/gone')).rejects.toMatchObject({ status: 404 });
    expect(live.stats().requests).toBe(0);
    expect(layered.misses()).toEqual([]);

    // not recorded: a tag listed but never resolved, another platform's image id
    expect((await layered.resolveTag('lablup/python', '3.7-ubuntu')).manifestDigest).toMatch(/^sha256:/);
    expect((await layered.resolveTag('lablup/constructor', 'multi', { platform: arm64 })).imageId).toBe(multi.platforms[1]!.configDigest);
    expect(layered.misses()).toEqual(['lablup/python:3.7-ubuntu', 'lablup/constructor:multi']);
    expect(live.stats().requests).toBeGreaterThan(0);
  });

  it('merges the platforms asked for, so that one recorded tag answers each of them', async () => {
    const recorder = recordingSource(createRegistryClient({ registry: registry.url }));
    await recorder.resolveTag('lablup/constructor', 'multi');
    await recorder.resolveTag('lablup/constructor', 'multi', { platform: arm64 });
    const platforms = recorder.snapshot().repositories['lablup/constructor']!.tags.multi!.platforms!;
    expect(platforms.map((p) => [p.architecture, p.imageId])).toEqual([
      ['amd64', multi.platforms[0]!.configDigest],
      ['arm64', multi.platforms[1]!.configDigest],
    ]);
  });

  it('a pure snapshot source refuses what was not recorded instead of calling it absent', async () => {
    const recorder = recordingSource(createRegistryClient({ registry: registry.url }));
    await recorder.listRepositories('lablup');
    await recorder.listTags('lablup/python');
    const source = createSnapshotSource(recorder.snapshot());
    const unlisted = await source.listTags('lablup/constructor').catch((error: unknown) => error);
    expect(unlisted).toBeInstanceOf(RegistryError);
    expect((unlisted as RegistryError).status).toBeUndefined();
    expect((unlisted as Error).message).toMatch(/tags were not recorded/);
    await expect(source.resolveTag('lablup/python', '3.6-ubuntu')).rejects.toThrow(/listed but not resolved/);
  });
});

describe('runUpdate with a tick snapshot (real docker-registry)', () => {
  const compose = (tag: string) => `services:\n  app:\n    image: ${registry.url.replace(/^http:\/\//, '')}/lablup/python:${tag}\n`;
  const configText = `targets:\n  - files: [compose.yaml]\n    format: image-refs\n    update: minor\n`;

  async function project(tag: string) {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { parseConfig } = await import('../../src/config/index.js');
    const dir = mkdtempSync(join(tmpdir(), 'imgsync-tick-'));
    writeFileSync(join(dir, 'compose.yaml'), compose(tag));
    writeFileSync(join(dir, 'imgsync.config.yaml'), configText);
    return parseConfig(configText, join(dir, 'imgsync.config.yaml'));
  }

  it('records a run, answers the next from the recording with no request, and sets aside a stale one with a warning', async () => {
    const { runUpdate } = await import('../../src/update/index.js');
    const config = await project('3.6-ubuntu');
    const recorded = await runUpdate({ config, dryRun: true, recordSnapshot: true });
    const requests = (r: { stats: { registries: Record<string, { requests: number }> } }) =>
      Object.values(r.stats.registries).reduce((n, s) => n + s.requests, 0);
    expect(requests(recorded)).toBeGreaterThan(0);
    expect(recorded.recordedSnapshots).toHaveLength(1);

    const snapshot = { version: 1 as const, snapshots: recorded.recordedSnapshots! };
    const answered = await runUpdate({ config, dryRun: true, snapshot });
    expect(requests(answered)).toBe(0);
    expect(answered.changes).toEqual(recorded.changes);
    expect(answered.warnings).toEqual(recorded.warnings);

    const old = { version: 1 as const, snapshots: recorded.recordedSnapshots!.map((s) => ({ ...s, recordedAt: '2026-01-01T00:00:00.000Z' })) };
    const stale = await runUpdate({ config, dryRun: true, snapshot: old });
    expect(requests(stale)).toBeGreaterThan(0);
    expect(stale.warnings.join('\n')).toContain(
      `snapshot of ${registry.url.replace('http://', '')} was recorded 2026-01-01T00:00:00.000Z, more than 6 hours ago; asked the registry live`,
    );
    expect(stale.changes).toEqual(recorded.changes);
  });
});
