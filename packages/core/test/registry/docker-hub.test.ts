import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistryError } from '../../src/errors.js';
import { createRegistryClient, memoryManifestCache, type RegistryClientOptions } from '../../src/registry/index.js';
import { startHubApiStandIn, type HubTagData, type RunningHubApi } from '@imgsync/test-helpers/registry/hub-api-stand-in.js';
import { pushImage, pushIndex, type PushedImage, type PushedIndex } from '@imgsync/test-helpers/registry/push.js';
import { startRegistry, type RunningRegistry } from '@imgsync/test-helpers/registry/registry-server.js';

let registry: RunningRegistry;
let hub: RunningHubApi;
let single: PushedImage;
let multi: PushedIndex;
let official: PushedImage;
const ZERO = `sha256:${'0'.repeat(64)}`;

beforeAll(async () => {
  registry = await startRegistry();
  const target = { url: registry.url };
  single = await pushImage(target, 'lablup/python', '3.6-ubuntu', { seed: 'hub-single' });
  multi = await pushIndex(target, 'lablup/python', '3.9', {
    seed: 'hub-multi',
    platforms: [
      { os: 'linux', architecture: 'amd64' },
      { os: 'linux', architecture: 'arm64', variant: 'v8' },
    ],
  });
  official = await pushImage(target, 'library/python', '3.12', { seed: 'official' });
  const pythonTags: HubTagData[] = [
    {
      name: '3.6-ubuntu',
      digest: single.manifestDigest,
      tag_last_pushed: '2024-04-30T08:00:00.123456Z',
      images: [{ architecture: 'amd64', os: 'linux', digest: single.manifestDigest }],
    },
    {
      name: '3.9',
      digest: multi.manifestDigest,
      tag_last_pushed: '2024-05-01T10:00:00Z',
      images: [
        ...multi.platforms.map((p) => ({ architecture: p.architecture, os: p.os, variant: p.variant ?? null, digest: p.manifestDigest })),
        { architecture: 'unknown', os: 'unknown', digest: ZERO },
      ],
    },
    { name: '.bad tag', digest: ZERO, images: [] },
    { name: 'bad-digest', digest: 'sha256:XYZ', images: [{ architecture: 'amd64', os: 'linux', digest: 'md5:abc' }] },
  ];
  const extraRepos = Object.fromEntries(['a', 'b', 'c', 'd'].map((n) => [`kernel-${n}`, { tags: [] }]));
  hub = await startHubApiStandIn(
    {
      namespaces: {
        lablup: { python: { tags: pythonTags }, ...extraRepos, secret: { private: true, tags: [] } },
        library: { python: { tags: [{ name: '3.12', digest: official.manifestDigest, images: [] }] } },
      },
      users: { hubuser: 'hub-password-123' },
    },
    { maxPageSize: 2 },
  );
});

afterAll(async () => {
  await hub?.stop();
  await registry?.stop();
});

function dockerHubClient(options: Partial<RegistryClientOptions> = {}) {
  return createRegistryClient({ registry: 'docker.io', hubApiUrl: hub.url, distributionUrl: registry.url, ...options });
}

describe('docker.io through the Docker Hub API stand-in and a real registry', () => {
  it('discovers every repository of a namespace across next-URL pages (Docker Hub API stand-in)', async () => {
    const client = dockerHubClient();
    const listed = await client.listRepositories('lablup');
    expect(listed.repositories).toEqual(['lablup/kernel-a', 'lablup/kernel-b', 'lablup/kernel-c', 'lablup/kernel-d', 'lablup/python']);
    expect(client.stats()).toMatchObject({ hubApiRequests: 3, manifestGets: 0, manifestHeads: 0 });
  });

  it('logs in to see private repositories (Docker Hub API stand-in)', async () => {
    const client = dockerHubClient({ credentials: { username: 'hubuser', password: 'hub-password-123' } });
    expect((await client.listRepositories('lablup')).repositories).toContain('lablup/secret');
    const refused = dockerHubClient({ credentials: { username: 'hubuser', password: 'nope-nope' } });
    await expect(refused.listRepositories('lablup')).rejects.toThrow(/Docker Hub login failed/);
  });

  it('lists tags with digests, push times and platforms, skipping invalid data with warnings (Docker Hub API stand-in)', async () => {
    const client = dockerHubClient();
    const listed = await client.listTags('lablup/python');
    expect(listed.tags).toEqual([
      {
        tag: '3.6-ubuntu',
        manifestDigest: single.manifestDigest,
        pushedAt: '2024-04-30T08:00:00.123Z',
        platforms: [{ os: 'linux', architecture: 'amd64', manifestDigest: single.manifestDigest, imageId: undefined }],
      },
      {
        tag: '3.9',
        manifestDigest: multi.manifestDigest,
        pushedAt: '2024-05-01T10:00:00.000Z',
        platforms: multi.platforms.map((p) => ({
          os: p.os,
          architecture: p.architecture,
          ...(p.variant ? { variant: p.variant } : {}),
          manifestDigest: p.manifestDigest,
          imageId: undefined,
        })),
      },
      { tag: 'bad-digest' },
    ]);
    expect(listed.warnings.map((w) => w.code).sort()).toEqual(['invalid-digest', 'invalid-digest', 'invalid-tag']);
    expect(client.stats().manifestGets).toBe(0);
  });

  it('treats a one-word repository as an official library image', async () => {
    const client = dockerHubClient();
    const listed = await client.listTags('python');
    expect(listed.repository).toBe('library/python');
    const resolved = await client.resolveTag('python', '3.12');
    expect(resolved.manifestDigest).toBe(official.manifestDigest);
    expect(resolved.repository).toBe('library/python');
  });

  it('agrees with the registry, and a second run with the cache costs zero manifest GETs', async () => {
    const cache = memoryManifestCache();
    const first = dockerHubClient({ cache });
    const listed = await first.listTags('lablup/python');
    for (const info of listed.tags.filter((t) => t.manifestDigest)) {
      const resolved = await first.resolveTag('lablup/python', info.tag);
      expect(resolved.manifestDigest).toBe(info.manifestDigest);
    }
    const second = dockerHubClient({ cache });
    const resolved = await second.resolveTag('lablup/python', '3.9');
    expect(resolved.imageId).toBe(multi.platforms[0]!.configDigest);
    expect(second.stats()).toMatchObject({ manifestGets: 0, manifestHeads: 1 });
  });

  it('names docker.io and the repository when the Hub API does not know it', async () => {
    const client = dockerHubClient();
    const error = await client.listTags('lablup/nothing').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryError);
    expect(error).toMatchObject({ registry: 'docker.io', repository: 'lablup/nothing', status: 404 });
  });
});
