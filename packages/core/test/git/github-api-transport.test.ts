/**
 * Delivery through the GitHub REST API's git data endpoints, with no clone, against the
 * GitHub API stand-in (the real API cannot run here) backed by real bare repositories and
 * the git executable: ref, commit, recursive tree and raw blob reads; blob, tree, commit
 * and compare-and-swap ref writes; pull requests. Also: the same host serving git over
 * smart HTTP (a GitHub Enterprise Server), for `transport: auto`'s fallback to a clone.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Deadline } from '../../src/deadline.js';
import { DeadlineError, FileError, FileTooLargeError, GitError } from '../../src/errors.js';
import { chooseTransport, deliver, openTarget, type DeliverOptions, type OpenTargetOptions } from '../../src/git/index.js';
import { commitToBare, createBareRepo, gitCli, showFile } from '@imgsync/test-helpers/git/fixture-repo.js';
import { startGitHubStandIn, type GitHubStandIn } from '@imgsync/test-helpers/git/github-api-stand-in.js';
import { startGitServer, type GitServer } from '@imgsync/test-helpers/git/git-http-server.js';
import { metadata, metadataFile, setImageId } from '@imgsync/test-helpers/git/image-edits.js';
import { createBareRepoWithLinks } from '@imgsync/test-helpers/git/linked-repo.js';
import { findToken } from '@imgsync/test-helpers/git/secret-scan.js';

const token = 'ghp_ApiTransportToken0123456789abcdefABCD';
const readOnlyToken = 'ghp_ReadOnlyToken0123456789abcdefABCDEF01';
const author = { name: 'imgsync', email: 'imgsync@example.test' };
let root: string;
let work: string;
let server: GitServer;
let github: GitHubStandIn;
const captured: string[] = [];

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'imgsync-ghapi-root-'));
  work = mkdtempSync(join(tmpdir(), 'imgsync-ghapi-work-'));
  server = await startGitServer({ root, token });
  github = await startGitHubStandIn({ token, prefix: '/api/v3', gitRoot: root, readOnlyTokens: [readOnlyToken], gitBackend: server });
});
afterAll(async () => {
  await github.stop();
  await server.stop();
  rmSync(root, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});
afterEach(() => {
  github.intercept = undefined;
  expect(findToken(token, [root, work], captured)).toEqual([]);
  // nothing was cloned
  expect(readdirSync(work)).toEqual([]);
  captured.length = 0;
});

/** `lablup/<name>.git` holding `files` on main, and its URL on the stand-in's host. */
function repo(name: string, files: Record<string, string> = { [metadataFile]: metadata }) {
  const bare = createBareRepo(join(root, 'lablup'), name, files);
  return { bare, url: github.repoUrl(`lablup/${name}`), main: () => gitCli(bare, 'rev-parse', 'main').trim() };
}

const api = { transport: 'github-api', githubApiUrl: '' } as const;
const open = (url: string, extra: Partial<OpenTargetOptions> = {}) =>
  openTarget({ target: { url, branch: 'main' }, token, ...api, githubApiUrl: github.baseUrl, io: { tmpDir: work }, ...extra });
const run = (url: string, extra: Partial<DeliverOptions> = {}) =>
  deliver({
    target: { url, branch: 'main' },
    token,
    author,
    ...api,
    githubApiUrl: github.baseUrl,
    io: { tmpDir: work },
    edit: setImageId('python', '3.6-ubuntu', '1d2f3e4a5b6c'),
    ...extra,
  });
/** `METHOD path` of the requests for one repository since `from`, query kept. */
const callsFor = (name: string, from: number) =>
  github.requests
    .slice(from)
    .filter((r) => r.path.includes(`/lablup/${name}/`))
    .map((r) => `${r.method} ${r.path.replace(`/api/v3/repos/lablup/${name}/`, '')}`);
/** Resolves when `signal` fires, or after `ms` at the latest. */
const holdUntil = (signal: AbortSignal, ms: number) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
const errorOf = (work: Promise<unknown>) =>
  work.then(
    () => undefined,
    (e: unknown) => e,
  );

