/**
 * Opens the pull request for an `imgsync/<target>` branch, or updates the one imgsync
 * already opened, so repeated runs never create duplicates: list open pull requests whose
 * head is `owner:branch`; update the first; otherwise create one. If creating answers 422
 * "A pull request already exists" (another run won the race, or the list was stale), list
 * again and update that one.
 *
 * Endpoints used (GitHub REST): `GET /repos/{owner}/{repo}/pulls?head=&base=&state=open`,
 * `POST /repos/{owner}/{repo}/pulls`, `PATCH /repos/{owner}/{repo}/pulls/{pull_number}`.
 */
import { GitError } from '../errors.js';
import type { GitHubClient } from './github-client.js';
import { toGitError } from './to-git-error.js';

export interface UpsertPullRequestOptions {
  github: GitHubClient;
  owner: string;
  repo: string;
  /** Branch with imgsync's commit, in the same repository. */
  head: string;
  /** Branch to merge into. */
  base: string;
  title: string;
  body: string;
  /** Redacted from error messages. */
  secrets?: readonly string[];
}

export interface PullRequestResult {
  number: number;
  url: string;
  action: 'created' | 'updated';
}

/**
 * @example
 * const pr = await upsertPullRequest({ github, owner: 'lablup', repo: 'backend.ai',
 *   head: 'imgsync/main', base: 'main', title, body });
 * // { number: 42, url: 'https://github.com/lablup/backend.ai/pull/42', action: 'created' }
 */
export async function upsertPullRequest(options: UpsertPullRequestOptions): Promise<PullRequestResult> {
  const { github, owner, repo, head, base, title, body } = options;
  const context = { remote: `${owner}/${repo}`, secrets: options.secrets ?? [] };
  try {
    const existing = await findOpen(options);
    if (existing) return await update(options, existing);
    try {
      const { data } = await github.rest.pulls.create({ owner, repo, head, base, title, body });
      return { number: data.number, url: data.html_url, action: 'created' };
    } catch (error) {
      if (!isAlreadyExists(error)) throw error;
      const raced = await findOpen(options);
      if (!raced) {
        throw new GitError('pull-request', `GitHub says a pull request from ${head} exists but lists none open`, context);
      }
      return await update(options, raced);
    }
  } catch (error) {
    throw toGitError('pull-request', error, context);
  }
}

async function findOpen(options: UpsertPullRequestOptions): Promise<number | undefined> {
  const { github, owner, repo, head, base } = options;
  const { data } = await github.rest.pulls.list({ owner, repo, head: `${owner}:${head}`, base, state: 'open', per_page: 10 });
  return data.find((pr) => pr.head.ref === head)?.number;
}

async function update(options: UpsertPullRequestOptions, pullNumber: number): Promise<PullRequestResult> {
  const { github, owner, repo, title, body } = options;
  const { data } = await github.rest.pulls.update({ owner, repo, pull_number: pullNumber, title, body });
  return { number: data.number, url: data.html_url, action: 'updated' };
}

/** GitHub's 422 for a duplicate: `errors[].message` "A pull request already exists for o:b." */
function isAlreadyExists(error: unknown): boolean {
  const e = error as { status?: number; response?: { data?: { errors?: { message?: string }[] } }; message?: string };
  if (e.status !== 422) return false;
  const messages = [e.message ?? '', ...(e.response?.data?.errors ?? []).map((x) => x.message ?? '')];
  return messages.some((m) => /pull request already exists/i.test(m));
}
