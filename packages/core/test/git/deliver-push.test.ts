import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GitError } from '../../src/errors.js';
import { deliver } from '../../src/git/index.js';
import { createBareRepo, gitCli, showFile } from '@imgsync/test-helpers/git/fixture-repo.js';
import { findToken } from '@imgsync/test-helpers/git/secret-scan.js';
import { useGitServer } from '@imgsync/test-helpers/git/git-suite.js';
import { metadata, setImageId } from '@imgsync/test-helpers/git/image-edits.js';

const token = 'ghp_TestToken0123456789abcdefABCDEF01';
const suite = useGitServer(token);
const author = { name: 'imgsync', email: 'imgsync@example.test' };

describe('deliver (push mode, shallow temp clone)', () => {
  it('clones shallow, commits only the edited file and pushes it', async () => {
    const bare = createBareRepo(suite.root, 'basic', { 'image-metadata.yml': metadata, 'README.md': '# r\n' });
    let cloneDirHadToken: string[] = ['not checked'];
    let shallow = false;
    const result = await deliver({
      target: { url: suite.server.url('basic'), branch: 'main' },
      token,
      author,
      io: { tmpDir: suite.work },
      edit: async (read) => {
        cloneDirHadToken = findToken(token, [suite.work]);
        shallow = readdirSync(suite.work).some((d) => existsSync(join(suite.work, d, '.git', 'shallow')));
        return setImageId('python', '3.6-ubuntu', '1d2f3e4a5b6c')(read);
      },
    });
    expect(cloneDirHadToken).toEqual([]);
    expect(shallow).toBe(true);
    expect(readdirSync(suite.work)).toEqual([]);
    expect(result.pushed).toBe(true);
    expect(result.branch).toBe('main');
    expect(result.files).toEqual(['image-metadata.yml']);
    expect(gitCli(bare, 'rev-parse', 'main').trim()).toBe(result.commit);
    expect(showFile(bare, 'main', 'image-metadata.yml')).toBe(metadata.replace('ca7b9f52b6c2', '1d2f3e4a5b6c'));
    expect(gitCli(bare, 'log', '-1', '--format=%an <%ae>%n%B', 'main')).toBe(
      'imgsync <imgsync@example.test>\nchore(images): update python 3.6-ubuntu\n\n- update python 3.6-ubuntu: ca7b9f52b6c2 -> 1d2f3e4a5b6c\n\n',
    );
    expect(gitCli(bare, 'diff', '--name-only', 'main~1', 'main').trim()).toBe('image-metadata.yml');
    expect(gitCli(bare, 'fsck', '--no-dangling').trim()).toBe('');
  });

  it('makes no commit and no push when nothing changed', async () => {
    const bare = createBareRepo(suite.root, 'noop', { 'image-metadata.yml': metadata });
    const before = gitCli(bare, 'rev-parse', 'main').trim();
    suite.server.resetTraffic();
    const result = await deliver({
      target: { url: suite.server.url('noop') },
      token,
      author,
      io: { tmpDir: suite.work },
      edit: async (read) => ({ files: [{ path: 'image-metadata.yml', content: (await read('image-metadata.yml'))! }], changes: [] }),
    });
    expect(result).toMatchObject({ pushed: false, commit: undefined, changes: [], branch: 'main' });
    expect(gitCli(bare, 'rev-parse', 'main').trim()).toBe(before);
  });

  it('fails with a clear 401 error on a wrong token, without echoing it', async () => {
    createBareRepo(suite.root, 'auth', { 'image-metadata.yml': metadata });
    const wrong = 'ghp_WrongToken9876543210zyxwvuZYXWVU99';
    const error = await deliver({
      target: { url: suite.server.url('auth') },
      token: wrong,
      author,
      io: { tmpDir: suite.work },
      edit: setImageId('python', '3.6-ubuntu', '1d2f3e4a5b6c'),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitError);
    const gitError = error as GitError;
    suite.captured.push(gitError.message, String(gitError.stack));
    expect(gitError.status).toBe(401);
    expect(gitError.message).toMatch(/^git clone http:\/\/127\.0\.0\.1:\d+\/auth\.git \(HTTP 401\): authentication failed/);
    expect(findToken(wrong, [suite.work], [gitError.message, String(gitError.stack), JSON.stringify(gitError)])).toEqual([]);
    expect(findToken(token, [suite.work])).toEqual([]);
  });
});
