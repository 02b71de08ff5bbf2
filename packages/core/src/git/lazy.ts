/**
 * The git operations, loaded on first use. isomorphic-git is most of what importing
 * `@imgsync/core` used to cost (122 ms of 265 ms, and most of the files), yet only a run
 * with a `git:` section (or `--push`) needs it: through these wrappers, `imgsync --version`
 * and a run that edits the working tree load no git code at all, and the first git
 * operation of a run loads it once. Each wrapper has the signature of the function it
 * stands for.
 *
 * Here too the transport is chosen (`workspace.ts`): a target read and written through
 * the GitHub API loads neither isomorphic-git nor Octokit (only pull-request mode loads
 * Octokit, for the pull request itself).
 */
import type { DeliverOptions, DeliverResult, OpenTargetOptions } from './deliver-options.js';
import type * as Operations from './operations.js';
import { chooseTransport, requireApiBase, type Workspace } from './workspace.js';

let loading: Promise<typeof Operations> | undefined;
const operations = () => (loading ??= import('./operations.js'));

/**
 * Commits an edit and pushes it (or opens a pull request), through whichever workspace
 * `checkout` is, or one opened for `target` by {@link openTarget} (and closed after).
 * See `deliver.ts` (a clone) and `github-deliver.ts` (the GitHub API).
 *
 * @example await deliver({ target: { url }, token, author, edit })
 */
export async function deliver(options: DeliverOptions): Promise<DeliverResult> {
  const workspace = options.checkout ?? (await openTarget(options));
  try {
    if (workspace.kind === 'github-api') {
      const { deliverThroughApi } = await import('./github-deliver.js');
      return await deliverThroughApi(workspace as import('./github-workspace.js').GitHubWorkspace, options);
    }
    return await (await operations()).deliver({ ...options, checkout: workspace });
  } finally {
    if (!options.checkout) await workspace.close();
  }
}

/**
 * Opens a delivery target: a GitHub API workspace when `transport` says so (`auto`: a
 * github.com URL, or a GitHub Enterprise URL with its `githubApiUrl`), else a shallow temp
 * clone for `{ url }` and the checkout itself for `{ dir }`. Close it with `close()`.
 *
 * A repository too big for one GitHub tree listing is cloned instead when `transport` is
 * `auto`; with `github-api` it is an error that says to use `clone`.
 *
 * @example const workspace = await openTarget({ target: { url }, token })
 */
export async function openTarget(options: OpenTargetOptions): Promise<Workspace> {
  const { target, transport = 'auto' } = options;
  if (
    target &&
    target.dir === undefined &&
    chooseTransport({ url: target.url, transport, ...(options.githubApiUrl && { githubApiUrl: options.githubApiUrl }) }) === 'github-api'
  ) {
    const api = await import('./github-workspace.js');
    try {
      return await api.openGitHubWorkspace({
        url: target.url,
        ...(target.branch && { branch: target.branch }),
        apiBaseUrl: requireApiBase(target.url, options.githubApiUrl),
        ...(options.token !== undefined && { token: options.token }),
        ...(options.username !== undefined && { username: options.username }),
        ...(options.maxFileBytes !== undefined && { maxFileBytes: options.maxFileBytes }),
        ...(options.deadline && { deadline: options.deadline }),
        ...(options.fetch && { fetch: options.fetch }),
      });
    } catch (error) {
      if (!(error instanceof api.TreeTruncatedError) || transport !== 'auto') throw error;
    }
  }
  return (await operations()).openTarget(options);
}

/** See `clone.ts`. @example const checkout = await cloneShallow({ url, token }) */
export async function cloneShallow(...args: Parameters<typeof Operations.cloneShallow>): ReturnType<typeof Operations.cloneShallow> {
  return (await operations()).cloneShallow(...args);
}

/** See `open-checkout.ts`. @example const checkout = await openCheckout({ dir: '.', token }) */
export async function openCheckout(...args: Parameters<typeof Operations.openCheckout>): ReturnType<typeof Operations.openCheckout> {
  return (await operations()).openCheckout(...args);
}

/** See `commit.ts`. @example await commitFiles({ fs, dir, files, author, message }) */
export async function commitFiles(...args: Parameters<typeof Operations.commitFiles>): ReturnType<typeof Operations.commitFiles> {
  return (await operations()).commitFiles(...args);
}
