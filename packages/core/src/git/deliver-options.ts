/**
 * What a delivery is asked to do and what it reports, the same for both ways of
 * delivering (a clone with isomorphic-git, `deliver.ts`; the GitHub API,
 * `github-deliver.ts`), and the deadline rule they share for the one step that changes the
 * remote.
 */
import type { Deadline } from '../deadline.js';
import { DeadlineError } from '../errors.js';
import type { CommitMessageOptions } from './commit-message.js';
import type { GitHubClient } from './github-client.js';
import type { PullRequestResult } from './pull-request.js';
import type { ChangeSummary, EditFunction, GitAuthor, GitCredentials, GitIo } from './types.js';
import type { GitTransport, Workspace } from './workspace.js';

/**
 * `push` commits onto the branch; `pull-request` pushes `imgsync/<name>` and opens or updates a pull request.
 */
export type DeliveryMode = 'push' | 'pull-request';

/** Where to deliver: a remote to clone shallow, or a local checkout directory. */
export type DeliveryTarget = { url: string; branch?: string; dir?: undefined } | { dir: string; remote?: string; url?: string; branch?: string };

/** Where and how `pull-request` mode opens its pull request. */
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

/** How to open a delivery target (see `openTarget` in `lazy.ts`). */
export interface OpenTargetOptions extends GitCredentials {
  target?: DeliveryTarget;
  /** How a `target` with a `url` is opened (see `workspace.ts`); default `auto`. */
  transport?: GitTransport;
  /** The GitHub API base for `transport` (GitHub Enterprise); default from the URL. */
  githubApiUrl?: string;
  /** GitHub API: a target file larger than this is refused from the tree listing, not downloaded. */
  maxFileBytes?: number;
  /** GitHub API: replaces the global `fetch` (tests, proxies). */
  fetch?: typeof fetch;
  io?: GitIo;
  deadline?: Deadline;
}

/**
 * What {@link deliver} takes: where to commit, the edit to make, as whom, and whether to push or open a pull request.
 */
export interface DeliverOptions extends GitCredentials {
  /** Where to commit; or pass an already opened {@link checkout} (left open afterwards). */
  target?: DeliveryTarget;
  /** A clone, a local checkout or a GitHub API workspace, as `openTarget` gives them. */
  checkout?: Workspace;
  /** How a `target` with a `url` is opened (see `workspace.ts`); default `auto`. */
  transport?: GitTransport;
  /** The GitHub API base for `transport` (GitHub Enterprise); default from the URL. */
  githubApiUrl?: string;
  /** Replaces the global `fetch` for the GitHub API workspace (tests, proxies). */
  fetch?: typeof fetch;
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

/**
 * Runs `push` (the step that moves a branch on the remote) if the deadline leaves
 * {@link PUSH_RESERVE_MS} for it. A push cut off in flight is reported as such: the server
 * may have taken it just before the cut.
 */
export async function pushWithinDeadline(deadline: Deadline, during: string, branch: string, push: () => Promise<void>): Promise<void> {
  deadline.check(during);
  if (deadline.remaining() < PUSH_RESERVE_MS) {
    throw new DeadlineError(
      `time budget: ${Math.round(deadline.remaining())} ms left, less than the ${PUSH_RESERVE_MS} ms a push may need; not pushed to ${branch}`,
      'deadline',
      during,
    );
  }
  try {
    await push();
  } catch (error) {
    if (!deadline.stopped) throw error;
    const cut = deadline.error(during);
    throw new DeadlineError(`${cut.message}: the push was cut off in flight; ${branch} on the remote may or may not have moved`, cut.reason, during);
  }
}

/** What {@link deliver} did: the commit and branch, whether it was pushed, and the pull request. */
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
