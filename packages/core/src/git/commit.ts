/**
 * Builds a commit directly from a parent commit plus a set of files, without an index
 * or a working tree: blobs for the new contents, rewritten trees along their paths, and
 * a commit object. Nothing else in the repository changes, so
 *
 * - only the files imgsync wrote are in the commit, whatever else a local checkout has
 *   staged or modified;
 * - a failed push leaves nothing behind but unreferenced objects: a retry starts clean;
 * - a race retry builds on the other writer's commit without checking anything out.
 */
import * as git from 'isomorphic-git';
import type { PromiseFsClient, TreeEntry } from 'isomorphic-git';
import { GitError } from '../errors.js';
import { normalizePath } from './repo-path.js';
import { resolveLinks, type LinkTreeEntry, type ResolvedPath } from './symlinks.js';
import type { FileContent, GitAuthor } from './types.js';

export { normalizePath } from './repo-path.js';

export interface CommitFilesOptions {
  fs: PromiseFsClient;
  gitdir: string;
  /** The commit to build on. */
  parent: string;
  files: readonly FileContent[];
  message: string;
  author: GitAuthor;
  committer?: GitAuthor;
  now: Date;
}

export interface CommitFilesResult {
  oid: string;
  /** The paths whose content actually differs from the parent. */
  changedPaths: string[];
}

/**
 * Writes the commit object (not a ref). Returns `undefined` when every file already has
 * the given content in `parent`: no empty commits.
 *
 * @example
 * const made = await commitFiles({ fs, gitdir, parent: baseOid, now: new Date(),
 *   files: [{ path: 'images.yml', content }], message: 'chore(images): …',
 *   author: { name: 'imgsync', email: 'imgsync@users.noreply.github.com' } });
 */
export async function commitFiles(options: CommitFilesOptions): Promise<CommitFilesResult | undefined> {
  const { fs, gitdir, parent } = options;
  const { commit } = await git.readCommit({ fs, gitdir, oid: parent });

  const edits = new Map<string, string>();
  for (const file of options.files) {
    const path = normalizePath(file.path);
    const content = Buffer.from(file.content, 'utf8');
    const current = await readBlobAt(fs, gitdir, parent, path);
    if (current && Buffer.compare(current, content) === 0) continue;
    edits.set(path, await git.writeBlob({ fs, gitdir, blob: content }));
  }
  if (edits.size === 0) return undefined;

  const tree = await rewriteTree(fs, gitdir, commit.tree, edits);
  const when = options.now;
  const signature = (who: GitAuthor) => ({
    name: who.name,
    email: who.email,
    timestamp: Math.floor(when.getTime() / 1000),
    timezoneOffset: when.getTimezoneOffset(),
  });
  const oid = await git.writeCommit({
    fs,
    gitdir,
    commit: {
      tree,
      parent: [parent],
      author: signature(options.author),
      committer: signature(options.committer ?? options.author),
      message: options.message,
    },
  });
  return { oid, changedPaths: [...edits.keys()] };
}

/** The bytes of `path` at commit `oid`, or `undefined` when there is no such file. */
export async function readBlobAt(fs: PromiseFsClient, gitdir: string, oid: string, path: string): Promise<Buffer | undefined> {
  try {
    const { blob } = await git.readBlob({ fs, gitdir, oid, filepath: normalizePath(path) });
    return Buffer.from(blob);
  } catch (error) {
    if ((error as { code?: string }).code === 'NotFoundError') return undefined;
    throw error;
  }
}

/**
 * The file `path` names at commit `oid` of a clone, symbolic links followed inside the
 * repository (see `symlinks.ts`); `undefined` when there is no such file.
 *
 * @example await resolveInCommit(fs, gitdir, head, 'images.yml') // { path: 'data/images.yml', viaLink: true }
 */
export async function resolveInCommit(fs: PromiseFsClient, gitdir: string, oid: string, path: string): Promise<ResolvedPath | undefined> {
  const { commit } = await git.readCommit({ fs, gitdir, oid });
  const trees = new Map<string, Map<string, LinkTreeEntry>>();
  return resolveLinks(path, {
    entry: async (dir, name) => {
      let tree = trees.get(dir);
      if (!tree) {
        const read = await git.readTree({ fs, gitdir, oid: commit.tree, ...(dir ? { filepath: dir } : {}) });
        tree = new Map(read.tree.map((e) => [e.path, { mode: e.mode, oid: e.oid }]));
        trees.set(dir, tree);
      }
      return tree.get(name);
    },
    linkText: async (blobOid) => Buffer.from((await git.readBlob({ fs, gitdir, oid: blobOid })).blob).toString('utf8'),
  });
}

/** Rewrites `treeOid` so that each `path -> blobOid` in `edits` is present; returns the new tree's oid. */
async function rewriteTree(fs: PromiseFsClient, gitdir: string, treeOid: string | undefined, edits: ReadonlyMap<string, string>): Promise<string> {
  const entries: TreeEntry[] = treeOid ? (await git.readTree({ fs, gitdir, oid: treeOid })).tree : [];
  const byName = new Map(entries.map((e) => [e.path, e]));
  const subdirs = new Map<string, Map<string, string>>();

  for (const [path, blobOid] of edits) {
    const slash = path.indexOf('/');
    if (slash < 0) {
      const existing = byName.get(path);
      if (existing && existing.type === 'tree') {
        throw new GitError('commit', `cannot write ${path}: a directory of that name exists`);
      }
      // edits go to the file a link names (Checkout.resolvePath); a link is never replaced by a file
      if (existing?.mode === '120000') {
        throw new GitError('commit', `refusing to replace the symbolic link ${path} with a file; write to the file it points to`);
      }
      const mode = existing ? existing.mode : '100644';
      byName.set(path, { mode, path, oid: blobOid, type: 'blob' });
    } else {
      const dir = path.slice(0, slash);
      const sub = subdirs.get(dir) ?? new Map<string, string>();
      sub.set(path.slice(slash + 1), blobOid);
      subdirs.set(dir, sub);
    }
  }
  for (const [dir, sub] of subdirs) {
    const existing = byName.get(dir);
    if (existing && existing.type !== 'tree') {
      throw new GitError('commit', `cannot write into ${dir}/: a file of that name exists`);
    }
    const oid = await rewriteTree(fs, gitdir, existing?.oid, sub);
    byName.set(dir, { mode: '040000', path: dir, oid, type: 'tree' });
  }
  return git.writeTree({ fs, gitdir, tree: [...byName.values()] });
}
