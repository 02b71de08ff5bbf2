/**
 * The bundled handler in Lambda's conditions (see `support/lambda-sandbox.ts`) with a
 * 20 s `getRemainingTimeInMillis`, against a real `docker-registry` behind the fault proxy
 * and a real git `http-backend`: a registry that never answers, and one that answers every
 * request with 429 `Retry-After: 59`. Before, the first ran 121.6 s and the second 178 s,
 * so AWS would have killed the function with no summary and the clone left in /tmp. Now
 * both end within the budget: a PARTIAL failure, its summary and what was left undone
 * logged, nothing pushed, no clone left.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createBareRepo, gitCli } from '@imgsync/test-helpers/git/fixture-repo.js';
import { startGitServer, type GitServer } from '@imgsync/test-helpers/git/git-http-server.js';
import { findToken } from '@imgsync/test-helpers/git/secret-scan.js';
import { startFaultProxy, type RunningFaultProxy } from '@imgsync/test-helpers/registry/fault-proxy.js';
import { pushImage } from '@imgsync/test-helpers/registry/push.js';
import { startRegistry, type RunningRegistry } from '@imgsync/test-helpers/registry/registry-server.js';
import { bundlePath, createSandbox, startLambda, type LambdaProcess, type Sandbox } from './support/lambda-sandbox.js';

const token = 'ghp_LambdaDeadline0123456789abcdefABCDEF';
const metadataFile = 'image-metadata.yml';
const metadata = 'images:\n  - name: python\n    tags:\n      - ["3.6-ubuntu", "ca7b9f52b6c2"]\n  - name: ruby\n    tags:\n      - ["2.7", "0123456789ab"]\n';
const BUDGET_MS = 20_000;

let registry: RunningRegistry;
let proxy: RunningFaultProxy;
let git: GitServer;
let gitRoot: Sandbox;
const open: Array<{ sandbox: Sandbox; lambda: LambdaProcess }> = [];

beforeAll(async () => {
  registry = await startRegistry();
  proxy = await startFaultProxy({ target: registry.url });
  gitRoot = createSandbox();
  mkdirSync(join(gitRoot.root, 'repos'));
  git = await startGitServer({ root: join(gitRoot.root, 'repos'), token });
  await pushImage(registry, 'kernel-python', '3.6-ubuntu', { seed: 'lambda-deadline-py' });
  await pushImage(registry, 'kernel-ruby', '2.7', { seed: 'lambda-deadline-rb' });
}, 60_000);

afterAll(async () => {
  await proxy?.stop();
  await Promise.all([registry?.stop(), git?.stop()]);
  gitRoot?.remove();
});

afterEach(async () => {
  for (const { sandbox, lambda } of open.splice(0)) {
    await lambda.stop();
    sandbox.remove();
  }
});

function configFor(repo: string): string {
  return [
    'targets:',
    `  - files: ${metadataFile}`,
    '    format: backendai',
    `    registry: ${proxy.url}`,
    '    repository: kernel-{name}',
    'git:',
    `  url: ${git.url(repo)}`,
    '  branch: main',
  ].join('\n');
}

function lambdaFor(repo: string): { sandbox: Sandbox; lambda: LambdaProcess } {
  const sandbox = createSandbox();
  const lambda = startLambda(sandbox, { IMGSYNC_CONFIG: configFor(repo), IMGSYNC_GIT_TOKEN: token });
  open.push({ sandbox, lambda });
  return { sandbox, lambda };
}

const logLines = (lambda: LambdaProcess) =>
  lambda
    .stdout()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);

const clones = (sandbox: Sandbox) => readdirSync(sandbox.scratch).filter((n) => /^imgsync-[0-9a-f-]{36}$/.test(n));

describe('the bundled handler under a 20 s budget', () => {
  it('ends within the budget when the registry never answers: PARTIAL, summary and undone work logged, nothing pushed, no clone left', async () => {
    const bare = createBareRepo(join(gitRoot.root, 'repos'), 'hang', { [metadataFile]: metadata });
    const before = gitCli(bare, 'rev-parse', 'main').trim();
    proxy.setPlan(() => 'stall');
    const { sandbox, lambda } = lambdaFor('hang');

    const started = Date.now();
    const outcome = await lambda.invoke({ remainingMs: BUDGET_MS }, 60_000);
    const took = Date.now() - started;

    // the run ends at its deadline, 1 s before the function's (kept for cleaning up and logging)
    expect(took).toBeGreaterThan(BUDGET_MS - 2_500);
    expect(took).toBeLessThanOrEqual(BUDGET_MS);
    expect(outcome).toMatchObject({ ok: false, name: 'ScheduledRunError', code: 'DEADLINE' });
    expect(!outcome.ok && outcome.message).toMatch(
      /^imgsync stopped early, nothing written or pushed: time budget ran out during registry http:\/\/127\.0\.0\.1:\d+: tags of kernel-(python|ruby); left undone: registry: 2 repositories not resolved: .*; files not updated: image-metadata\.yml; commit and push to main$/,
    );
    const lines = logLines(lambda);
    expect(lines.filter((l) => l.msg === 'partial')).toEqual([
      expect.objectContaining({ level: 'error', undone: expect.arrayContaining(['files not updated: image-metadata.yml', 'commit and push to main']) }),
    ]);
    expect(lines.filter((l) => l.msg === 'summary')).toEqual([
      expect.objectContaining({ level: 'error', pushed: false, changed: false, partial: expect.any(String) }),
    ]);
    expect(gitCli(bare, 'rev-parse', 'main').trim()).toBe(before);
    expect(clones(sandbox)).toEqual([]);
    // nothing keeps the process busy afterwards: it exits as soon as its input ends
    expect(await lambda.stop()).toBe(0);
    expect(findToken(token, [sandbox.root], [lambda.stdout(), lambda.stderr()])).toEqual([]);
  });

  it('ends at once in a 429 storm whose Retry-After outlasts the budget, instead of sleeping 3 × 59 s', async () => {
    const bare = createBareRepo(join(gitRoot.root, 'repos'), 'storm', { [metadataFile]: metadata });
    const before = gitCli(bare, 'rev-parse', 'main').trim();
    proxy.setPlan(() => ({ status: 429, retryAfter: '59' }));
    const { sandbox, lambda } = lambdaFor('storm');

    const started = Date.now();
    const outcome = await lambda.invoke({ remainingMs: BUDGET_MS }, 60_000);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(outcome).toMatchObject({ ok: false, code: 'DEADLINE' });
    expect(!outcome.ok && outcome.message).toMatch(
      /time budget: registry http:\/\/127\.0\.0\.1:\d+: tags of kernel-\w+ asks to wait 59 s, but only 1\d s are left/,
    );
    expect(logLines(lambda).filter((l) => l.msg === 'summary')).toEqual([expect.objectContaining({ pushed: false, partial: expect.any(String) })]);
    expect(gitCli(bare, 'rev-parse', 'main').trim()).toBe(before);
    expect(clones(sandbox)).toEqual([]);
    expect(await lambda.stop()).toBe(0);
  });
});

describe('node handler.mjs (CronJob) under IMGSYNC_DEADLINE and SIGTERM', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  /** `node handler.mjs` in a scratch directory; `signalAfterMs` sends SIGTERM then. */
  function runHandler(env: Record<string, string>, signalAfterMs?: number) {
    const tmp = mkdtempSync(join(tmpdir(), 'imgsync-cron-'));
    dirs.push(tmp);
    return new Promise<{ status: number | null; stdout: string; tookMs: number; tmp: string }>((resolve) => {
      const started = Date.now();
      const child = spawn(process.execPath, [bundlePath], { cwd: tmp, env: { PATH: dirname(process.execPath), TMPDIR: tmp, ...env } });
      let stdout = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      const kill = setTimeout(() => child.kill('SIGKILL'), 30_000);
      const term = signalAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGTERM'), signalAfterMs);
      child.on('close', (status) => {
        clearTimeout(kill);
        if (term) clearTimeout(term);
        resolve({ status, stdout, tookMs: Date.now() - started, tmp });
      });
    });
  }
  const failed = (stdout: string) =>
    stdout
      .split('\n')
      .filter((l) => l.includes('"msg":"summary"') || l.includes('"msg":"failed"'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);

  it('IMGSYNC_DEADLINE=3s ends the run after 3 s: exit 1, summary with the partial reason, nothing pushed, no clone left', async () => {
    const bare = createBareRepo(join(gitRoot.root, 'repos'), 'cron-deadline', { [metadataFile]: metadata });
    const before = gitCli(bare, 'rev-parse', 'main').trim();
    proxy.setPlan(() => 'stall');
    const out = await runHandler({
      IMGSYNC_CONFIG: configFor('cron-deadline'),
      IMGSYNC_GIT_TOKEN: token,
      IMGSYNC_DEADLINE: '3s',
      IMGSYNC_MIN_REMAINING_MS: '0',
    });
    expect(out.status).toBe(1);
    // the run itself ends within a second of its deadline; the process (start, exit) a little later
    expect(failed(out.stdout)).toEqual([
      expect.objectContaining({ msg: 'summary', pushed: false, partial: expect.stringMatching(/^time budget ran out during registry /) }),
    ]);
    expect(failed(out.stdout)[0]!.durationMs).toBeGreaterThanOrEqual(2_950);
    expect(failed(out.stdout)[0]!.durationMs).toBeLessThan(4_000);
    expect(out.tookMs).toBeLessThan(6_000);
    expect(gitCli(bare, 'rev-parse', 'main').trim()).toBe(before);
    expect(readdirSync(out.tmp).filter((n) => n.startsWith('imgsync-') && !n.endsWith('.json'))).toEqual([]);
  });

  it('SIGTERM (a pod deleted, activeDeadlineSeconds) stops the run as the deadline would', async () => {
    createBareRepo(join(gitRoot.root, 'repos'), 'cron-term', { [metadataFile]: metadata });
    proxy.setPlan(() => 'stall');
    const out = await runHandler({ IMGSYNC_CONFIG: configFor('cron-term'), IMGSYNC_GIT_TOKEN: token }, 1_500);
    expect(out.status).toBe(1);
    expect(out.tookMs).toBeLessThan(3_000);
    expect(failed(out.stdout)).toEqual([expect.objectContaining({ msg: 'summary', partial: expect.stringMatching(/^stopped \(SIGTERM\) during /) })]);
    expect(readdirSync(out.tmp).filter((n) => n.startsWith('imgsync-') && !n.endsWith('.json'))).toEqual([]);
  });

  it('refuses an IMGSYNC_DEADLINE it cannot read, naming the variable', async () => {
    const out = await runHandler({ IMGSYNC_CONFIG: configFor('none'), IMGSYNC_DEADLINE: 'soon' });
    expect(out.status).toBe(1);
    expect(failed(out.stdout)).toEqual([
      expect.objectContaining({
        msg: 'failed',
        code: 'CONFIG',
        error: expect.stringContaining('IMGSYNC_DEADLINE must be a duration such as 14m, 90s or 1h30m'),
      }),
    ]);
  });
});