describe('push mode (GitHub API stand-in)', () => {
  it('commits the edit through the git data API, reading no blob but the target file (GitHub API stand-in)', async () => {
    const unrelated = 'x'.repeat(2 * 1024 * 1024);
    const { bare, url, main } = repo('push', { [metadataFile]: metadata, 'data/unrelated.bin': unrelated, 'README.md': '# fixture\n' });
    const before = main();
    const targetBlob = gitCli(bare, 'rev-parse', `main:${metadataFile}`).trim();
    const from = github.requests.length;

    const result = await run(url);

    expect(result).toMatchObject({ pushed: true, branch: 'main', attempts: 1, files: [metadataFile] });
    expect(main()).toBe(result.commit);
    expect(gitCli(bare, 'rev-parse', 'main~1').trim()).toBe(before);
    expect(showFile(bare, 'main', metadataFile)).toBe(metadata.replace('ca7b9f52b6c2', '1d2f3e4a5b6c'));
    expect(showFile(bare, 'main', 'data/unrelated.bin')).toBe(unrelated);
    expect(gitCli(bare, 'log', '-1', '--format=%an <%ae>|%cn <%ce>|%s', 'main').trim()).toBe(
      'imgsync <imgsync@example.test>|imgsync <imgsync@example.test>|chore(images): update python 3.6-ubuntu',
    );
    const tree = gitCli(bare, 'rev-parse', 'main~1^{tree}').trim();
    expect(callsFor('push', from)).toEqual([
      'GET git/ref/heads/main',
      `GET git/commits/${before}`,
      `GET git/trees/${tree}?recursive=1`,
      `GET git/blobs/${targetBlob}`,
      'POST git/blobs',
      'POST git/trees',
      'POST git/commits',
      'PATCH git/refs/heads/main',
    ]);
    expect(github.requests.find((r) => r.path.endsWith(`/git/blobs/${targetBlob}`))!.accept).toBe('application/vnd.github.raw+json');
    expect(github.requests.slice(from).find((r) => r.method === 'PATCH')!.body).toEqual({ sha: result.commit, force: false });
  });

  it('makes no commit and writes nothing when the edit changes nothing (GitHub API stand-in)', async () => {
    const { url, main } = repo('quiet');
    const before = main();
    const from = github.requests.length;
    const result = await run(url, { edit: async (read) => ({ files: [{ path: metadataFile, content: (await read(metadataFile))! }], changes: [] }) });
    expect(result).toMatchObject({ pushed: false, commit: undefined, attempts: 1 });
    expect(main()).toBe(before);
    expect(github.requests.slice(from).filter((r) => r.method !== 'GET')).toEqual([]);
  });

  it('recomputes the edit when another commit lands between the read and the ref update (GitHub API stand-in)', async () => {
    const { bare, url } = repo('race');
    let calls = 0;
    const result = await run(url, {
      edit: async (read) => {
        if (calls++ === 0) commitToBare(bare, { [metadataFile]: metadata.replace('0123456789ab', 'aaaaaaaaaaaa') });
        return setImageId('python', '3.6-ubuntu', '1d2f3e4a5b6c')(read);
      },
    });
    expect(result).toMatchObject({ pushed: true, attempts: 2 });
    expect(calls).toBe(2);
    expect(showFile(bare, 'main', metadataFile)).toBe(metadata.replace('ca7b9f52b6c2', '1d2f3e4a5b6c').replace('0123456789ab', 'aaaaaaaaaaaa'));
    expect(gitCli(bare, 'log', '--format=%s', '-2', 'main').trim().split('\n')).toEqual(['chore(images): update python 3.6-ubuntu', 'meanwhile']);
  });

  it('gives up with a clear error after maxAttempts lost races (GitHub API stand-in)', async () => {
    const { bare, url } = repo('busy');
    let n = 0;
    const error = await errorOf(
      run(url, {
        maxAttempts: 2,
        edit: async (read) => {
          commitToBare(bare, { 'other.txt': `${n++}\n` });
          return setImageId('python', '3.6-ubuntu', '1d2f3e4a5b6c')(read);
        },
      }),
    );
    expect(error).toBeInstanceOf(GitError);
    captured.push((error as Error).message);
    expect((error as Error).message).toMatch(/^git push http:\/\/127\.0\.0\.1:\d+\/api\/v3\/repos\/lablup\/busy: rejected 2 times: main kept moving/);
    expect(showFile(bare, 'main', metadataFile)).toBe(metadata);
  });
});

