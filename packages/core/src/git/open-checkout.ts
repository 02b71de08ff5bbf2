/**
 * The user's own checkout (the CLI's default when run inside a repository). The commit is
 * built on the local branch tip; only after a successful direct push does the local
 * branch move to it, and the files that changed follow in the working tree and index
 * (see {@link fastForwardLocal}).
 * Files the user has staged or modified are never swept into imgsync's commit.
 */
import { dirname, join } from 'node:path';
import * as git from 'isomorphic-git';
import { Deadline } from '../deadline.js';
import { GitError } from '../errors.js';
import { secretsOf, tokenAuth } from './auth.js';
import { Checkout } from './checkout.js';
import { readBlobAt } from './commit.js';
import { fsPromises, httpWithSignal, resolveIo } from './io.js';
import { splitRemoteUrl } from './remote-url.js';
import { toGitError } from './to-git-error.js';
import type { GitCredentials, GitIo } from './types.js';

export interface OpenCheckoutOptions extends GitCredentials {
  /** Working directory of the checkout (containing `.git`). */
  dir: string;
  /** Remote name; default `origin`. */
  remote?: string;
  /** Overrides the remote's configured URL. */
  url?: string;
  /** Branch to build on; default: the checked-out branch. */
  branch?: string;
  io?: GitIo;
  /** The run's deadline: fetches and pushes stop when it passes. */
  deadline?: Deadline;
}

/**
 * @example
 * const checkout = await openCheckout({ dir: process.cwd(), token });
 */
export async function openCheckout(options: OpenCheckoutOptions): Promise<Checkout> {
  const io = resolveIo(options.io);
  const dir = options.dir;
  const gitdir = join(dir, '.git');
  const remote = options.remote ?? 'origin';
  const step = 'open';
  const branch = options.branch ?? (await git.currentBranch({ fs: io.fs, dir }).catch(() => undefined)) ?? undefined;
  if (!branch) {
    throw new GitError(step, `${dir} is not a git checkout on a branch (detached HEAD or no .git)`);
  }
  const configured = options.url ?? ((await git.getConfig({ fs: io.fs, dir, path: `remote.${remote}.url` })) as string | undefined);
  if (!configured) throw new GitError(step, `${dir} has no remote "${remote}" and no url was given`);
  const split = splitRemoteUrl(configured);
  const credentials = { token: options.token ?? split.token, username: options.username ?? split.username };
  const secrets = secretsOf(credentials);
  try {
    const head = await git.resolveRef({ fs: io.fs, gitdir, ref: `refs/heads/${branch}` });
    const deadline = options.deadline ?? Deadline.none;
    return new Checkout({
      fs: io.fs,
      http: httpWithSignal(io.http, deadline.signal),
      deadline,
      dir,
      gitdir,
      url: split.url,
      remote,
      branch,
      head,
      auth: tokenAuth(credentials),
      secrets,
      temporary: false,
      cleanup: async () => undefined,
    });
  } catch (error) {
    throw toGitError(step, error, { remote: split.url, secrets });
  }
}

/**
 * Refuses to go on when the user has uncommitted changes in a path imgsync is about to
 * commit: after the push the working tree is brought to the new commit, which would
 * overwrite them. Checked before anything is pushed.
 */
export async function assertCleanPaths(checkout: Checkout, paths: readonly string[]): Promise<void> {
  const { fs, dir } = checkout;
  for (const filepath of paths) {
    const status = await git.status({ fs, dir, filepath });
    if (status !== 'unmodified' && status !== 'absent' && status !== '*absent') {
      throw new GitError('commit', `${filepath} has uncommitted changes in ${dir} (${status}); commit or stash them first`);
    }
  }
}

/** Paths of files that differ between two commits (added, changed or deleted). */
export async function changedPathsBetween(checkout: Checkout, from: string, to: string): Promise<string[]> {
  const { fs, gitdir } = checkout;
  const paths: unknown = await git.walk({
    fs,
    gitdir,
    trees: [git.TREE({ ref: from }), git.TREE({ ref: to })],
    map: async (filepath, [a, b]) => {
      if (filepath === '.') return undefined;
      const [typeA, typeB] = [await a?.type(), await b?.type()];
      if (typeA === 'tree' && typeB === 'tree') return (await a!.oid()) === (await b!.oid()) ? null : undefined;
      if (typeA === 'tree' || typeB === 'tree') return filepath;
      return (await a?.oid()) === (await b?.oid()) ? undefined : filepath;
    },
  });
  return (paths as unknown[]).filter((p): p is string => typeof p === 'string');
}

/**
 * After a direct push from a local checkout: moves the local branch from `from` to `to`
 * and, when that branch is checked out, rewrites exactly the files that differ between
 * the two commits in the working tree and the index. Nothing else is touched: the user's
 * other staged or modified files stay as they were ({@link assertCleanPaths} has checked
 * before the push that none of these paths had uncommitted changes).
 */
export async function fastForwardLocal(checkout: Checkout, from: string, to: string): Promise<void> {
  const { fs, dir, gitdir, branch } = checkout;
  const current = await git.currentBranch({ fs, dir });
  const paths = await changedPathsBetween(checkout, from, to);
  await git.writeRef({ fs, gitdir, ref: `refs/heads/${branch}`, value: to, force: true });
  if (current !== branch) return;
  try {
    for (const filepath of paths) {
      const target = join(dir, filepath);
      const bytes = await readBlobAt(fs, gitdir, to, filepath);
      if (bytes) {
        await fsPromises(fs).mkdir(dirname(target), { recursive: true });
        await fsPromises(fs).writeFile(target, bytes);
        await git.add({ fs, dir, filepath });
      } else {
        await fsPromises(fs)
          .unlink(target)
          .catch(() => undefined);
        await git.remove({ fs, dir, filepath });
      }
    }
  } catch (error) {
    throw toGitError('checkout', error, checkout.errorContext());
  }
}
