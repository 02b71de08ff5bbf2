/**
 * The user's own checkout (the CLI's default when run inside a repository). The commit is
 * built on the local branch tip; only after a successful direct push does the local
 * branch move to it, and the working tree and index follow (see {@link fastForwardLocal}).
 * Files the user has staged or modified are never swept into imgsync's commit.
 */
import { join } from 'node:path';
import * as git from 'isomorphic-git';
import { GitError } from '../errors.js';
import { secretsOf, tokenAuth } from './auth.js';
import { Checkout } from './checkout.js';
import { resolveIo } from './io.js';
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
  const branch = options.branch ?? (await git.currentBranch({ fs: io.fs, dir }).catch(() => undefined));
  if (!branch) {
    throw new GitError(step, `${dir} is not a git checkout on a branch (detached HEAD or no .git)`);
  }
  const configured: string | undefined = options.url ?? (await git.getConfig({ fs: io.fs, dir, path: `remote.${remote}.url` }));
  if (!configured) throw new GitError(step, `${dir} has no remote "${remote}" and no url was given`);
  const split = splitRemoteUrl(configured);
  const credentials = { token: options.token ?? split.token, username: options.username ?? split.username };
  const secrets = secretsOf(credentials);
  try {
    const head = await git.resolveRef({ fs: io.fs, gitdir, ref: `refs/heads/${branch}` });
    return new Checkout({
      fs: io.fs,
      http: io.http,
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
      throw new GitError(
        'commit',
        `${filepath} has uncommitted changes in ${dir} (${status}); commit or stash them first`,
      );
    }
  }
}

/**
 * After a direct push from a local checkout: moves the local branch to `to` and, when
 * that branch is checked out, brings the index and working tree along (isomorphic-git's
 * checkout refuses to overwrite uncommitted changes; the branch is then put back).
 */
export async function fastForwardLocal(checkout: Checkout, to: string): Promise<void> {
  const { fs, dir, gitdir, branch } = checkout;
  const ref = `refs/heads/${branch}`;
  const from = await git.resolveRef({ fs, gitdir, ref });
  const current = await git.currentBranch({ fs, dir });
  await git.writeRef({ fs, gitdir, ref, value: to, force: true });
  if (current !== branch) return;
  try {
    await git.checkout({ fs, dir, ref: branch, noUpdateHead: true });
  } catch (error) {
    await git.writeRef({ fs, gitdir, ref, value: from, force: true });
    throw toGitError('checkout', error, checkout.errorContext());
  }
}
