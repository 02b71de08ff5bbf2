import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistryError } from '../../src/errors.js';
import { createRegistryClient, memoryManifestCache } from '../../src/registry/index.js';
import { DOCKER_MANIFEST, pushImage, pushIndex, type PushedImage, type PushedIndex } from '@imgsync/test-helpers/registry/push.js';
import { startRegistry, type RunningRegistry } from '@imgsync/test-helpers/registry/registry-server.js';

let registry: RunningRegistry;
let single: PushedImage;
let dockerV2: PushedImage;
let multi: PushedIndex;

beforeAll(async () => {
  registry = await startRegistry();
  const target = { url: registry.url };
  single = await pushImage(target, 'lablup/python', '3.6-ubuntu', { seed: 'py36' });
  await pushImage(target, 'lablup/python', '3.7-ubuntu', { seed: 'py37' });
  dockerV2 = await pushImage(target, 'lablup/python', 'docker-v2', { seed: 'docker', mediaType: DOCKER_MANIFEST });
  multi = await pushIndex(target, 'lablup/python', 'multi', {
    seed: 'multi',
    platforms: [
      { os: 'linux', architecture: 'amd64' },
      { os: 'linux', architecture: 'arm64', variant: 'v8' },
    ],
    attestation: true,
  });
  await pushImage(target, 'lablup/kernel-base', 'latest', { seed: 'base' });
  await pushImage(target, 'other/thing', 'v1', { seed: 'other' });
});

afterAll(async () => {
  await registry?.stop();
});

