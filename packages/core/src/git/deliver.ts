/**
 * Delivers an edit: open the target (shallow temp clone or local checkout), let the
 * engine compute the new file contents, commit only those files, push, and in
 * `pull-request` mode open or update the pull request.
 *
 * Races: when a direct push is rejected because the branch moved (another run, a person),
 * the branch is fetched again and `edit` is called again on the new contents, up to
 * `maxAttempts` times; then a {@link GitError}. Nothing is left behind by a failed
 * attempt: commits are built from trees (no index, no working tree) and pushed from a
 * private ref, and a local branch only moves after a successful push.
 *
 * No change -> no commit, no push, no pull request.
 */
import * as git from 'isomorphic-git';
import { DeadlineError, GitError, stripUrlCredentials } from '../errors.js';
import { secretsOf } from './auth.js';
import { type Checkout } from './checkout.js';
import { cloneShallow } from './clone.js';
import { buildCommitMessage, buildSubject, pullRequestBody } from './commit-message.js';
import { commitFiles } from './commit.js';
import { createGitHubClient, parseGitHubUrl } from './github-client.js';
import { resolveIo } from './io.js';
import { assertCleanPaths, changedPathsBetween, fastForwardLocal, openCheckout } from './open-checkout.js';
import { upsertPullRequest } from './pull-request.js';
import { NO_TOKEN } from './to-git-error.js';
import { pushWithinDeadline, type DeliverOptions, type DeliverResult, type OpenTargetOptions } from './deliver-options.js';

export { PUSH_RESERVE_MS } from './deliver-options.js';
export type { DeliverOptions, DeliverResult, DeliveryMode, DeliveryTarget, OpenTargetOptions, PullRequestSettings } from './deliver-options.js';

/**
 * @example
 * const result = await deliver({
 *   target: { url: 'https://github.com/lablup/backend.ai', branch: 'main' },
 *   token: process.env.GITHUB_TOKEN,
 *   author: { name: 'imgsync', email: 'imgsync@users.noreply.github.com' },
 *   edit: async (read) => planAndApply(await read('image-metadata.yml')),
 * });
 * // { commit: '3f2a…', branch: 'main', pushed: true, changes: [...], files: ['image-metadata.yml'], attempts: 1 }
 */
export async function deliver(options: DeliverOptions): Promise<DeliverResult> {
  if (options.checkout && options.checkout.kind !== 'git') {
    throw new GitError('deliver', 'a GitHub API workspace is delivered by github-deliver.ts (use deliver from the package, which picks)');
  }
  const checkout = (options.checkout as Checkout | undefined) ?? (await openTarget(options));
  try {
    return options.mode === 'pull-request' ? await deliverPullRequest(checkout, options) : await deliverPush(checkout, options);
  } finally {
    if (!options.checkout) await checkout.close();
  }
}

/**
 * Opens a delivery target for reading and committing: a shallow temp clone for `{ url }`,
 * the checkout itself for `{ dir }`. Close it with `checkout.close()`.
 *
 * @example
 * const checkout = await openTarget({ target: { url }, token });
 * const text = await checkout.read('image-metadata.yml');
 * await checkout.close();
 */
export async function openTarget(options: OpenTargetOptions): Promise<Checkout> {
  const { target, io, token, username, deadline } = options;
  if (!target) throw new GitError('open', 'no target: pass target { url } or { dir }, or an open checkout');
  if (target.dir !== undefined) {
    return openCheckout({ dir: target.dir, remote: target.remote, url: target.url, branch: target.branch, token, username, io, deadline });
  }
  return cloneShallow({ url: target.url, branch: target.branch, token, username, io, deadline });
}

/** Pushes `oid` to `remoteBranch` if the deadline leaves time for it (see {@link pushWithinDeadline}). */
async function pushWithin(checkout: Checkout, oid: string, remoteBranch: string, force: boolean): Promise<void> {
  const during = `git push to ${remoteBranch} of ${stripUrlCredentials(checkout.url)}`;
  await pushWithinDeadline(checkout.deadline, during, remoteBranch, () => checkout.pushCommit(oid, remoteBranch, force));
}

