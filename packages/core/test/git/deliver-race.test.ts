import { readdirSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { GitError } from '../../src/errors.js';
import { deliver } from '../../src/git/index.js';
import { commitToBare, createBareRepo, gitCli, showFile } from '@imgsync/test-helpers/git/fixture-repo.js';
import { metadata, metadataFile, setImageId } from '@imgsync/test-helpers/git/image-edits.js';
import { findToken } from '@imgsync/test-helpers/git/secret-scan.js';
import { useGitServer } from '@imgsync/test-helpers/git/git-suite.js';

const token = 'ghp_RaceToken0123456789abcdefABCDEF0123';
const suite = useGitServer(token);
const author = { name: 'imgsync', email: 'imgsync@example.test' };

afterEach(() => {
  expect(findToken(token, [suite.root, suite.work], suite.captured)).toEqual([]);
  expect(readdirSync(suite.work)).toEqual([]);
  suite.captured.length = 0;
});

describe('deliver races', () => {
  it('lands both changes when two runs push the same branch at the same moment', async () => {
    const bare = createBareRepo(suite.root, 'race', { [metadataFile]: metadata });
    const base = gitCli(bare, 'rev-parse', 'main').trim();
    suite.server.holdPushes(2);
    const run = (image: string, tag: string, id: string) =>
      deliver({ target: { url: suite.server.url('race') }, token, author, io: { tmpDir: suite.work }, edit: setImageId(image, tag, id) });
    const [a, b] = await Promise.all([run('python', '3.6-ubuntu', '1d2f3e4a5b6c'), run('ruby', '2.7', 'fedcba987654')]);

    expect(a.pushed && b.pushed).toBe(true);
    expect(a.attempts + b.attempts).toBe(3);
    expect(showFile(bare, 'main', metadataFile)).toBe(metadata.replace('ca7b9f52b6c2', '1d2f3e4a5b6c').replace('0123456789ab', 'fedcba987654'));
    expect(gitCli(bare, 'rev-list', '--count', `${base}..main`).trim()).toBe('2');
  });

  it('recomputes the edit on top of a commit pushed meanwhile', async () => {
    const bare = createBareRepo(suite.root, 'meanwhile', { [metadataFile]: metadata });
    let calls = 0;
    const result = await deliver({
      target: { url: suite.server.url('meanwhile') },
      token,
      author,
      io: { tmpDir: suite.work },
      edit: async (read) => {
        if (calls++ === 0) commitToBare(bare, { [metadataFile]: metadata.replace('0123456789ab', 'aaaaaaaaaaaa') });
        return setImageId('python', '3.6-ubuntu', '1d2f3e4a5b6c')(read);
      },
    });
    expect(result.attempts).toBe(2);
    expect(calls).toBe(2);
    expect(showFile(bare, 'main', metadataFile)).toBe(metadata.replace('ca7b9f52b6c2', '1d2f3e4a5b6c').replace('0123456789ab', 'aaaaaaaaaaaa'));
    expect(gitCli(bare, 'log', '--format=%s', '-2', 'main').trim().split('\n')).toEqual(['chore(images): update python 3.6-ubuntu', 'meanwhile']);
  });

  it('gives up with a clear error after maxAttempts lost races', async () => {
    const bare = createBareRepo(suite.root, 'busy', { [metadataFile]: metadata });
    let n = 0;
    const error = await deliver({
      target: { url: suite.server.url('busy') },
      token,
      author,
      maxAttempts: 2,
      io: { tmpDir: suite.work },
      edit: async (read) => {
        commitToBare(bare, { 'other.txt': `${n++}\n` });
        return setImageId('python', '3.6-ubuntu', '1d2f3e4a5b6c')(read);
      },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitError);
    suite.captured.push((error as Error).message);
    expect((error as GitError).message).toMatch(/git push http:\/\/127\.0\.0\.1:\d+\/busy\.git: rejected 2 times: main kept moving/);
    expect(showFile(bare, 'main', metadataFile)).toBe(metadata);
  });
});

describe('deliver when the server fails mid-push', () => {
  it('reports HTTP 500 clearly and a rerun succeeds with exactly one commit', async () => {
    const bare = createBareRepo(suite.root, 'fail500', { [metadataFile]: metadata });
    const base = gitCli(bare, 'rev-parse', 'main').trim();
    suite.server.failNext({ service: 'git-receive-pack', status: 500 });
    const options = {
      target: { url: suite.server.url('fail500') },
      token,
      author,
      io: { tmpDir: suite.work },
      edit: setImageId('python', '3.6-ubuntu', '1d2f3e4a5b6c'),
    };
    const error = await deliver(options).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitError);
    suite.captured.push((error as Error).message);
    expect(error).toMatchObject({ step: 'push', status: 500 });
    expect((error as Error).message).toMatch(/^git push http:\/\/127\.0\.0\.1:\d+\/fail500\.git \(HTTP 500\): the server answered/);
    expect(gitCli(bare, 'rev-parse', 'main').trim()).toBe(base);

    const retry = await deliver(options);
    expect(retry.pushed).toBe(true);
    expect(gitCli(bare, 'rev-list', '--count', `${base}..main`).trim()).toBe('1');
    expect(showFile(bare, 'main', metadataFile)).toBe(metadata.replace('ca7b9f52b6c2', '1d2f3e4a5b6c'));
  });

  it('a rerun after a 500 that hid a successful update is a clean no-op', async () => {
    const bare = createBareRepo(suite.root, 'lost-reply', { [metadataFile]: metadata });
    const base = gitCli(bare, 'rev-parse', 'main').trim();
    suite.server.failNext({ service: 'git-receive-pack', status: 500, afterBackend: true });
    const options = {
      target: { url: suite.server.url('lost-reply') },
      token,
      author,
      io: { tmpDir: suite.work },
      edit: setImageId('python', '3.6-ubuntu', '1d2f3e4a5b6c'),
    };
    await expect(deliver(options)).rejects.toMatchObject({ step: 'push', status: 500 });
    const retry = await deliver(options);
    expect(retry).toMatchObject({ pushed: false, commit: undefined });
    expect(gitCli(bare, 'rev-list', '--count', `${base}..main`).trim()).toBe('1');
  });
});
