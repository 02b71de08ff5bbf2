import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistryError } from '../../src/errors.js';
import { BODY_LIMITS, createRegistryClient } from '../../src/registry/index.js';
import { startFaultProxy, type RunningFaultProxy } from '@imgsync/test-helpers/registry/fault-proxy.js';
import { pushImage, pushIndex } from '@imgsync/test-helpers/registry/push.js';
import { startRegistry, type RunningRegistry } from '@imgsync/test-helpers/registry/registry-server.js';

let registry: RunningRegistry;
let proxy: RunningFaultProxy;

beforeAll(async () => {
  registry = await startRegistry();
  for (let t = 0; t < 40; t++) await pushImage({ url: registry.url }, 'acme/many', `1.${t}.0`, { seed: `many ${t}` });
  await pushIndex({ url: registry.url }, 'acme/multi', 'v1', {
    seed: 'multi',
    platforms: [
      { os: 'linux', architecture: 'amd64' },
      { os: 'linux', architecture: 'arm64' },
    ],
  });
  proxy = await startFaultProxy({ target: registry.url });
});

afterAll(async () => {
  await proxy?.stop();
  await registry?.stop();
});

async function failure(promise: Promise<unknown>): Promise<RegistryError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RegistryError);
  return error as RegistryError;
}

describe('registry answers larger than their kind may be (real registry)', () => {
  it('refuses a tag list over the limit, naming the registry, the repository and the limit, without retrying', async () => {
    const client = createRegistryClient({ registry: registry.url, bodyLimits: { 'tag-list': 200 } });
    const error = await failure(client.listTags('acme/many'));
    expect(error.message).toBe(`registry ${registry.url}/acme/many (HTTP 200): the tag list is over the 200 B limit for tag lists; it was not read further`);
    expect(client.stats()).toMatchObject({ requests: 1, retries: 0 });
    // the same list within the default limit
    expect((await createRegistryClient({ registry: registry.url }).listTags('acme/many')).tags).toHaveLength(40);
  });

  it('limits an index by its Content-Type, apart from image manifests', async () => {
    const small = createRegistryClient({ registry: registry.url, bodyLimits: { index: 100 } });
    const error = await failure(small.resolveTag('acme/multi', 'v1'));
    expect(error.message).toContain('the image index is over the 100 B limit for image indexes');
    const resolved = await createRegistryClient({ registry: registry.url, bodyLimits: { manifest: 100 }, imageIdsFor: 'all' })
      .resolveTag('acme/multi', 'v1')
      .catch((e: unknown) => e);
    expect((resolved as Error).message).toContain('the image manifest is over the 100 B limit for image manifests');
  });

  it('stops reading a 64 MiB streamed tag list at the 8 MiB default', async () => {
    proxy.setPlan((request) => (request.path.includes('/tags/list') ? { bloat: 64 * 1024 * 1024 } : 'pass'));
    proxy.counts.bloatBytesSent = 0;
    const client = createRegistryClient({ registry: proxy.url });
    const error = await failure(client.listTags('acme/many'));
    expect(error.message).toContain('the tag list is over the 8 MiB limit for tag lists');
    expect(BODY_LIMITS['tag-list']).toBe(8 * 1024 * 1024);
    // what got out before the client cancelled: the limit plus what the sockets buffered, not 64 MiB
    expect(proxy.counts.bloatBytesSent).toBeLessThan(16 * 1024 * 1024);
  });

  it('refuses a body whose Content-Length is over the limit before reading it', async () => {
    proxy.setPlan((request) => (request.path.includes('/tags/list') ? { bloat: 100 * 1024 * 1024, declared: true } : 'pass'));
    proxy.counts.bloatBytesSent = 0;
    const client = createRegistryClient({ registry: proxy.url });
    const error = await failure(client.listTags('acme/many'));
    expect(error.message).toContain('the tag list is over the 8 MiB limit for tag lists');
    expect(proxy.counts.bloatBytesSent).toBeLessThan(16 * 1024 * 1024);
    proxy.setPlan(undefined);
  });
});