async function deliverPush(checkout: Checkout, options: DeliverOptions): Promise<DeliverResult> {
  const maxAttempts = Math.max(1, options.maxAttempts ?? 4);
  const now = resolveIo(options.io).now;
  const branch = checkout.branch;
  const localHead = checkout.head;
  for (let attempt = 1; ; attempt++) {
    const edited = await options.edit(checkout.read);
    const made = await commitFiles({
      fs: checkout.fs,
      gitdir: checkout.gitdir,
      parent: checkout.head,
      files: edited.files,
      message: buildCommitMessage(edited.changes, options.message, edited.notes),
      author: options.author,
      committer: options.committer,
      now: now(),
    });
    if (!made) return { changes: [], commit: undefined, branch, pushed: false, files: [], attempts: attempt };
    if (!checkout.temporary) await assertCleanPaths(checkout, await changedPathsBetween(checkout, localHead, made.oid));

    try {
      await pushWithin(checkout, made.oid, branch, false);
    } catch (error) {
      if (error instanceof DeadlineError) throw error;
      if (!(await lostRace(checkout, error))) throw checkout.stoppedOr('push', error);
      if (attempt >= maxAttempts) {
        throw new GitError('push', `rejected ${attempt} times: ${branch} kept moving while imgsync pushed; run again later`, checkout.errorContext());
      }
      await moveToRemoteTip(checkout);
      continue;
    }
    if (!checkout.temporary) await fastForwardLocal(checkout, localHead, made.oid);
    return {
      changes: edited.changes,
      commit: made.oid,
      branch,
      pushed: true,
      files: made.changedPaths,
      attempts: attempt,
    };
  }
}

async function deliverPullRequest(checkout: Checkout, options: DeliverOptions): Promise<DeliverResult> {
  const settings = options.pullRequest ?? {};
  const base = checkout.branch;
  const head = settings.branch ?? `imgsync/${settings.name ?? base}`;
  if (head === base) throw new GitError('pull-request', `the pull-request branch cannot be the base branch ${base}`);
  const edited = await options.edit(checkout.read);
  const message = buildCommitMessage(edited.changes, options.message, edited.notes);
  const made = await commitFiles({
    fs: checkout.fs,
    gitdir: checkout.gitdir,
    parent: checkout.head,
    files: edited.files,
    message,
    author: options.author,
    committer: options.committer,
    now: resolveIo(options.io).now(),
  });
  if (!made) return { changes: [], commit: undefined, branch: head, pushed: false, files: [], attempts: 1 };

  try {
    // Force: the branch is imgsync's own, rebuilt from the base tip on every run.
    await pushWithin(checkout, made.oid, head, true);
  } catch (error) {
    if (error instanceof DeadlineError) throw error;
    throw checkout.stoppedOr('push', error);
  }

  const fromUrl = settings.owner && settings.repo ? undefined : parseGitHubUrl(checkout.url);
  const owner = settings.owner ?? fromUrl!.owner;
  const repo = settings.repo ?? fromUrl!.repo;
  const token = settings.token ?? options.token;
  if (!settings.github && !token) throw new GitError('pull-request', `${NO_TOKEN}; opening a pull request needs one (${head} was pushed)`);
  const { deadline } = checkout;
  const github =
    settings.github ??
    (await createGitHubClient({
      token: token!,
      baseUrl: settings.apiBaseUrl ?? fromUrl?.apiBaseUrl ?? parseGitHubUrl(checkout.url).apiBaseUrl,
      fetch: settings.fetch,
      deadline,
    }));
  const pullRequest = await deadline.race(
    upsertPullRequest({
      github,
      owner,
      repo,
      head,
      base,
      title: settings.title ?? buildSubject(edited.changes, options.message),
      body: pullRequestBody(edited.changes, edited.notes),
      secrets: [...checkout.secrets, ...secretsOf({ token })],
    }),
    `the pull request from ${head} (${head} was pushed)`,
  );
  return {
    changes: edited.changes,
    commit: made.oid,
    branch: head,
    pushed: true,
    files: made.changedPaths,
    attempts: 1,
    pullRequest,
  };
}

/**
 * Was the push refused because the remote branch moved? Client side, isomorphic-git says
 * so (`not-fast-forward`); server side (the branch moved between discovery and upload) the
 * reply's wording varies by server, so the remote tip is asked for and compared.
 */
async function lostRace(checkout: Checkout, error: unknown): Promise<boolean> {
  const code = (error as { code?: string }).code;
  if (code === 'PushRejectedError') return (error as { data?: { reason?: string } }).data?.reason === 'not-fast-forward';
  if (code !== 'GitPushError') return false;
  const tip = await checkout.remoteTip(checkout.branch);
  return tip !== undefined && tip !== checkout.head;
}

/** Fetches the branch again and builds on its new tip; a local branch must not have diverged. */
async function moveToRemoteTip(checkout: Checkout): Promise<void> {
  const tip = await checkout.fetchBranch();
  if (!checkout.temporary && tip !== checkout.head) {
    const behind = await git.isDescendent({ fs: checkout.fs, gitdir: checkout.gitdir, oid: tip, ancestor: checkout.head, depth: -1 });
    if (!behind) {
      throw new GitError('push', `local ${checkout.branch} and the remote have diverged; pull (or rebase) first`, checkout.errorContext());
    }
  }
  checkout.head = tip;
}
