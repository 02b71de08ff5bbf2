/**
 * `--timeout` and the deadline variables, in-process against a registry on 127.0.0.1 that
 * takes every request and never answers (a hostile server: the fault cannot be had from
 * a real registry).
 */
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMain } from './capture.js';

let hanging: Server;
let url: string;

beforeAll(async () => {
  hanging = createServer(() => undefined);
  await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(hanging.address() as { port: number }).port}`;
});

afterAll(async () => {
  hanging.closeAllConnections();
  await new Promise<void>((resolve) => hanging.close(() => resolve()));
});

describe('imgsync snapshot --timeout', () => {
  it('ends a snapshot of a registry that never answers at the deadline, exit 4, nothing written', async () => {
    const started = Date.now();
    const run = await runMain(['snapshot', '--registry', url, '--repository', 'acme/api', '--timeout', '1s'], { cwd: process.cwd() });
    const took = Date.now() - started;
    expect(run.code).toBe(4);
    expect(took).toBeGreaterThanOrEqual(1_000);
    expect(took).toBeLessThan(2_000);
    expect(run.stderr).toBe(`error time budget ran out during registry ${url}: tags of acme/api\n`);
    expect(run.stdout).toBe('');
  });

  it('takes IMGSYNC_DEADLINE too', async () => {
    const run = await runMain(['snapshot', '--registry', url, '--repository', 'acme/api'], { cwd: process.cwd(), env: { IMGSYNC_DEADLINE: '500ms' } });
    expect(run.code).toBe(4);
  });
});

describe('deadline settings it cannot read', () => {
  it('refuses IMGSYNC_MIN_REMAINING_MS that is not a number of milliseconds (exit 2)', async () => {
    const run = await runMain(['check', '--timeout', '5m'], { cwd: process.cwd(), env: { IMGSYNC_MIN_REMAINING_MS: '10s' } });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('IMGSYNC_MIN_REMAINING_MS must be a whole number of milliseconds; got "10s"');
  });
});
