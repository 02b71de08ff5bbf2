/**
 * A throw-away clone: one branch, `depth: 1`, no tags, no working tree (commits are built
 * from trees, see `commit.ts`), in a fresh directory under the temp dir that
 * {@link Checkout.close} removes. On a repository with long history this transfers one
 * snapshot instead of every commit (see `bench/RESULTS.md`). Clones that killed runs left
 * in the same temp directory are removed first (see `io.ts`).
 */
import { join } from 'node:path';
import * as git from 'isomorphic-git';
import { Deadline } from '../deadline.js';
import { stripUrlCredentials } from '../errors.js';
import { secretsOf, tokenAuth } from './auth.js';
import { Checkout } from './checkout.js';
import { httpWithSignal, makeTempDir, removeStaleClones, removeTree, resolveIo } from './io.js';
import { splitRemoteUrl } from './remote-url.js';
import { toGitError } from './to-git-error.js';
import type { GitCredentials, GitIo } from './types.js';

export interface CloneOptions extends GitCredentials {
  /** `https://host/owner/repo(.git)`; credentials in it are moved to `onAuth`. */
  url: string;
  /** Branch to clone; default: the remote's default branch. */
  branch?: string;
  /** History depth; default 1. `Infinity`/`0` clones everything (benchmarks only). */
  depth?: number;
  io?: GitIo;
  /** The run's deadline: the clone, and later fetches and pushes, stop when it passes. */
  deadline?: Deadline;
}

/**
 * @example
 * const checkout = await cloneShallow({ url: 'https://github.com/lablup/backend.ai', token });
 * try { console.log(await checkout.read('image-metadata.yml')); } finally { await checkout.close(); }
 */
export async function cloneShallow(options: CloneOptions): Promise<Checkout> {
  const io = resolveIo(options.io);
  const deadline = options.deadline ?? Deadline.none;
  const http = httpWithSignal(io.http, deadline.signal);
  const split = splitRemoteUrl(options.url);
  const credentials = { token: options.token ?? split.token, username: options.username ?? split.username };
  const secrets = secretsOf(credentials);
  const auth = tokenAuth(credentials);
  const during = `git clone ${stripUrlCredentials(split.url)}`;
  deadline.check(during);
  await removeStaleClones(io);
  const dir = await makeTempDir(io);
  const gitdir = join(dir, '.git');
  const depth = options.depth === undefined ? 1 : options.depth > 0 && Number.isFinite(options.depth) ? options.depth : undefined;
  try {
    await git.clone({
      fs: io.fs,
      http,
      dir,
      url: split.url,
      ...(options.branch ? { ref: options.branch } : {}),
      singleBranch: true,
      ...(depth ? { depth } : {}),
      noCheckout: true,
      noTags: true,
      ...auth,
    });
    const branch = options.branch ?? (await git.currentBranch({ fs: io.fs, gitdir }));
    if (!branch) throw new Error('the remote has no default branch');
    const head = await git.resolveRef({ fs: io.fs, gitdir, ref: `refs/remotes/origin/${branch}` });
    return new Checkout({
      fs: io.fs,
      http,
      deadline,
      dir,
      gitdir,
      url: split.url,
      remote: 'origin',
      branch,
      head,
      auth,
      secrets,
      temporary: true,
      cleanup: () => removeTree(io.fs, dir),
    });
  } catch (error) {
    await removeTree(io.fs, dir);
    if (deadline.stopped) throw deadline.error(during);
    throw toGitError('clone', error, { remote: split.url, secrets });
  }
}
