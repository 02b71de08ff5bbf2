import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRegistryClient, memoryManifestCache } from '../../src/registry/index.js';
import { startConnectionCounter } from '@imgsync/test-helpers/registry/connection-counter.js';
import { pushImage } from '@imgsync/test-helpers/registry/push.js';
import { startRegistry, type RunningRegistry } from '@imgsync/test-helpers/registry/registry-server.js';
import { startTokenServer, type RunningTokenServer } from '@imgsync/test-helpers/registry/token-server.js';

const TAGS = Array.from({ length: 20 }, (_, i) => `1.${i}.0`);
let registry: RunningRegistry;
let tokens: RunningTokenServer;
let tokenRegistry: RunningRegistry;

beforeAll(async () => {
  registry = await startRegistry();
  for (const tag of TAGS) await pushImage({ url: registry.url }, 'acme/app', tag, { seed: tag });

  tokens = await startTokenServer({ service: 'keep-alive-test', issuer: 'keep-alive-test', users: {}, anonymousPull: true, expiresInSeconds: 300 });
  tokenRegistry = await startRegistry({
    token: { realm: tokens.realm, service: 'keep-alive-test', issuer: 'keep-alive-test', rootCertBundlePath: tokens.certPath },
  });
  const push = {
    url: tokenRegistry.url,
    authorization: async (repository: string) => `Bearer ${tokens.tokenFor('pusher', [`repository:${repository}:pull,push`])}`,
  };
  for (const repository of ['acme/a', 'acme/b', 'acme/c']) {
    for (const tag of TAGS.slice(0, 5)) await pushImage(push, repository, tag, { seed: `${repository}:${tag}` });
  }
});

afterAll(async () => {
  await registry?.stop();
  await tokenRegistry?.stop();
  await tokens?.stop();
});

/** Resolves every tag `rounds` times, all at once, as the engine does. */
async function resolveAll(client: ReturnType<typeof createRegistryClient>, repository: string, rounds: number): Promise<void> {
  const { tags } = await client.listTags(repository);
  for (let round = 0; round < rounds; round++) {
    const resolved = await Promise.all(tags.map(({ tag }) => client.resolveTag(repository, tag)));
    expect(resolved.every((r) => r.imageId?.startsWith('sha256:'))).toBe(true);
  }
}

describe('registry connections (real registry, sockets counted as it accepts them)', () => {
  it('opens at most `concurrency` connections for 100 manifest HEADs and 20 GETs, not one per request', async () => {
    const counter = await startConnectionCounter(registry.url);
    try {
      const client = createRegistryClient({ registry: counter.url, concurrency: 4, cache: memoryManifestCache() });
      await resolveAll(client, 'acme/app', 5);
      expect(client.stats().manifestHeads).toBe(100);
      expect(client.stats().manifestGets).toBe(20);
      expect(counter.accepted).toBeGreaterThanOrEqual(1);
      expect(counter.accepted).toBeLessThanOrEqual(4);
    } finally {
      await counter.stop();
    }
  });

  it('does not grow with the number of requests: one connection at concurrency 1', async () => {
    const counter = await startConnectionCounter(registry.url);
    try {
      const client = createRegistryClient({ registry: counter.url, concurrency: 1 });
      await resolveAll(client, 'acme/app', 3);
      expect(client.stats().requests).toBe(1 + 60 + 20);
      expect(counter.accepted).toBe(1);
    } finally {
      await counter.stop();
    }
  });

  it('Node fetch without the keep-alive dispatcher opens a connection per HEAD (what the default avoids)', async () => {
    const counter = await startConnectionCounter(registry.url);
    try {
      const client = createRegistryClient({ registry: counter.url, concurrency: 1, fetch: (input, init) => fetch(input, init) });
      await resolveAll(client, 'acme/app', 1);
      expect(counter.accepted).toBeGreaterThanOrEqual(20);
    } finally {
      await counter.stop();
    }
  });

  it('with token auth: at most `concurrency` connections to the registry across repositories and 401 round trips', async () => {
    const counter = await startConnectionCounter(tokenRegistry.url);
    try {
      const client = createRegistryClient({ registry: counter.url, concurrency: 3 });
      await Promise.all(['acme/a', 'acme/b', 'acme/c'].map((repository) => resolveAll(client, repository, 4)));
      expect(client.stats().manifestHeads).toBe(3 * 5 * 4);
      expect(client.stats().tokenRequests).toBe(3);
      expect(counter.accepted).toBeGreaterThanOrEqual(1);
      expect(counter.accepted).toBeLessThanOrEqual(3);
    } finally {
      await counter.stop();
    }
  });

  it('goes through a global dispatcher that is not a plain Agent (a proxy set with setGlobalDispatcher), HEADs kept alive', async () => {
    const key = Symbol.for('undici.globalDispatcher.1');
    const global = globalThis as unknown as Record<symbol, { dispatch(options: { method?: string; reset?: boolean }, handler: unknown): boolean }>;
    const original = global[key]!;
    const seen: Array<{ method?: string; reset?: boolean }> = [];
    class ProxyStandIn {
      dispatch(options: { method?: string; reset?: boolean }, handler: unknown): boolean {
        seen.push({ method: options.method, reset: options.reset });
        return original.dispatch(options, handler);
      }
    }
    global[key] = new ProxyStandIn();
    try {
      const client = createRegistryClient({ registry: registry.url, concurrency: 2 });
      await client.resolveTag('acme/app', '1.0.0');
      expect(seen).toContainEqual({ method: 'HEAD', reset: false });
      expect(seen).toContainEqual({ method: 'GET', reset: undefined });
    } finally {
      global[key] = original;
    }
  });
});
