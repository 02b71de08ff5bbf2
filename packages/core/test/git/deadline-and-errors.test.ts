/**
 * Git delivery under a run deadline and when things go wrong, against the real git
 * http-backend server and small hostile servers on 127.0.0.1 (one that accepts and never
 * answers): clone, push and the GitHub API stop at the deadline leaving no clone behind;
 * errors say what to do (no token set, connection refused); clones that a killed run left
 * are removed by the next clone.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Deadline } from '../../src/deadline.js';
import { DeadlineError, GitError } from '../../src/errors.js';
import { cloneShallow, deliver } from '../../src/git/index.js';
import { createBareRepo, gitCli, showFile } from '@imgsync/test-helpers/git/fixture-repo.js';
import { useGitServer } from '@imgsync/test-helpers/git/git-suite.js';
import { metadata, metadataFile, setImageId } from '@imgsync/test-helpers/git/image-edits.js';

const token = 'ghp_DeadlineToken0123456789abcdefABCDEF0';
const suite = useGitServer(token);
const author = { name: 'imgsync', email: 'imgsync@example.test' };

/** An HTTP server that takes every request and never answers. */
let hanging: Server;
let hangingUrl: string;

beforeAll(async () => {
  hanging = createServer(() => undefined);
  await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
  hangingUrl = `http://127.0.0.1:${(hanging.address() as { port: number }).port}`;
});

afterAll(async () => {
  hanging.closeAllConnections();
  await new Promise<void>((resolve) => hanging.close(() => resolve()));
});

const clones = () => readdirSync(suite.work).filter((n) => n.startsWith('imgsync-'));

describe('GitHub API errors a person can act on', () => {
  it('names the API host and the cause when nothing listens there', async () => {
    createBareRepo(join(suite.root, 'lablup'), 'noapi', { [metadataFile]: metadata });
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    // a 4 s deadline leaves room for one of Octokit's server-error retries (1 s), not for the next (4 s)
    const deadline = new Deadline({ at: Date.now() + 4_000 });
    const started = Date.now();
    const error = await deliver({
      target: { url: suite.server.url('lablup/noapi') },
      token,
      author,
      deadline,
      mode: 'pull-request',
      pullRequest: { apiBaseUrl: `http://127.0.0.1:${port}/api/v3` },
      io: { tmpDir: suite.work },
      edit: setImageId('python', '3.6-ubuntu', '1d2f3e4a5b6c'),
    }).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(error).toBeInstanceOf(GitError);
    expect((error as Error).message).toBe(`git pull-request lablup/noapi: cannot reach 127.0.0.1:${port}: connection refused (ECONNREFUSED)`);
    deadline.dispose();
  });
});