describe('pull-request mode (GitHub API stand-in)', () => {
  it('points imgsync/<name> at a commit on the base tip, opens one pull request, and updates it on the next run (GitHub API stand-in)', async () => {
    const { bare, url, main } = repo('pulls');
    const base = main();
    const pr = { name: 'backend-ai' };
    const first = await run(url, { mode: 'pull-request', pullRequest: pr });
    expect(first).toMatchObject({ pushed: true, branch: 'imgsync/backend-ai', pullRequest: { action: 'created' } });
    expect(main()).toBe(base);
    expect(gitCli(bare, 'rev-parse', 'imgsync/backend-ai~1').trim()).toBe(base);
    expect(showFile(bare, 'imgsync/backend-ai', metadataFile)).toBe(metadata.replace('ca7b9f52b6c2', '1d2f3e4a5b6c'));

    const second = await run(url, { mode: 'pull-request', pullRequest: pr, edit: setImageId('ruby', '2.7', 'fedcba987654') });
    expect(second.pullRequest).toEqual({ ...first.pullRequest, action: 'updated' });
    const mine = github.pulls.filter((p) => p.repo === 'pulls');
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ head: 'imgsync/backend-ai', base: 'main', title: 'chore(images): update ruby 2.7' });
    // rebuilt from main (moved with force), not stacked on the first run's commit
    expect(gitCli(bare, 'rev-list', '--count', 'main..imgsync/backend-ai').trim()).toBe('1');
    expect(showFile(bare, 'imgsync/backend-ai', metadataFile)).toBe(metadata.replace('0123456789ab', 'fedcba987654'));
  });
});

describe('reading (GitHub API stand-in)', () => {
  it('reads and commits through a symbolic link inside the repository, and refuses links leading out, per file (GitHub API stand-in)', async () => {
    const bare = createBareRepoWithLinks(
      join(root, 'lablup'),
      'links',
      { 'data/image-metadata.yml': metadata },
      {
        [metadataFile]: 'data/image-metadata.yml',
        current: 'data',
        'up.yml': '../../etc/passwd',
        'dangling.yml': 'data/gone.yml',
        'loop-a.yml': 'loop-b.yml',
        'loop-b.yml': 'loop-a.yml',
      },
    );
    const workspace = await open(github.repoUrl('lablup/links'));
    try {
      expect(workspace.kind).toBe('github-api');
      expect(await workspace.read(metadataFile)).toBe(metadata);
      expect(await workspace.resolvePath(metadataFile)).toBe('data/image-metadata.yml');
      expect(await workspace.resolvePath('current/image-metadata.yml')).toBe('data/image-metadata.yml');
      for (const [path, message] of [
        [
          'up.yml',
          'up.yml: a symbolic link to "../../etc/passwd", which leads outside the repository; imgsync edits only files the repository holds (point the target at the file itself)',
        ],
        ['dangling.yml', 'dangling.yml: a symbolic link to "data/gone.yml", which is not in the repository'],
        ['loop-a.yml', 'loop-a.yml: more than 40 symbolic links in a row (a loop?)'],
      ] as const) {
        const error = await errorOf(workspace.read(path));
        expect(error).toBeInstanceOf(FileError);
        expect((error as Error).message).toBe(message);
      }
      // a link is never replaced by a file
      const refused = await errorOf(
        deliver({ checkout: workspace, token, author, edit: async () => ({ files: [{ path: metadataFile, content: 'images: []\n' }], changes: [] }) }),
      );
      expect((refused as Error).message).toBe(
        'git commit: refusing to replace the symbolic link image-metadata.yml with a file; write to the file it points to',
      );
      // the engine writes the file the link names
      const edit = setImageId('python', '3.6-ubuntu', '1d2f3e4a5b6c');
      const result = await deliver({
        checkout: workspace,
        token,
        author,
        edit: async (read) => {
          const edited = await edit(read);
          return { ...edited, files: await Promise.all(edited.files.map(async (f) => ({ ...f, path: await workspace.resolvePath(f.path) }))) };
        },
      });
      expect(result).toMatchObject({ pushed: true, files: ['data/image-metadata.yml'] });
    } finally {
      await workspace.close();
    }
    expect(showFile(bare, 'main', 'data/image-metadata.yml')).toBe(metadata.replace('ca7b9f52b6c2', '1d2f3e4a5b6c'));
    expect(gitCli(bare, 'ls-tree', 'main', metadataFile).split(/\s/)[0]).toBe('120000');
  });

  it('reads a missing file as absent, and names a missing branch (GitHub API stand-in)', async () => {
    const { url } = repo('missing');
    const workspace = await open(url);
    try {
      expect(await workspace.read('nothing.yml')).toBeUndefined();
      expect(await workspace.read('image-metadata.yml/below')).toBeUndefined();
      expect(await workspace.listFiles()).toEqual([metadataFile]);
    } finally {
      await workspace.close();
    }
    const error = await errorOf(open(url, { target: { url, branch: 'release' } }));
    expect(error).toBeInstanceOf(GitError);
    expect((error as Error).message).toMatch(/^git open http:\/\/127\.0\.0\.1:\d+\/api\/v3\/repos\/lablup\/missing: no branch release in the repository$/);
    const noRepo = await errorOf(open(github.repoUrl('lablup/nowhere')));
    expect(noRepo).toMatchObject({ step: 'open', status: 404 });
    expect((noRepo as Error).message).toMatch(
      /\(HTTP 404\): not found \(Not Found\): no such repository, branch or object, or the token cannot see the repository$/,
    );
    // without a branch: the repository's default branch
    const byDefault = await openTarget({ target: { url }, token, ...api, githubApiUrl: github.baseUrl });
    expect(byDefault.branch).toBe('main');
    await byDefault.close();
  });

  it('refuses a file over maxFileBytes from the tree listing, without downloading it (GitHub API stand-in)', async () => {
    const { bare, url } = repo('big', { [metadataFile]: metadata, 'big.yml': `images:\n${'  - name: x\n'.repeat(500)}` });
    const bigBlob = gitCli(bare, 'rev-parse', 'main:big.yml').trim();
    const from = github.requests.length;
    const workspace = await open(url, { maxFileBytes: 1000 });
    try {
      const error = await errorOf(workspace.read('big.yml'));
      expect(error).toBeInstanceOf(FileTooLargeError);
      expect((error as Error).message).toBe('big.yml: 6008 bytes, more than the 1000 bytes a target file may have (maxFileBytes); the file is left untouched');
      expect(await workspace.read(metadataFile)).toBe(metadata);
    } finally {
      await workspace.close();
    }
    expect(callsFor('big', from).filter((c) => c.includes(bigBlob))).toEqual([]);
  });
});

