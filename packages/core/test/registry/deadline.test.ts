/**
 * The registry client under one run deadline, against the real registry behind the
 * fault-injecting proxy: a registry that never answers, a 429 storm, and the words a
 * network failure is reported in (host, phase, cause).
 */
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Deadline } from '../../src/deadline.js';
import { DeadlineError, RegistryError } from '../../src/errors.js';
import { createRegistryClient } from '../../src/registry/index.js';
import { startFaultProxy, type RunningFaultProxy } from '@imgsync/test-helpers/registry/fault-proxy.js';
import { pushImage } from '@imgsync/test-helpers/registry/push.js';
import { startRegistry, type RunningRegistry } from '@imgsync/test-helpers/registry/registry-server.js';

let registry: RunningRegistry;
let proxy: RunningFaultProxy;

beforeAll(async () => {
  registry = await startRegistry();
  proxy = await startFaultProxy({ target: registry.url });
  await pushImage({ url: registry.url }, 'lablup/python', '3.6', { seed: 'deadline' });
});

afterAll(async () => {
  await proxy?.stop();
  await registry?.stop();
});

beforeEach(() => proxy.setPlan(undefined));

/** A port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('registry client under a run deadline (real registry behind a fault proxy)', () => {
  it('stops a registry that never answers at the deadline, not after 4 × its 30 s timeout', async () => {
    proxy.setPlan(() => 'stall');
    const deadline = new Deadline({ at: Date.now() + 1_500 });
    const client = createRegistryClient({ registry: proxy.url, deadline });
    const started = Date.now();
    const error = await client.listTags('lablup/python').catch((e: unknown) => e);
    const took = Date.now() - started;
    expect(error).toBeInstanceOf(DeadlineError);
    expect((error as Error).message).toBe(`time budget ran out during registry ${proxy.url}: tags of lablup/python`);
    expect(took).toBeGreaterThanOrEqual(1_400);
    expect(took).toBeLessThan(2_500);
  });

  it('does not sleep through a Retry-After longer than the time left: stops at once, saying both', async () => {
    proxy.setPlan(() => ({ status: 429, retryAfter: '59' }));
    const deadline = new Deadline({ at: Date.now() + 20_000 });
    const waits: number[] = [];
    const client = createRegistryClient({ registry: proxy.url, deadline, sleep: async (ms) => void waits.push(ms) });
    const started = Date.now();
    const error = await client.resolveTag('lablup/python', '3.6').catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(error).toBeInstanceOf(DeadlineError);
    expect((error as Error).message).toMatch(
      /^time budget: registry http:\/\/127\.0\.0\.1:\d+: manifest of lablup\/python asks to wait 59 s, but only (1\d|20) s are left$/,
    );
    expect(waits).toEqual([]);
    deadline.dispose();
  });

  it('waits out Retry-After pauses that fit, and stops at the first that does not', async () => {
    // every request throttled with Retry-After: 2; the budget holds two such waits, not three
    proxy.setPlan(() => ({ status: 429, retryAfter: '2' }));
    const deadline = new Deadline({ at: Date.now() + 5_000 });
    const client = createRegistryClient({ registry: proxy.url, deadline, retries: 5 });
    const started = Date.now();
    const error = await client.listTags('lablup/python').catch((e: unknown) => e);
    const took = Date.now() - started;
    expect(error).toBeInstanceOf(DeadlineError);
    expect(client.stats().rateLimited).toBe(3);
    expect(took).toBeGreaterThanOrEqual(4_000);
    expect(took).toBeLessThan(6_000);
  });

  it('names host, phase and cause when nothing listens, instead of "fetch failed"', async () => {
    const port = await closedPort();
    const client = createRegistryClient({ registry: `http://127.0.0.1:${port}`, retries: 1, sleep: async () => undefined });
    const error = await client.listTags('lablup/python').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryError);
    expect((error as Error).message).toBe(
      `registry http://127.0.0.1:${port}/lablup/python: tags request to 127.0.0.1:${port} failed: connection refused (ECONNREFUSED); ` +
        'gave up after 2 attempts (GET /v2/lablup/python/tags/list)',
    );
  });

  it('names a body cut off mid-answer as such, instead of "terminated"', async () => {
    proxy.setPlan(() => 'truncate');
    const client = createRegistryClient({ registry: proxy.url, retries: 1, sleep: async () => undefined });
    const error = await client.listTags('lablup/python').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryError);
    expect((error as Error).message).toMatch(
      /tags request to 127\.0\.0\.1:\d+ failed: .*(closed the connection mid-answer|truncated).*; gave up after 2 attempts/,
    );
    expect((error as Error).message).not.toMatch(/terminated|fetch failed/);
  });

  it('stops a credential helper that hangs when the deadline passes', async () => {
    const deadline = new Deadline({ at: Date.now() + 300 });
    let helperSignal: AbortSignal | undefined;
    const client = createRegistryClient({
      registry: registry.url,
      deadline,
      dockerConfig: { credHelpers: { [new URL(registry.url).host]: 'hangs' } },
      credentialHelper: (_name, _server, _registry, signal) => {
        helperSignal = signal;
        return new Promise(() => undefined);
      },
    });
    const started = Date.now();
    await expect(client.listTags('lablup/python')).rejects.toThrow(/time budget ran out during registry http:\/\/127\.0\.0\.1:\d+: credentials/);
    expect(Date.now() - started).toBeLessThan(1_300);
    expect(helperSignal?.aborted).toBe(true);
  });
});
