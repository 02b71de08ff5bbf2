/**
 * A registry looked up at a mirror: Docker Hub's names (`redis` is `library/redis`) asked
 * of a real local registry, with nothing sent to Docker Hub, and credentials that are the
 * mirror's own.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistryError } from '../../src/errors.js';
import { createRegistryClient } from '../../src/registry/index.js';
import type { FetchLike } from '../../src/registry/types.js';
import { pushImage, type PushedImage } from '@imgsync/test-helpers/registry/push.js';
import { startRegistry, type RunningRegistry } from '@imgsync/test-helpers/registry/registry-server.js';

const PASSWORD = 'mirror-Secret-19';
const basic = (user: string, password: string) => Buffer.from(`${user}:${password}`).toString('base64');
let mirror: RunningRegistry;
let guarded: RunningRegistry;
let redis: PushedImage;
let prefixed: PushedImage;

/** Fetch that records every URL and refuses any host but 127.0.0.1, so a request to Docker Hub fails the test. */
function localFetch(seen: string[]): FetchLike {
  return (input, init) => {
    seen.push(`${init?.method ?? 'GET'} ${input}`);
    if (new URL(input).hostname !== '127.0.0.1') return Promise.reject(new Error(`unexpected request to ${input}`));
    return fetch(input, init);
  };
}

beforeAll(async () => {
  [mirror, guarded] = await Promise.all([startRegistry(), startRegistry({ htpasswd: { mirror: PASSWORD } })]);
  redis = await pushImage({ url: mirror.url }, 'library/redis', '7.2.5', { seed: 'redis 7.2.5' });
  await pushImage({ url: mirror.url }, 'library/redis', '7.2.4', { seed: 'redis 7.2.4' });
  prefixed = await pushImage({ url: mirror.url }, 'dockerhub/library/redis', '7.2.5', { seed: 'prefixed redis' });
  await pushImage({ url: mirror.url }, 'dockerhub/lablup/kernel-python', '3.9', { seed: 'kernel' });
  const authorization = async () => `Basic ${basic('mirror', PASSWORD)}`;
  await pushImage({ url: guarded.url, authorization }, 'library/redis', '7.2.5', { seed: 'redis 7.2.5' });
});

afterAll(async () => {
  await Promise.all([mirror?.stop(), guarded?.stop()]);
});

describe('createRegistryClient with mirror', () => {
  it("asks the mirror for Docker Hub's official names, lists tags there, and never calls Docker Hub or its API", async () => {
    const seen: string[] = [];
    const client = createRegistryClient({ registry: 'docker.io', mirror: mirror.url, fetch: localFetch(seen) });
    expect(client.registry).toBe(`docker.io (mirror ${mirror.url})`);
    expect((await client.listTags('redis')).tags.map((t) => t.tag).sort()).toEqual(['7.2.4', '7.2.5']);
    const resolved = await client.resolveTag('redis', '7.2.5');
    expect(resolved).toMatchObject({ repository: 'library/redis', manifestDigest: redis.manifestDigest, imageId: redis.configDigest });
    expect(client.stats().hubApiRequests).toBe(0);
    expect(seen.every((line) => line.includes(`${mirror.url}/v2/`))).toBe(true);
  });

  it("puts the mirror URL's path before repository names (Harbor proxy projects, Nexus, Artifactory)", async () => {
    const client = createRegistryClient({ registry: 'docker.io', mirror: `${mirror.url}/dockerhub/`, fetch: localFetch([]) });
    expect((await client.resolveTag('redis', '7.2.5')).manifestDigest).toBe(prefixed.manifestDigest);
    expect(await client.listRepositories('lablup')).toMatchObject({ repositories: ['lablup/kernel-python'] });
  });

  it('names the mirror and the repository asked there when it lacks one', async () => {
    const client = createRegistryClient({ registry: 'docker.io', mirror: mirror.url, fetch: localFetch([]) });
    const error = await client.listTags('postgres').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryError);
    expect(error).toMatchObject({ status: 404, registry: mirror.url, repository: 'library/postgres' });
  });

  it("sends the mirror's credentials from the docker config, never Docker Hub's", async () => {
    const hubOnly = { auths: { 'https://index.docker.io/v1/': { auth: basic('mirror', PASSWORD) } } };
    const anonymous = createRegistryClient({ registry: 'docker.io', mirror: guarded.url, dockerConfig: hubOnly, fetch: localFetch([]) });
    await expect(anonymous.listTags('redis')).rejects.toThrow(/requires a username and password/);

    const both = { auths: { ...hubOnly.auths, [guarded.host]: { auth: basic('mirror', PASSWORD) } } };
    const client = createRegistryClient({ registry: 'docker.io', mirror: guarded.url, dockerConfig: both, fetch: localFetch([]) });
    expect((await client.listTags('redis')).tags.map((t) => t.tag)).toEqual(['7.2.5']);
  });
});
