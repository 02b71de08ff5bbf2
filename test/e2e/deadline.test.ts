/**
 * The built CLI under one deadline, with the real `docker-registry` behind the fault
 * proxy (which can stall every request) and the real git server: `--timeout` and
 * `IMGSYNC_DEADLINE` end the run with exit 4 and what was left undone, SIGTERM does the
 * same, and a clone left by a run killed with SIGKILL is removed by the next run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { createBareRepo, gitCli } from '@imgsync/test-helpers/git/fixture-repo.js';
import { startFaultProxy, type RunningFaultProxy } from '@imgsync/test-helpers/registry/fault-proxy.js';
import { configText, metadataPath, originalMetadata } from './support/backendai-world.js';
import { cliBin, runCli } from './support/run-cli.js';
import { useE2eWorld } from './support/e2e-world.js';

const token = 'imgsync-e2e-token-deadline-8c2e41';
let proxy: RunningFaultProxy;
const world = useE2eWorld(token, {
  start: async (w) => {
    proxy = await startFaultProxy({ target: w.registry.url });
  },
  stop: async () => proxy?.stop(),
});

beforeEach(() => proxy.setPlan(undefined));

const clones = () => readdirSync(world.sandbox.tmp).filter((n) => n.startsWith('imgsync-'));

function repo(name: string, edit: (config: string) => string = (config) => config) {
  const bare = createBareRepo(join(world.gitRoot, 'lablup'), name, { [metadataPath]: originalMetadata });
  const configPath = join(world.sandbox.dir, `${name}.imgsync.config.yaml`);
  // the proxied registry with the client's defaults (30 s timeout, 3 retries), as a user has it
  writeFileSync(configPath, edit(configText({ registry: proxy.url, gitUrl: world.git.url(`lablup/${name}`) }).replace(/\nregistries:\n.*\n/, '\n')));
  return { configPath, head: () => gitCli(bare, 'rev-parse', 'main').trim() };
}

/** The CLI as a child process whose signals the test sends. */
function startCli(
  args: string[],
  env: Record<string, string> = {},
): { child: ChildProcess; done: Promise<{ code: number | null; stdout: string; stderr: string }> } {
  const child = spawn(process.execPath, [cliBin, ...args], {
    cwd: world.sandbox.dir,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: world.sandbox.home, TMPDIR: world.sandbox.tmp, IMGSYNC_GIT_TOKEN: token, ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const guard = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => {
      clearTimeout(guard);
      resolve({ code, stdout, stderr });
    }),
  );
  return { child, done };
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('imgsync update under a deadline', () => {
  it('--timeout ends a run whose registry never answers: exit 4, what was left undone, nothing pushed, no clone left', async () => {
    const { configPath, head } = repo('timeout');
    const before = head();
    proxy.setPlan(() => 'stall');
    const started = Date.now();
    // IMGSYNC_MIN_REMAINING_MS=0: registry requests may start until the end (default: not in its last 10 s)
    const result = await runCli(['update', '--config', configPath, '--timeout', '3s'], {
      cwd: world.sandbox.dir,
      sandbox: world.sandbox,
      env: { IMGSYNC_GIT_TOKEN: token, IMGSYNC_MIN_REMAINING_MS: '0' },
    });
    const took = Date.now() - started;
    expect(result.code).toBe(4);
    expect(took).toBeGreaterThanOrEqual(3_000);
    expect(took).toBeLessThan(5_000);
    const stderr = result.stderr.split('\n');
    expect(stderr).toContainEqual(
      expect.stringMatching(
        /^error stopped early, nothing written or pushed: time budget ran out during registry http:\/\/127\.0\.0\.1:\d+: tags of lablup\/kernel-/,
      ),
    );
    expect(stderr).toContainEqual(expect.stringMatching(/^ {2}left undone: registry: \d+ repositor(y|ies) not resolved: /));
    expect(stderr).toContain(`  left undone: files not updated: ${metadataPath}`);
    expect(stderr).toContain('  left undone: commit and push to main');
    expect(head()).toBe(before);
    expect(clones()).toEqual([]);
  });

  it('IMGSYNC_DEADLINE does the same, and the earlier of it and --timeout wins', async () => {
    const { configPath } = repo('env-deadline');
    proxy.setPlan(() => 'stall');
    const started = Date.now();
    const result = await runCli(['check', '--config', configPath, '--timeout', '1h'], {
      cwd: world.sandbox.dir,
      sandbox: world.sandbox,
      env: { IMGSYNC_GIT_TOKEN: token, IMGSYNC_DEADLINE: '2s', IMGSYNC_MIN_REMAINING_MS: '0' },
    });
    expect(result.code).toBe(4);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2_000);
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(clones()).toEqual([]);
  });

  it('starts no registry request in the last 10 s of the budget (kept for pushing), by default', async () => {
    const { configPath, head } = repo('reserve');
    const before = head();
    const requests = proxy.counts.requests;
    const result = await runCli(['update', '--config', configPath, '--timeout', '5s'], {
      cwd: world.sandbox.dir,
      sandbox: world.sandbox,
      env: { IMGSYNC_GIT_TOKEN: token },
    });
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(/time budget: \d+ ms left, less than the 10000 ms kept for editing and delivering; stopped before registry /);
    expect(proxy.counts.requests).toBe(requests);
    expect(head()).toBe(before);
  });

  it('refuses a --timeout or IMGSYNC_DEADLINE it cannot read (exit 2), naming it', async () => {
    const { configPath } = repo('bad-timeout');
    const flag = await runCli(['update', '--config', configPath, '--timeout', 'soon'], { cwd: world.sandbox.dir, sandbox: world.sandbox });
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('--timeout must be a duration such as 10m, 90s or 1h30m (at most a week); got "soon"');
    const env = await runCli(['update', '--config', configPath], {
      cwd: world.sandbox.dir,
      sandbox: world.sandbox,
      env: { IMGSYNC_DEADLINE: '2025-06-01 noon' },
    });
    expect(env.code).toBe(2);
    expect(env.stderr).toContain(
      'IMGSYNC_DEADLINE must be a duration such as 10m, 90s or 1h30m, or a time such as 2025-06-01T12:00:00Z; got "2025-06-01 noon"',
    );
  });

  it('SIGTERM stops the run as the deadline would: exit 4, the clone removed', async () => {
    const { configPath, head } = repo('sigterm');
    const before = head();
    proxy.setPlan(() => 'stall');
    const asked = proxy.counts.requests;
    const run = startCli(['update', '--config', configPath]);
    await until(() => proxy.counts.requests > asked && clones().length > 0, 'the run to reach the registry');
    run.child.kill('SIGTERM');
    const started = Date.now();
    const result = await run.done;
    // the run stops at once; the process's own exit may take a moment on a busy machine
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(/^error stopped early, nothing written or pushed: stopped \(SIGTERM\) during registry /m);
    expect(head()).toBe(before);
    expect(clones()).toEqual([]);
  });

  it('a run killed with SIGKILL leaves its clone; the next run removes it', async () => {
    const { configPath } = repo('sigkill');
    proxy.setPlan(() => 'stall');
    const asked = proxy.counts.requests;
    const run = startCli(['update', '--config', configPath]);
    await until(() => proxy.counts.requests > asked && clones().length > 0, 'the run to reach the registry');
    const left = clones();
    run.child.kill('SIGKILL');
    await run.done;
    expect(clones()).toEqual(left);

    proxy.setPlan(undefined);
    const next = await runCli(['check', '--config', configPath], { cwd: world.sandbox.dir, sandbox: world.sandbox, env: { IMGSYNC_GIT_TOKEN: token } });
    expect(next.code).toBe(1); // drift: the file is behind the registry
    expect(clones()).toEqual([]);
  });
});

describe('imgsync update: git errors a person can act on', () => {
  it('says no token is set, naming the variables, when none is', async () => {
    // no git.token reference: the token would come from IMGSYNC_GIT_TOKEN or GITHUB_TOKEN, neither set
    const { configPath } = repo('no-token', (config) => config.replace(/ {2}token: .*\n/, ''));
    const result = await runCli(['update', '--config', configPath], { cwd: world.sandbox.dir, sandbox: world.sandbox });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(
      /^error git clone http:\/\/127\.0\.0\.1:\d+\/lablup\/no-token\.git \(HTTP 401\): authentication required: no git token set \(IMGSYNC_GIT_TOKEN, GITHUB_TOKEN or git\.token\)$/m,
    );
  });
});