describe('errors (GitHub API stand-in)', () => {
  it('names the API, the phase and the status of a rejected token (401), never the token (GitHub API stand-in)', async () => {
    const { url } = repo('badtoken');
    const wrong = 'ghp_WrongApiToken987654321zyxwvuZYXWV';
    const error = await errorOf(open(url, { token: wrong }));
    expect(error).toBeInstanceOf(GitError);
    expect(error).toMatchObject({ step: 'open', status: 401 });
    expect((error as Error).message).toMatch(
      /^git open http:\/\/127\.0\.0\.1:\d+\/api\/v3\/repos\/lablup\/badtoken \(HTTP 401\): authentication failed: the GitHub API rejected the token \(Bad credentials\); check that it is valid$/,
    );
    expect(findToken(wrong, [], [(error as Error).message, String((error as Error).stack)])).toEqual([]);
    const none = await errorOf(open(url, { token: undefined }));
    expect((none as Error).message).toMatch(/\(HTTP 401\): authentication required: no git token set \(IMGSYNC_GIT_TOKEN, GITHUB_TOKEN or git\.token\)$/);
  });

  it('says what a token that may read but not write lacks (403), and moves nothing (GitHub API stand-in)', async () => {
    const { url, main } = repo('readonly');
    const before = main();
    const error = await errorOf(run(url, { token: readOnlyToken }));
    expect(error).toBeInstanceOf(GitError);
    expect(error).toMatchObject({ step: 'commit', status: 403 });
    expect((error as Error).message).toMatch(
      /^git commit http:\/\/127\.0\.0\.1:\d+\/api\/v3\/repos\/lablup\/readonly \(HTTP 403\): forbidden: the token may not do this \(Resource not accessible by personal access token\); it needs contents: write/,
    );
    expect(findToken(readOnlyToken, [], [(error as Error).message])).toEqual([]);
    expect(main()).toBe(before);
  });

  it('stops at the deadline in the middle of a delivery, within a second, and leaves the branch where it was (GitHub API stand-in)', async () => {
    const { url, main } = repo('late');
    const before = main();
    const deadline = new Deadline({ at: Date.now() + 4_000 });
    // the commit object is not written before the run's time is up (at most 10 s later)
    github.intercept = async ({ method, path }) => {
      if (method === 'POST' && path.endsWith('/git/commits')) await holdUntil(deadline.signal, 10_000);
      return undefined;
    };
    const error = await errorOf(run(url, { deadline }));
    const late = Date.now() - deadline.at;
    expect(error).toBeInstanceOf(DeadlineError);
    expect((error as Error).message).toMatch(
      /^time budget ran out during GitHub API POST http:\/\/127\.0\.0\.1:\d+\/api\/v3\/repos\/lablup\/late\/git\/commits$/,
    );
    expect(late).toBeLessThan(1_000);
    expect(main()).toBe(before);
  });

  it('starts no ref update with less than 2 s left (GitHub API stand-in)', async () => {
    const { url, main } = repo('reserve');
    const before = main();
    const deadline = new Deadline({ at: Date.now() + 4_000 });
    // the commit object is written when 1.5 s are left: too little to start moving the branch
    github.intercept = async ({ method, path }) => {
      if (method === 'POST' && path.endsWith('/git/commits')) await new Promise((resolve) => setTimeout(resolve, Math.max(0, deadline.remaining() - 1_500)));
      return undefined;
    };
    const from = github.requests.length;
    const error = await errorOf(run(url, { deadline }));
    expect(error).toBeInstanceOf(DeadlineError);
    expect((error as Error).message).toMatch(/^time budget: \d+ ms left, less than the 2000 ms a push may need; not pushed to main$/);
    expect(callsFor('reserve', from).filter((c) => c.startsWith('PATCH'))).toEqual([]);
    expect(main()).toBe(before);
  });

  it('tells a truncated tree listing to use a clone, and auto clones instead (GitHub API stand-in)', async () => {
    const small = await startGitHubStandIn({ token, prefix: '/api/v3', gitRoot: root, maxTreeEntries: 2, gitBackend: server });
    try {
      createBareRepo(join(root, 'lablup'), 'huge', { [metadataFile]: metadata, 'a.txt': 'a\n', 'b.txt': 'b\n' });
      const url = small.repoUrl('lablup/huge');
      const target = { url, branch: 'main' };
      const error = await errorOf(openTarget({ target, token, transport: 'github-api', githubApiUrl: small.baseUrl, io: { tmpDir: work } }));
      expect(error).toBeInstanceOf(GitError);
      expect((error as Error).message).toMatch(
        /^git list files http:\/\/127\.0\.0\.1:\d+\/api\/v3\/repos\/lablup\/huge: the repository is too big for one GitHub API tree listing .*use git\.transport: clone$/,
      );
      const cloned = await openTarget({ target, token, transport: 'auto', githubApiUrl: small.baseUrl, io: { tmpDir: work } });
      try {
        expect(cloned.kind).toBe('git');
        expect(await cloned.read(metadataFile)).toBe(metadata);
      } finally {
        await cloned.close();
      }
    } finally {
      await small.stop();
    }
  });
});

