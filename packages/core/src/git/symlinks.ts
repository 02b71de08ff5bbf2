/**
 * Symbolic links inside a commit. Git stores a link as a blob (mode `120000`) whose
 * content is the link's target text, so reading a linked target file "as a file" gives the
 * target's *name*, which parses as a one-line YAML string with no images: a silent skip.
 * In git mode imgsync therefore resolves a target path the way the file system would in
 * a checkout (local mode follows links too), but inside the commit's tree:
 *
 * - each component is looked up in the tree of the components before it; a link
 *   component is replaced by its target, relative to the link's directory;
 * - a target that leaves the repository (`../..`, an absolute path) is a {@link FileError}
 *   for that file: imgsync edits only files the repository holds;
 * - so is a link to nothing, to a directory, or more than {@link MAX_LINKS} links in a
 *   row (a loop), as `ELOOP` bounds it for the kernel.
 *
 * The edit is then committed at the resolved path, so the link itself stays a link.
 */
import * as git from 'isomorphic-git';
import type { PromiseFsClient } from 'isomorphic-git';
import { FileError } from '../errors.js';

/** Links followed for one path before it counts as a loop (Linux allows 40). */
export const MAX_LINKS = 40;

const SYMLINK_MODE = '120000';
const TREE_MODE = '040000';

export interface ResolvedPath {
  /** Repository path of the file itself, `/`-separated. */
  path: string;
  /** True when some component of the given path was a symbolic link. */
  viaLink: boolean;
}

/**
 * The file `path` names at commit `oid`, links followed; `undefined` when there is no such
 * file (and no link on the way).
 *
 * @example await resolveInCommit(fs, gitdir, head, 'images.yml') // { path: 'data/images.yml', viaLink: true }
 */
export async function resolveInCommit(fs: PromiseFsClient, gitdir: string, oid: string, path: string): Promise<ResolvedPath | undefined> {
  const { commit } = await git.readCommit({ fs, gitdir, oid });
  const pending = path.replace(/\\/g, '/').split('/');
  const done: string[] = [];
  const trees = new Map<string, Awaited<ReturnType<typeof git.readTree>>['tree']>();
  const treeOf = async (dir: string[]) => {
    const key = dir.join('/');
    let tree = trees.get(key);
    if (!tree) {
      tree = (await git.readTree({ fs, gitdir, oid: commit.tree, ...(key ? { filepath: key } : {}) })).tree;
      trees.set(key, tree);
    }
    return tree;
  };
  let links = 0;
  let lastLink: string | undefined;
  while (pending.length) {
    const name = pending.shift()!;
    if (name === '' || name === '.') continue;
    if (name === '..') {
      if (!done.length) throw outside(path, lastLink);
      done.pop();
      continue;
    }
    const entry = (await treeOf(done)).find((e) => e.path === name);
    if (!entry) {
      if (lastLink !== undefined) {
        throw new FileError(path, `a symbolic link to ${JSON.stringify(lastLink)}, which is not in the repository`);
      }
      return undefined;
    }
    if (entry.mode === SYMLINK_MODE) {
      if (++links > MAX_LINKS) throw new FileError(path, `more than ${MAX_LINKS} symbolic links in a row (a loop?)`);
      const { blob } = await git.readBlob({ fs, gitdir, oid: entry.oid });
      lastLink = Buffer.from(blob).toString('utf8');
      if (lastLink.startsWith('/')) throw outside(path, lastLink);
      pending.unshift(...lastLink.split('/'));
      continue;
    }
    if (entry.mode === TREE_MODE && pending.every((p) => p === '' || p === '.')) {
      throw new FileError(path, lastLink !== undefined ? `a symbolic link to ${JSON.stringify(lastLink)}, which is a directory` : 'a directory, not a file');
    }
    if (entry.mode !== TREE_MODE && pending.some((p) => p !== '' && p !== '.')) {
      return undefined; // a file used as a directory: no such path
    }
    done.push(name);
  }
  if (!done.length) throw outside(path, lastLink);
  return { path: done.join('/'), viaLink: links > 0 };
}

function outside(path: string, link: string | undefined): FileError {
  const what = link === undefined ? 'the path' : `a symbolic link to ${JSON.stringify(link)}, which`;
  return new FileError(path, `${what} leads outside the repository; imgsync edits only files the repository holds (point the target at the file itself)`);
}
