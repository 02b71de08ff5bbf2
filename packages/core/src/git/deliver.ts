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
import { Deadline } from '../deadline.js';
import { DeadlineError, GitError, stripUrlCredentials } from '../errors.js';
import { secretsOf } from './auth.js';
import { type Checkout } from './checkout.js';
import { cloneShallow } from './clone.js';
import { buildBody, buildCommitMessage, buildSubject, notesSection, type CommitMessageOptions } from './commit-message.js';
import { commitFiles } from './commit.js';
import { createGitHubClient, parseGitHubUrl, type GitHubClient } from './github-client.js';
import { resolveIo } from './io.js';
import { assertCleanPaths, changedPathsBetween, fastForwardLocal, openCheckout } from './open-checkout.js';
import { upsertPullRequest, type PullRequestResult } from './pull-request.js';
import { NO_TOKEN } from './to-git-error.js';
import type { ChangeSummary, EditFunction, GitAuthor, GitCredentials, GitIo } from './types.js';

export type DeliveryMode = 'push' | 'pull-request';

/** Where to deliver: a remote to clone shallow, or a local checkout directory. */
export type DeliveryTarget =
  | { url: string; branch?: string; dir?: undefined }
  | { dir: string; remote?: string; url?: string; branch?: string };

export interface PullRequestSettings {
  /** Head branch; default `imgsync/<name>`, `name` defaulting to the base branch. */
  branch?: string;
  /** Target name used in the default head branch. */
  name?: string;
  /** Default: from the remote URL. */
  owner?: string;
  repo?: string;
  /** REST API base; default from the URL: `https://api.github.com` or `https://HOST/api/v3`. */
  apiBaseUrl?: string;
  /** Token for the REST API; default the git token. */
  token?: string;
  /** Default: the commit subject. */
  title?: string;
  /** Injected `fetch` for Octokit (tests, proxies). */
  fetch?: typeof fetch;
  /** A ready client (overrides token/apiBaseUrl/fetch). */
  github?: GitHubClient;
}

export interface DeliverOptions extends GitCredentials {
  /** Where to commit; or pass an already opened {@link checkout} (left open afterwards). */
  target?: DeliveryTarget;
  checkout?: Checkout;
  edit: EditFunction;
  author: GitAuthor;
  committer?: GitAuthor;
  message?: CommitMessageOptions;
  /** `push` (default): commit onto the branch. `pull-request`: push `imgsync/<target>`, open/update a PR. */
  mode?: DeliveryMode;
  pullRequest?: PullRequestSettings;
  /** Attempts when pushes lose races; default 4. */
  maxAttempts?: number;
  io?: GitIo;
  /**
   * The run's deadline (an opened {@link checkout} brings its own). Clone, fetch, push and
   * the GitHub API stop when it passes, with a `DeadlineError`; no push starts with less
   * than {@link PUSH_RESERVE_MS} left, so that a push is not cut off after the server took it.
   */
  deadline?: Deadline;
}

/** Least time left for a push to start. */
export const PUSH_RESERVE_MS = 2_000;

export interface DeliverResult {
  /** The changes committed (of the last attempt); empty on a no-op run. */
  changes: ChangeSummary[];
  /** The commit made, or `undefined` when nothing changed. */
  commit: string | undefined;
  /** The branch the commit went to (`imgsync/…` in pull-request mode). */
  branch: string;
  pushed: boolean;
  /** Paths whose content changed. */
  files: string[];
  /** Edit/commit/push rounds (more than 1 after lost races). */
  attempts: number;
  pullRequest?: PullRequestResult;
}

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
  const checkout = options.checkout ?? (await openTarget(options));
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
export async function openTarget(options: { target?: DeliveryTarget; io?: GitIo; deadline?: Deadline } & GitCredentials): Promise<Checkout> {
  const { target, io, token, username, deadline } = options;
  if (!target) throw new GitError('open', 'no target: pass target { url } or { dir }, or an open checkout');
  if (target.dir !== undefined) {
    return openCheckout({ dir: target.dir, remote: target.remote, url: target.url, branch: target.branch, token, username, io, deadline });
  }
  return cloneShallow({ url: target.url, branch: target.branch, token, username, io, deadline });
}

/**
 * Pushes `oid` to `remoteBranch` if the deadline leaves time for it. A push cut off in
 * flight is reported as such: the server may have taken it just before the cut.
 */
async function pushWithin(checkout: Checkout, oid: string, remoteBranch: string, force: boolean): Promise<void> {
  const { deadline } = checkout;
  const during = `git push to ${remoteBranch} of ${stripUrlCredentials(checkout.url)}`;
  deadline.check(during);
  if (deadline.remaining() < PUSH_RESERVE_MS) {
    throw new DeadlineError(
      `time budget: ${Math.round(deadline.remaining())} ms left, less than the ${PUSH_RESERVE_MS} ms a push may need; not pushed to ${remoteBranch}`,
      'deadline',
      during,
    );
  }
  try {
    await checkout.pushCommit(oid, remoteBranch, force);
  } catch (error) {
    if (!deadline.stopped) throw error;
    const cut = deadline.error(during);
    throw new DeadlineError(`${cut.message}: the push was cut off in flight; ${remoteBranch} on the remote may or may not have moved`, cut.reason, during);
  }
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
        throw new GitError(
          'push',
          `rejected ${attempt} times: ${branch} kept moving while imgsync pushed; run again later`,
          checkout.errorContext(),
        );
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

function pullRequestBody(changes: readonly ChangeSummary[], notes: readonly string[] = []): string {
  return `imgsync found these image changes:\n\n${buildBody(changes)}\n${notesSection(notes)}\nThis branch is rebuilt from the base branch on every run; edits pushed to it are overwritten.\n`;
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
      throw new GitError(
        'push',
        `local ${checkout.branch} and the remote have diverged; pull (or rebase) first`,
        checkout.errorContext(),
      );
    }
  }
  checkout.head = tip;
}