describe('chooseTransport', () => {
  it.each([
    [{ url: 'https://github.com/lablup/backend.ai.git' }, 'github-api'],
    [{ url: 'https://GitHub.com/lablup/backend.ai' }, 'github-api'],
    [{ url: 'https://github.com/lablup/backend.ai.git', transport: 'clone' as const }, 'clone'],
    [{ url: 'https://gitlab.com/acme/app.git' }, 'clone'],
    [{ url: 'https://gitlab.com/acme/app.git', transport: 'github-api' as const, githubApiUrl: 'https://gitlab.com/api/v3' }, 'github-api'],
    [{ url: 'https://ghe.acme.com/org/app.git', githubApiUrl: 'https://ghe.acme.com/api/v3' }, 'github-api'],
    [{ url: 'https://acme.ghe.com/org/app.git', githubApiUrl: 'https://api.acme.ghe.com' }, 'github-api'],
    [{ url: 'https://ghe.acme.com/org/app.git', githubApiUrl: 'https://other.acme.com/api/v3' }, 'clone'],
    [{ url: 'https://ghe.acme.com/org/app.git', githubApiUrl: 'https://api.github.com' }, 'clone'],
    [{ url: undefined, transport: 'github-api' as const }, 'clone'],
  ])('%j -> %s', (options, expected) => {
    expect(chooseTransport(options)).toBe(expected);
  });
});
