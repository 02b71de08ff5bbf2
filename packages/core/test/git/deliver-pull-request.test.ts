import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GitError } from '../../src/errors.js';
import { deliver } from '../../src/git/index.js';
import { createBareRepo, gitCli, showFile } from '@imgsync/test-helpers/git/fixture-repo.js';
import { startGitHubStandIn, type GitHubStandIn } from '@imgsync/test-helpers/git/github-api-stand-in.js';
import { startGitServer, type GitServer } from '@imgsync/test-helpers/git/git-http-server.js';
import { metadata, metadataFile, setImageId } from '@imgsync/test-helpers/git/image-edits.js';
import { findToken } from '@imgsync/test-helpers/git/secret-scan.js';

const token = 'ghp_PullToken0123456789abcdefABCDEF0123';
const author = { name: 'imgsync', email: 'imgsync@example.test' };
let root: string;
let work: string;
let server: GitServer;
let github: GitHubStandIn;
const captured: string[] = [];

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'imgsync-git-root-'));
  work = mkdtempSync(join(tmpdir(), 'imgsync-git-work-'));
  // The git server serves `<root>/<owner>/<repo>.git`, like github.com/<owner>/<repo>.git.
  server = await startGitServer({ root, token });
  github = await startGitHubStandIn({ token, prefix: '/api/v3' });
});
afterAll(async () => {
  await server.stop();
  await github.stop();
  rmSync(root, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});
afterEach(() => {
  expect(findToken(token, [root, work], [...captured, JSON.stringify(github.pulls)])).toEqual([]);
  expect(readdirSync(work)).toEqual([]);
  captured.length = 0;
});

function run(repo: string, edit = setImageId('python', '3.6-ubuntu', '1d2f3e4a5b6c')) {
  return deliver({
    target: { url: server.url(`lablup/${repo}`), branch: 'main' },
    token,
    author,
    mode: 'pull-request',
    pullRequest: { name: 'backend-ai', apiBaseUrl: github.baseUrl },
    io: { tmpDir: work },
    edit,
  });
}

describe('deliver (pull-request mode, against a GitHub REST API stand-in)', () => {
  it('pushes imgsync/<target> and opens one pull request listing the changes; main is untouched', async () => {
    const bare = createBareRepo(join(root, 'lablup'), 'first', { [metadataFile]: metadata });
    const main = gitCli(bare, 'rev-parse', 'main').trim();
    const result = await run('first');

    expect(result).toMatchObject({ pushed: true, branch: 'imgsync/backend-ai' });
    expect(result.pullRequest).toMatchObject({ number: expect.any(Number), action: 'created' });
    expect(result.pullRequest!.url).toMatch(/\/lablup\/first\/pull\/\d+$/);
    expect(gitCli(bare, 'rev-parse', 'main').trim()).toBe(main);
    expect(gitCli(bare, 'rev-parse', 'imgsync/backend-ai~1').trim()).toBe(main);
    expect(showFile(bare, 'imgsync/backend-ai', metadataFile)).toBe(metadata.replace('ca7b9f52b6c2', '1d2f3e4a5b6c'));
    const pr = github.pulls.find((p) => p.repo === 'first')!;
    expect(pr).toMatchObject({ head: 'imgsync/backend-ai', base: 'main', title: 'chore(images): update python 3.6-ubuntu', owner: 'lablup' });
    expect(pr.body).toContain('- update python 3.6-ubuntu: ca7b9f52b6c2 -> 1d2f3e4a5b6c');
  });

  it('updates its own pull request on the next run instead of opening a duplicate', async () => {
    const bare = createBareRepo(join(root, 'lablup'), 'again', { [metadataFile]: metadata });
    const first = await run('again');
    const second = await run('again', async (read) => {
      const a = await setImageId('python', '3.6-ubuntu', '1d2f3e4a5b6c')(read);
      const text = a.files[0]!.content;
      return {
        files: [{ path: metadataFile, content: text.replace('0123456789ab', 'fedcba987654') }],
        changes: [...a.changes, { file: metadataFile, image: 'ruby', tag: '2.7', kind: 'updated', old: '0123456789ab', new: 'fedcba987654' }],
      };
    });
    expect(second.pullRequest).toEqual({ ...first.pullRequest, action: 'updated' });
    const mine = github.pulls.filter((p) => p.repo === 'again');
    expect(mine).toHaveLength(1);
    expect(mine[0]!.title).toBe('chore(images): update python 3.6-ubuntu, update ruby 2.7');
    expect(mine[0]!.body).toContain('- update ruby 2.7: 0123456789ab -> fedcba987654');
    // The branch was rebuilt from main (force-updated), not stacked on the previous run.
    expect(gitCli(bare, 'rev-list', '--count', 'main..imgsync/backend-ai').trim()).toBe('1');
  });

  it('recovers from 422 "A pull request already exists" by updating that pull request', async () => {
    createBareRepo(join(root, 'lablup'), 'exists', { [metadataFile]: metadata });
    github.pulls.push({ number: 77, state: 'open', title: 'old', body: 'old', head: 'imgsync/backend-ai', base: 'main', owner: 'lablup', repo: 'exists' });
    github.staleListOnce();
    const before = github.requests.length;
    const result = await run('exists');
    expect(result.pullRequest).toMatchObject({ number: 77, action: 'updated' });
    const calls = github.requests.slice(before).map((r) => `${r.method} ${r.path.replace(/\?.*/, '')}`);
    expect(calls).toEqual([
      'GET /api/v3/repos/lablup/exists/pulls',
      'POST /api/v3/repos/lablup/exists/pulls',
      'GET /api/v3/repos/lablup/exists/pulls',
      'PATCH /api/v3/repos/lablup/exists/pulls/77',
    ]);
    expect(github.pulls.filter((p) => p.repo === 'exists')).toHaveLength(1);
  });

  it('does nothing at all when nothing changed', async () => {
    const bare = createBareRepo(join(root, 'lablup'), 'quiet', { [metadataFile]: metadata });
    const before = github.requests.length;
    const result = await run('quiet', async () => ({ files: [], changes: [] }));
    expect(result).toMatchObject({ pushed: false, commit: undefined });
    expect(result.pullRequest).toBeUndefined();
    expect(github.requests.length).toBe(before);
    expect(gitCli(bare, 'branch', '--list').trim()).toBe('* main');
  });

  it('reports a rejected API token as a GitError without the token', async () => {
    createBareRepo(join(root, 'lablup'), 'badapi', { [metadataFile]: metadata });
    const wrong = 'ghp_WrongApiToken987654321zyxwvuZYXWV';
    const error = await deliver({
      target: { url: server.url('lablup/badapi') },
      token,
      author,
      mode: 'pull-request',
      pullRequest: { apiBaseUrl: github.baseUrl, token: wrong },
      io: { tmpDir: work },
      edit: setImageId('python', '3.6-ubuntu', '1d2f3e4a5b6c'),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitError);
    expect(error).toMatchObject({ step: 'pull-request', status: 401 });
    captured.push((error as Error).message);
    expect((error as Error).message).toMatch(/Bad credentials/);
    expect(findToken(wrong, [], [(error as Error).message, String((error as Error).stack)])).toEqual([]);
  });
});