describe('createRegistryClient against the real distribution registry (anonymous)', () => {
  it('lists the repositories of a namespace from /v2/_catalog', async () => {
    const client = createRegistryClient({ registry: registry.url });
    const listed = await client.listRepositories('lablup');
    expect(listed.repositories).toEqual(['lablup/kernel-base', 'lablup/python']);
    expect(listed.warnings).toEqual([]);
    const all = await client.listRepositories('');
    expect(all.repositories).toContain('other/thing');
  });

  it('lists every tag of a repository', async () => {
    const client = createRegistryClient({ registry: registry.url });
    const listed = await client.listTags('lablup/python');
    expect(listed.tags.map((t) => t.tag).sort()).toEqual(['3.6-ubuntu', '3.7-ubuntu', 'docker-v2', 'multi']);
  });

  it('resolves a single-platform OCI image to its manifest digest and image id (config digest)', async () => {
    const client = createRegistryClient({ registry: registry.url });
    const resolved = await client.resolveTag('lablup/python', '3.6-ubuntu');
    expect(resolved.manifestDigest).toBe(single.manifestDigest);
    expect(resolved.imageId).toBe(single.configDigest);
    expect(resolved.mediaType).toBe('application/vnd.oci.image.manifest.v1+json');
    expect(resolved.platforms).toEqual([]);
  });

  it('resolves a Docker v2 schema 2 manifest', async () => {
    const client = createRegistryClient({ registry: registry.url });
    const resolved = await client.resolveTag('lablup/python', 'docker-v2');
    expect(resolved.manifestDigest).toBe(dockerV2.manifestDigest);
    expect(resolved.imageId).toBe(dockerV2.configDigest);
    expect(resolved.mediaType).toBe(DOCKER_MANIFEST);
  });

  it('resolves an OCI index to its platforms, leaving out the attestation entry (imageIdsFor: all)', async () => {
    const client = createRegistryClient({ registry: registry.url, imageIdsFor: 'all' });
    const resolved = await client.resolveTag('lablup/python', 'multi');
    expect(resolved.manifestDigest).toBe(multi.manifestDigest);
    expect(resolved.mediaType).toBe('application/vnd.oci.image.index.v1+json');
    expect(resolved.platforms).toEqual(
      multi.platforms.map((p) => ({ ...p, imageId: p.configDigest, configDigest: undefined })).map(({ configDigest: _, ...p }) => p),
    );
    expect(resolved.platform?.architecture).toBe('amd64');
    expect(resolved.imageId).toBe(multi.platforms[0]!.configDigest);
    const arm = await client.resolveTag('lablup/python', 'multi', { platform: { os: 'linux', architecture: 'arm64' } });
    expect(arm.imageId).toBe(multi.platforms[1]!.configDigest);
    const missing = await client.resolveTag('lablup/python', 'multi', { platform: { os: 'windows', architecture: 'amd64' } });
    expect(missing.imageId).toBeUndefined();
    expect(missing.warnings.map((w) => w.code)).toEqual(['platform-not-found']);
  });

  it('fetches the index and the wanted platform manifest only, by default', async () => {
    const client = createRegistryClient({ registry: registry.url });
    const resolved = await client.resolveTag('lablup/python', 'multi');
    expect(resolved.imageId).toBe(multi.platforms[0]!.configDigest);
    expect(resolved.platforms.map((p) => p.manifestDigest)).toEqual(multi.platforms.map((p) => p.manifestDigest));
    expect(resolved.platforms[1]!.imageId).toBeUndefined();
    expect(client.stats().manifestGets).toBe(2);
    const all = createRegistryClient({ registry: registry.url, imageIdsFor: 'all' });
    await all.resolveTag('lablup/python', 'multi');
    expect(all.stats().manifestGets).toBe(3);
  });

  it('picks the wanted platform as containerd compares them: linux/arm64 is the arm64/v8 entry', async () => {
    const client = createRegistryClient({ registry: registry.url });
    for (const platform of [
      { os: 'linux', architecture: 'arm64' },
      { os: 'linux', architecture: 'aarch64' },
      { os: 'linux', architecture: 'arm64', variant: 'v8' },
    ]) {
      const resolved = await client.resolveTag('lablup/python', 'multi', { platform });
      expect(resolved.imageId, JSON.stringify(platform)).toBe(multi.platforms[1]!.configDigest);
    }
  });

  it('HEADs before GETs, and with a warm cache a no-change run makes zero manifest GETs', async () => {
    const cache = memoryManifestCache();
    const first = createRegistryClient({ registry: registry.url, cache });
    await first.resolveTag('lablup/python', '3.6-ubuntu');
    await first.resolveTag('lablup/python', 'multi');
    expect(first.stats()).toMatchObject({ manifestHeads: 2, manifestGets: 3 });

    const second = createRegistryClient({ registry: registry.url, cache });
    const again = await second.resolveTag('lablup/python', 'multi');
    await second.resolveTag('lablup/python', '3.6-ubuntu');
    expect(again.imageId).toBe(multi.platforms[0]!.configDigest);
    expect(second.stats()).toMatchObject({ manifestHeads: 2, manifestGets: 0, requests: 2, cacheHits: 3 });
  });

  it('sees a re-pushed tag move to its new digest while the cache keeps the old one valid', async () => {
    const cache = memoryManifestCache();
    const client = createRegistryClient({ registry: registry.url, cache });
    await pushImage({ url: registry.url }, 'lablup/moving', 'latest', { seed: 'before' });
    const before = await client.resolveTag('lablup/moving', 'latest');
    const repushed = await pushImage({ url: registry.url }, 'lablup/moving', 'latest', { seed: 'after' });
    const after = await client.resolveTag('lablup/moving', 'latest');
    expect(after.manifestDigest).not.toBe(before.manifestDigest);
    expect(after.manifestDigest).toBe(repushed.manifestDigest);
    expect(after.imageId).toBe(repushed.configDigest);
  });

  it('throws a RegistryError naming registry, repository and status for a missing tag', async () => {
    const client = createRegistryClient({ registry: registry.url });
    const error = await client.resolveTag('lablup/python', 'no-such-tag').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryError);
    expect(error).toMatchObject({ status: 404, repository: 'lablup/python', registry: registry.url.replace('https://', '') });
    expect((error as Error).message).toContain('lablup/python');
  });

  it('refuses an invalid tag or repository name before any request', async () => {
    const client = createRegistryClient({ registry: registry.url });
    await expect(client.resolveTag('lablup/python', '-bad')).rejects.toThrow(/invalid tag/);
    await expect(client.listTags('Lablup/Python')).rejects.toThrow(/invalid repository/);
    expect(client.stats().requests).toBe(0);
  });
});
