import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GitError } from '../../src/errors.js';
import { deliver } from '../../src/git/index.js';
import { commitToBare, createBareRepo, gitCli, showFile } from '@imgsync/test-helpers/git/fixture-repo.js';
import { metadata, metadataFile, setImageId } from '@imgsync/test-helpers/git/image-edits.js';
import { useGitServer } from '@imgsync/test-helpers/git/git-suite.js';

const token = 'ghp_LocalToken0123456789abcdefABCDEF012';
const suite = useGitServer(token);
const author = { name: 'imgsync', email: 'imgsync@example.test' };

/**
 * A user's checkout made with the git CLI (cloned from the bare path: a synchronous
 * clone over HTTP would block this process's server), then pointed at the HTTP URL.
 */
function userCheckout(name: string): string {
  const dir = join(suite.work, name);
  gitCli(suite.work, 'clone', '--quiet', join(suite.root, `${name}.git`), dir);
  gitCli(dir, 'remote', 'set-url', 'origin', suite.server.url(name));
  return dir;
}

describe('deliver in an existing local checkout', () => {
  it('commits only its file, pushes, and brings the branch and working tree along', async () => {
    const bare = createBareRepo(suite.root, 'local', { [metadataFile]: metadata, 'notes.txt': 'a\n' });
    const dir = userCheckout('local');
    writeFileSync(join(dir, 'notes.txt'), 'user edit, not staged\n');
    writeFileSync(join(dir, 'staged.txt'), 'user staged\n');
    gitCli(dir, 'add', 'staged.txt');

    const result = await deliver({ target: { dir }, token, author, edit: setImageId('python', '3.6-ubuntu', '1d2f3e4a5b6c') });

    expect(result.pushed).toBe(true);
    expect(gitCli(bare, 'diff', '--name-only', 'main~1', 'main').trim()).toBe(metadataFile);
    expect(gitCli(dir, 'rev-parse', 'HEAD').trim()).toBe(result.commit);
    expect(readFileSync(join(dir, metadataFile), 'utf8')).toBe(metadata.replace('ca7b9f52b6c2', '1d2f3e4a5b6c'));
    expect(gitCli(dir, 'status', '--porcelain').split('\n').filter(Boolean).sort()).toEqual([' M notes.txt', 'A  staged.txt']);
    expect(gitCli(dir, 'config', '--get', 'remote.origin.url').trim()).toBe(suite.server.url('local'));
  });

  it('leaves the checkout exactly as it was when the push fails, so a rerun works', async () => {
    const bare = createBareRepo(suite.root, 'local500', { [metadataFile]: metadata });
    const dir = userCheckout('local500');
    const head = gitCli(dir, 'rev-parse', 'HEAD').trim();
    suite.server.failNext({ service: 'git-receive-pack', status: 500 });
    const options = { target: { dir }, token, author, edit: setImageId('python', '3.6-ubuntu', '1d2f3e4a5b6c') };
    await expect(deliver(options)).rejects.toMatchObject({ step: 'push', status: 500 });
    expect(gitCli(dir, 'rev-parse', 'HEAD').trim()).toBe(head);
    expect(gitCli(dir, 'status', '--porcelain')).toBe('');
    expect(gitCli(dir, 'for-each-ref', '--format=%(refname)')).not.toContain('imgsync');

    const retry = await deliver(options);
    expect(retry.pushed).toBe(true);
    expect(gitCli(bare, 'rev-list', '--count', `${head}..main`).trim()).toBe('1');
  });

  it('builds on a commit someone pushed meanwhile and fast-forwards the checkout', async () => {
    const bare = createBareRepo(suite.root, 'localrace', { [metadataFile]: metadata });
    const dir = userCheckout('localrace');
    commitToBare(bare, { 'other.txt': 'pushed by a person\n' });
    const result = await deliver({ target: { dir }, token, author, edit: setImageId('python', '3.6-ubuntu', '1d2f3e4a5b6c') });
    expect(result.attempts).toBe(2);
    expect(gitCli(dir, 'rev-parse', 'HEAD').trim()).toBe(gitCli(bare, 'rev-parse', 'main').trim());
    expect(readFileSync(join(dir, 'other.txt'), 'utf8')).toBe('pushed by a person\n');
    expect(gitCli(dir, 'status', '--porcelain')).toBe('');
    expect(showFile(bare, 'main', metadataFile)).toBe(metadata.replace('ca7b9f52b6c2', '1d2f3e4a5b6c'));
  });

  it('refuses before pushing when the file it would commit has uncommitted changes', async () => {
    const bare = createBareRepo(suite.root, 'localdirty', { [metadataFile]: metadata });
    const dir = userCheckout('localdirty');
    const before = gitCli(bare, 'rev-parse', 'main').trim();
    writeFileSync(join(dir, metadataFile), `${metadata}# my notes\n`);
    const error = await deliver({ target: { dir }, token, author, edit: setImageId('python', '3.6-ubuntu', '1d2f3e4a5b6c') }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitError);
    expect((error as Error).message).toMatch(/image-metadata\.yml has uncommitted changes/);
    expect(gitCli(bare, 'rev-parse', 'main').trim()).toBe(before);
    expect(readFileSync(join(dir, metadataFile), 'utf8')).toBe(`${metadata}# my notes\n`);
  });
});
