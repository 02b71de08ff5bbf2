/**
 * Symbolic links inside a commit, read the way a checkout would follow them, against
 * repositories made by the git CLI and served by the real git http-backend: a link inside
 * the repository is followed (also as a directory on the way), one leading out of it, to
 * nothing, to a directory or round in a loop is a clear error for that file, and a commit
 * never replaces a link with a file.
 */
import { describe, expect, it } from 'vitest';
import { FileError, GitError } from '../../src/errors.js';
import { cloneShallow, commitFiles } from '../../src/git/index.js';
import { useGitServer } from '@imgsync/test-helpers/git/git-suite.js';
import { createBareRepoWithLinks } from '@imgsync/test-helpers/git/linked-repo.js';

const token = 'ghp_SymlinkToken0123456789abcdefABCDEF01';
const suite = useGitServer(token);

async function checkoutOf(name: string, files: Record<string, string>, links: Record<string, string>) {
  createBareRepoWithLinks(suite.root, name, files, links);
  return cloneShallow({ url: suite.server.url(name), token, io: { tmpDir: suite.work } });
}

describe('symbolic links in git mode', () => {
  it('reads through a link inside the repository, and through a linked directory on the way', async () => {
    const checkout = await checkoutOf(
      'inside',
      { 'data/images.yml': 'images: []\n' },
      { 'images.yml': 'data/images.yml', 'conf/images.yml': '../data/images.yml', current: 'data', 'chain.yml': 'images.yml' },
    );
    try {
      expect(await checkout.read('images.yml')).toBe('images: []\n');
      expect(await checkout.resolvePath('images.yml')).toBe('data/images.yml');
      expect(await checkout.resolvePath('conf/images.yml')).toBe('data/images.yml');
      expect(await checkout.resolvePath('current/images.yml')).toBe('data/images.yml');
      expect(await checkout.resolvePath('chain.yml')).toBe('data/images.yml');
      expect(await checkout.read('current/images.yml')).toBe('images: []\n');
      // a path that is no link resolves to itself; a missing one reads as absent
      expect(await checkout.resolvePath('data/images.yml')).toBe('data/images.yml');
      expect(await checkout.read('nothing.yml')).toBeUndefined();
    } finally {
      await checkout.close();
    }
  });

  it('refuses links out of the repository, to nothing, to a directory, and loops, per file', async () => {
    const checkout = await checkoutOf(
      'outside',
      { 'data/images.yml': 'images: []\n' },
      {
        'up.yml': '../../etc/passwd',
        'abs.yml': '/etc/passwd',
        'dangling.yml': 'data/gone.yml',
        'dir.yml': 'data',
        'loop-a.yml': 'loop-b.yml',
        'loop-b.yml': 'loop-a.yml',
      },
    );
    try {
      const errorOf = (path: string) =>
        checkout.read(path).then(
          () => undefined,
          (e: unknown) => e,
        );
      for (const [path, message] of [
        [
          'up.yml',
          'up.yml: a symbolic link to "../../etc/passwd", which leads outside the repository; imgsync edits only files the repository holds (point the target at the file itself)',
        ],
        [
          'abs.yml',
          'abs.yml: a symbolic link to "/etc/passwd", which leads outside the repository; imgsync edits only files the repository holds (point the target at the file itself)',
        ],
        ['dangling.yml', 'dangling.yml: a symbolic link to "data/gone.yml", which is not in the repository'],
        ['dir.yml', 'dir.yml: a symbolic link to "data", which is a directory'],
        ['loop-a.yml', 'loop-a.yml: more than 40 symbolic links in a row (a loop?)'],
      ]) {
        const error = await errorOf(path!);
        expect(error).toBeInstanceOf(FileError);
        expect((error as Error).message).toBe(message);
      }
    } finally {
      await checkout.close();
    }
  });

  it('never replaces a link with a file in a commit', async () => {
    const checkout = await checkoutOf('commit', { 'data/images.yml': 'images: []\n' }, { 'images.yml': 'data/images.yml' });
    try {
      const error = await commitFiles({
        fs: checkout.fs,
        gitdir: checkout.gitdir,
        parent: checkout.head,
        files: [{ path: 'images.yml', content: 'images: [x]\n' }],
        message: 'm',
        author: { name: 'a', email: 'a@example.test' },
        now: new Date(0),
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(GitError);
      expect((error as Error).message).toBe('git commit: refusing to replace the symbolic link images.yml with a file; write to the file it points to');
    } finally {
      await checkout.close();
    }
  });
});
