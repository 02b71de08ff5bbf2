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
 *
 * The walk is the same whatever holds the tree ({@link resolveLinks} takes a
 * {@link LinkTree}): a clone's object store (`resolveInCommit` in `commit.ts`) or the
 * GitHub API's recursive tree listing (`github-workspace.ts`).
 */
import { FileError } from '../errors.js';

/** Links followed for one path before it counts as a loop (Linux allows 40). */
export const MAX_LINKS = 40;

export const SYMLINK_MODE = '120000';
export const TREE_MODE = '040000';

export interface ResolvedPath {
  /** Repository path of the file itself, `/`-separated. */
  path: string;
  /** True when some component of the given path was a symbolic link. */
  viaLink: boolean;
}

/** One entry of a tree, as git stores it: `mode` `100644`, `100755`, `120000` (link), `040000` (tree), `160000`. */
export interface LinkTreeEntry {
  mode: string;
  oid: string;
}

/** What {@link resolveLinks} needs of a commit's tree. */
export interface LinkTree {
  /** The entry `name` of the directory `dir` (`''` for the root, else `a/b`), or `undefined`. */
  entry(dir: string, name: string): Promise<LinkTreeEntry | undefined>;
  /** The target text of the link whose blob is `oid`. */
  linkText(oid: string): Promise<string>;
}

/**
 * The file `path` names in `tree`, links followed; `undefined` when there is no such file
 * (and no link on the way).
 *
 * @example await resolveLinks('images.yml', tree) // { path: 'data/images.yml', viaLink: true }
 */
export async function resolveLinks(path: string, tree: LinkTree): Promise<ResolvedPath | undefined> {
  const pending = path.replace(/\\/g, '/').split('/');
  const done: string[] = [];
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
    const entry = await tree.entry(done.join('/'), name);
    if (!entry) {
      if (lastLink !== undefined) {
        throw new FileError(path, `a symbolic link to ${JSON.stringify(lastLink)}, which is not in the repository`);
      }
      return undefined;
    }
    if (entry.mode === SYMLINK_MODE) {
      if (++links > MAX_LINKS) throw new FileError(path, `more than ${MAX_LINKS} symbolic links in a row (a loop?)`);
      lastLink = await tree.linkText(entry.oid);
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