describe('git delivery under a deadline (real git http-backend, a server that never answers)', () => {
  it('stops a clone that hangs at the deadline and leaves no clone behind', async () => {
    const deadline = new Deadline({ at: Date.now() + 1_000 });
    const started = Date.now();
    const error = await deliver({
      target: { url: `${hangingUrl}/lablup/slow.git` },
      token,
      author,
      deadline,
      io: { tmpDir: suite.work },
      edit: setImageId('python', '3.6-ubuntu', '1d2f3e4a5b6c'),
    }).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(error).toBeInstanceOf(DeadlineError);
    expect((error as Error).message).toBe(`time budget ran out during git clone ${hangingUrl}/lablup/slow.git`);
    expect(clones()).toEqual([]);
  });

  it('starts no push with less than 2 s left', async () => {
    const bare = createBareRepo(suite.root, 'late', { [metadataFile]: metadata });
    const before = gitCli(bare, 'rev-parse', 'main').trim();
    const deadline = new Deadline({ at: Date.now() + 1_800 });
    const error = await deliver({
      target: { url: suite.server.url('late') },
      token,
      author,
      deadline,
      io: { tmpDir: suite.work },
      edit: setImageId('python', '3.6-ubuntu', '1d2f3e4a5b6c'),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeadlineError);
    expect((error as Error).message).toMatch(/^time budget: \d+ ms left, less than the 2000 ms a push may need; not pushed to main$/);
    expect(gitCli(bare, 'rev-parse', 'main').trim()).toBe(before);
    deadline.dispose();
  });

  it('stops a GitHub API that hangs after the branch push, saying the branch was pushed', async () => {
    const bare = createBareRepo(join(suite.root, 'lablup'), 'api', { [metadataFile]: metadata });
    const deadline = new Deadline({ at: Date.now() + 3_000 });
    const started = Date.now();
    const error = await deliver({
      target: { url: suite.server.url('lablup/api') },
      token,
      author,
      deadline,
      mode: 'pull-request',
      pullRequest: { apiBaseUrl: `${hangingUrl}/api/v3` },
      io: { tmpDir: suite.work },
      edit: setImageId('python', '3.6-ubuntu', '1d2f3e4a5b6c'),
    }).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(error).toBeInstanceOf(DeadlineError);
    expect((error as Error).message).toBe('time budget ran out during the pull request from imgsync/main (imgsync/main was pushed)');
    expect(showFile(bare, 'imgsync/main', metadataFile)).toContain('1d2f3e4a5b6c');
    expect(clones()).toEqual([]);
  });

  it('cuts a push that hangs at the deadline, says it may have landed, and leaves the branch and no clone', async () => {
    const bare = createBareRepo(suite.root, 'held', { [metadataFile]: metadata });
    const before = gitCli(bare, 'rev-parse', 'main').trim();
    // no push gets through from here on: this test comes last of those that push (the file's order)
    suite.server.holdPushes(1_000);
    const deadline = new Deadline({ at: Date.now() + 3_500 });
    const started = Date.now();
    const error = await deliver({
      target: { url: suite.server.url('held') },
      token,
      author,
      deadline,
      io: { tmpDir: suite.work },
      edit: setImageId('python', '3.6-ubuntu', '1d2f3e4a5b6c'),
    }).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(4_500);
    expect(error).toBeInstanceOf(DeadlineError);
    expect((error as Error).message).toMatch(
      /^time budget ran out during git push to main of http:\/\/127\.0\.0\.1:\d+\/held\.git: the push was cut off in flight; main on the remote may or may not have moved$/,
    );
    expect(gitCli(bare, 'rev-parse', 'main').trim()).toBe(before);
    expect(clones()).toEqual([]);
  });
});

describe('git errors a person can act on', () => {
  it('says no token is set, instead of "the server rejected the token", when none was given', async () => {
    createBareRepo(suite.root, 'notoken', { [metadataFile]: metadata });
    const error = await deliver({
      target: { url: suite.server.url('notoken') },
      author,
      io: { tmpDir: suite.work },
      edit: setImageId('python', '3.6-ubuntu', '1d2f3e4a5b6c'),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitError);
    expect((error as Error).message).toMatch(
      /^git clone http:\/\/127\.0\.0\.1:\d+\/notoken\.git \(HTTP 401\): authentication required: no git token set \(IMGSYNC_GIT_TOKEN, GITHUB_TOKEN or git\.token\)$/,
    );
    expect((error as Error).message).not.toMatch(/rejected the token/);
  });

  it('names the host and the cause when nothing listens, instead of "fetch failed"', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await cloneShallow({ url: `http://127.0.0.1:${port}/x.git`, token, io: { tmpDir: suite.work } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitError);
    expect((error as Error).message).toBe(`git clone http://127.0.0.1:${port}/x.git: cannot reach 127.0.0.1:${port}: connection refused (ECONNREFUSED)`);
  });
});

describe('clones a killed run left behind', () => {
  /** A clone directory as a run makes it; `owner` is its owner file's content, if any. */
  function plant(name: string, owner?: object, ageMs = 0): string {
    const dir = join(suite.work, name);
    mkdirSync(join(dir, '.git'), { recursive: true });
    writeFileSync(join(dir, '.git', 'HEAD'), 'ref: refs/heads/main\n');
    if (owner) writeFileSync(join(dir, '.imgsync-owner'), JSON.stringify(owner));
    if (ageMs) {
      const then = new Date(Date.now() - ageMs);
      utimesSync(dir, then, then);
    }
    return name;
  }

  it('are removed by the next clone; clones of live runs, other hosts and fresh unowned ones stay', async () => {
    // a process that has exited: its pid is free (not reused within this test)
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    const gone = plant('imgsync-00000000-0000-4000-8000-000000000001', { pid: dead, host: hostname() });
    const old = plant('imgsync-00000000-0000-4000-8000-000000000002', undefined, 2 * 3_600_000);
    const live = plant('imgsync-00000000-0000-4000-8000-000000000003', { pid: process.ppid, host: hostname() });
    const elsewhere = plant('imgsync-00000000-0000-4000-8000-000000000004', { pid: dead, host: `not-${hostname()}` });
    const fresh = plant('imgsync-00000000-0000-4000-8000-000000000005');
    const samePid = plant('imgsync-00000000-0000-4000-8000-000000000006', { pid: process.pid, host: hostname() });
    createBareRepo(suite.root, 'sweep', { [metadataFile]: metadata });

    const checkout = await cloneShallow({ url: suite.server.url('sweep'), token, io: { tmpDir: suite.work } });
    const during = clones();
    await checkout.close();

    expect(during).not.toContain(gone);
    expect(during).not.toContain(old);
    // a directory with this process's pid that this process did not make: an earlier process (a restarted container)
    expect(during).not.toContain(samePid);
    expect(during).toEqual(expect.arrayContaining([live, elsewhere, fresh]));
    expect(clones().sort()).toEqual([live, elsewhere, fresh].sort());
    for (const name of [live, elsewhere, fresh]) spawnSync('rm', ['-rf', join(suite.work, name)]);
  });
});
