import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RegistryError } from '../../src/errors.js';
import { createRegistryClient, type RegistryClientOptions } from '../../src/registry/index.js';
import { startFaultProxy, type Fault, type RunningFaultProxy } from '@imgsync/test-helpers/registry/fault-proxy.js';
import { pushImage, pushIndex, type PushedImage, type PushedIndex } from '@imgsync/test-helpers/registry/push.js';
import { startRegistry, type RunningRegistry } from '@imgsync/test-helpers/registry/registry-server.js';

let registry: RunningRegistry;
let proxy: RunningFaultProxy;
let image: PushedImage;
let multi: PushedIndex;

beforeAll(async () => {
  registry = await startRegistry();
  proxy = await startFaultProxy({ target: registry.url });
  image = await pushImage({ url: registry.url }, 'lablup/python', '3.6', { seed: 'faults' });
  multi = await pushIndex({ url: registry.url }, 'lablup/python', 'multi', {
    seed: 'faults-multi',
    platforms: [
      { os: 'linux', architecture: 'amd64' },
      { os: 'linux', architecture: 'arm64' },
    ],
  });
});

afterAll(async () => {
  await proxy?.stop();
  await registry?.stop();
});

beforeEach(() => proxy.setPlan(undefined));

/** Fast-retrying client through the proxy; the waits it asks for are recorded, not slept. */
function client(options: Partial<RegistryClientOptions> = {}) {
  const waits: number[] = [];
  const instance = createRegistryClient({
    registry: proxy.url,
    timeoutMs: 2_000,
    retries: 3,
    sleep: async (ms) => {
      waits.push(ms);
    },
    random: () => 0.5,
    ...options,
  });
  return { client: instance, waits };
}

/** The first `count` requests get `fault`, the rest pass. */
const firstFail = (count: number, fault: Fault) => (_: unknown, n: number) => (n < count ? fault : 'pass');

describe('registry client through a fault-injecting proxy (real registry behind it)', () => {
  it('retries 500s with exponential backoff and succeeds within its budget', async () => {
    proxy.setPlan(firstFail(2, { status: 500 }));
    const { client: c, waits } = client();
    const resolved = await c.resolveTag('lablup/python', '3.6');
    expect(resolved.manifestDigest).toBe(image.manifestDigest);
    expect(c.stats().retries).toBe(2);
    expect(waits).toEqual([150, 300]); // base 200 ms, doubled, equal jitter at random() = 0.5
  });

  it('gives up after the retry budget with a RegistryError naming the status', async () => {
    proxy.setPlan(() => ({ status: 502 }));
    const { client: c } = client({ retries: 2 });
    const error = await c.resolveTag('lablup/python', '3.6').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryError);
    expect(error).toMatchObject({ status: 502, repository: 'lablup/python' });
    expect((error as Error).message).toMatch(/gave up after 3 attempts/);
    expect(proxy.counts.requests).toBeGreaterThanOrEqual(3);
    expect(c.stats().requests).toBe(3);
  });

  it('honours 429 Retry-After and counts the rate limiting', async () => {
    proxy.setPlan(firstFail(1, { status: 429, retryAfter: '2' }));
    const { client: c, waits } = client();
    await c.resolveTag('lablup/python', '3.6');
    expect(waits[0]).toBe(2_000);
    expect(c.stats()).toMatchObject({ rateLimited: 1, retries: 1 });
  });

  it('fails at once when Retry-After exceeds what the run may wait', async () => {
    proxy.setPlan(() => ({ status: 429, retryAfter: '3600' }));
    const { client: c, waits } = client({ maxRetryAfterMs: 10_000 });
    await expect(c.resolveTag('lablup/python', '3.6')).rejects.toThrow(/retry after 3600 s.*try again later/);
    expect(waits).toEqual([]);
  });

  it('reads RateLimit-Remaining and stops before spending the last pulls', async () => {
    // The HEAD's answer carries Docker Hub's rate-limit headers: no pulls left.
    proxy.setPlan(
      firstFail(1, {
        status: 200,
        headers: { 'ratelimit-remaining': '0;w=21600', 'ratelimit-limit': '100;w=21600', 'docker-content-digest': image.manifestDigest },
      }),
    );
    const { client: c } = client();
    const error = await c.resolveTag('lablup/python', '3.6').catch((e: unknown) => e);
    expect(c.stats().rateLimit).toEqual({ remaining: 0, limit: 100, windowSeconds: 21600 });
    expect(error).toBeInstanceOf(RegistryError);
    expect((error as Error).message).toMatch(/pull rate limit nearly spent/);
    expect(c.stats().manifestGets).toBe(0);
  });

  it('retries dropped connections', async () => {
    proxy.setPlan(firstFail(2, 'drop'));
    const { client: c } = client();
    expect((await c.resolveTag('lablup/python', '3.6')).imageId).toBe(image.configDigest);
    expect(c.stats().retries).toBe(2);
  });

  it('retries truncated bodies of manifests and tag lists', async () => {
    proxy.setPlan((req, n) => (req.method === 'GET' && n < 4 ? 'truncate' : 'pass'));
    const { client: c } = client({ retries: 4, imageIdsFor: 'all' });
    const resolved = await c.resolveTag('lablup/python', 'multi');
    expect(resolved.platforms.map((p) => p.imageId)).toEqual(multi.platforms.map((p) => p.configDigest));
    proxy.setPlan(firstFail(1, 'truncate'));
    expect((await c.listTags('lablup/python')).tags.map((t) => t.tag).sort()).toEqual(['3.6', 'multi']);
    expect(c.stats().retries).toBeGreaterThanOrEqual(2);
  });

  it('times out a stalled request and retries it', async () => {
    proxy.setPlan(firstFail(1, 'stall'));
    const { client: c } = client({ timeoutMs: 300 });
    const started = Date.now();
    expect((await c.resolveTag('lablup/python', '3.6')).manifestDigest).toBe(image.manifestDigest);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(c.stats().retries).toBe(1);
  });

  it('reports a timeout clearly when every attempt stalls', async () => {
    proxy.setPlan(() => 'stall');
    const { client: c } = client({ timeoutMs: 200, retries: 1 });
    await expect(c.listTags('lablup/python')).rejects.toThrow(/timed out after 200 ms; gave up after 2 attempts/);
  });

  it('survives added latency without retries', async () => {
    proxy.setPlan(() => ({ latencyMs: 100 }));
    const { client: c } = client();
    await c.resolveTag('lablup/python', '3.6');
    expect(c.stats().retries).toBe(0);
  });
});
