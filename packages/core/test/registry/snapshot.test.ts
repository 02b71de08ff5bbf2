import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, RegistryError } from '../../src/errors.js';
import {
  createRegistryClient,
  createSnapshotSource,
  parseSnapshot,
  readSnapshotFile,
  recordSnapshot,
  serializeSnapshot,
  type RegistrySnapshot,
} from '../../src/registry/index.js';
import { pushImage, pushIndex, type PushedImage, type PushedIndex } from '@imgsync/test-helpers/registry/push.js';
import { startRegistry, type RunningRegistry } from '@imgsync/test-helpers/registry/registry-server.js';

let registry: RunningRegistry;
let dir: string;
let single: PushedImage;
let multi: PushedIndex;

beforeAll(async () => {
  registry = await startRegistry();
  dir = await mkdtemp(join(tmpdir(), 'imgsync-snapshot-'));
  single = await pushImage({ url: registry.url }, 'lablup/python', '3.6-ubuntu', { seed: 'snap' });
  multi = await pushIndex({ url: registry.url }, 'lablup/python', 'multi', {
    seed: 'snap-multi',
    platforms: [
      { os: 'linux', architecture: 'amd64' },
      { os: 'linux', architecture: 'arm64' },
    ],
  });
  await pushImage({ url: registry.url }, 'lablup/kernel', 'skip-me', { seed: 'skip' });
});

afterAll(async () => {
  await registry?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('recordSnapshot and createSnapshotSource', () => {
  it('records a namespace from the live registry and answers like it, offline', async () => {
    // a snapshot answers for any platform later: every platform's image id is recorded
    const live = createRegistryClient({ registry: registry.url, imageIdsFor: 'all' });
    const { snapshot, warnings } = await recordSnapshot(live, {
      namespaces: ['lablup'],
      includeTag: (_repository, tag) => tag !== 'skip-me',
      now: () => new Date('2024-05-01T00:00:00Z'),
    });
    expect(warnings).toEqual([]);
    expect(snapshot.recordedAt).toBe('2024-05-01T00:00:00.000Z');
    expect(Object.keys(snapshot.repositories)).toEqual(['lablup/kernel', 'lablup/python']);
    expect(snapshot.repositories['lablup/kernel']!.tags).toEqual({});
    expect(snapshot.repositories['lablup/python']!.tags['3.6-ubuntu']).toMatchObject({
      manifestDigest: single.manifestDigest,
      imageId: single.configDigest,
      platforms: [],
    });

    const path = join(dir, 'registry.snapshot.json');
    await writeFile(path, serializeSnapshot(snapshot));
    const source = createSnapshotSource(await readSnapshotFile(path));
    expect(source.registry).toBe(live.registry);
    expect((await source.listRepositories('lablup')).repositories).toEqual(['lablup/kernel', 'lablup/python']);
    for (const tag of ['3.6-ubuntu', 'multi']) {
      const fromFile = await source.resolveTag('lablup/python', tag);
      const fromLive = await live.resolveTag('lablup/python', tag);
      expect(fromFile).toEqual(fromLive);
    }
    const arm = await source.resolveTag('lablup/python', 'multi', { platform: { os: 'linux', architecture: 'arm64' } });
    expect(arm.imageId).toBe(multi.platforms[1]!.configDigest);
    expect(source.stats().requests).toBe(0);
  });

  it('reads the same shape from YAML and drops invalid entries with warnings', async () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    const snapshot = parseSnapshot(
      [
        'version: 1',
        'registry: docker.io',
        'repositories:',
        '  lablup/python:',
        '    tags:',
        `      "3.6": { manifestDigest: "${digest}", imageId: "${digest}", pushedAt: "2024-01-01T00:00:00.000Z" }`,
        '      "-bad": { manifestDigest: "sha256:00" }',
        '      broken: { manifestDigest: "sha256:00" }',
        '  Not/Valid:',
        '    tags: {}',
      ].join('\n'),
    );
    const source = createSnapshotSource(snapshot);
    const listed = await source.listTags('lablup/python');
    expect(listed.tags).toEqual([{ tag: '3.6', manifestDigest: digest, pushedAt: '2024-01-01T00:00:00.000Z' }]);
    expect(listed.warnings.map((w) => w.code).sort()).toEqual(['invalid-digest', 'invalid-tag']);
    expect((await source.listRepositories('')).warnings.map((w) => w.code)).toEqual(['invalid-repository']);
    expect((await source.resolveTag('lablup/python', '3.6')).imageId).toBe(digest);
  });

  it('answers a missing tag with a 404 RegistryError, like a registry', async () => {
    const source = createSnapshotSource({ version: 1, registry: 'ghcr.io', repositories: { 'a/b': { tags: {} } } } satisfies RegistrySnapshot);
    await expect(source.resolveTag('a/b', 'nope')).rejects.toBeInstanceOf(RegistryError);
    await expect(source.listTags('a/c')).rejects.toMatchObject({ status: 404, repository: 'a/c' });
  });

  it('rejects a document that is not a snapshot with a ConfigError naming the file', async () => {
    expect(() => parseSnapshot('{"hello": 1}', 'x.json')).toThrow(ConfigError);
    expect(() => parseSnapshot('{"hello": 1}', 'x.json')).toThrow(/x\.json: not an imgsync registry snapshot/);
  });
});
