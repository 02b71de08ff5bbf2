/**
 * The GitHub REST client: Octokit with the retry plugin (server errors, with backoff) and
 * the throttling plugin (primary and secondary rate limits, honouring `Retry-After`).
 * Silent: core never prints, so Octokit's default console logger is replaced.
 *
 * Octokit is loaded on first use: only the pull-request mode needs it, and loading it
 * up front would cost every run (and every Lambda cold start) its start-up time.
 */
import type { Octokit } from '@octokit/rest';
import { Deadline } from '../deadline.js';
import { GitError } from '../errors.js';

/** An Octokit REST client (the plugins add behaviour, not methods). */
export type GitHubClient = Octokit;

export interface GitHubClientOptions {
  token: string;
  /** `https://api.github.com` (default), or `https://HOST/api/v3` for GitHub Enterprise Server. */
  baseUrl?: string;
  /** Replaces the global `fetch` (tests, proxies). */
  fetch?: typeof fetch;
  /** Retries of a rate-limited request before giving up; default 2. */
  rateLimitRetries?: number;
  /**
   * The run's deadline: requests stop when it passes, a rate limit is waited out only when
   * the wait fits in the time left, and server errors are retried only as often as their
   * back-off (1 s, 4 s, 9 s) fits.
   */
  deadline?: Deadline;
}

/** plugin-retry's back-off before retry `n` (0-based): (n + 1)² seconds. */
const retryWaitMs = (n: number) => (n + 1) ** 2 * 1000;
const MAX_SERVER_RETRIES = 3;

const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

/**
 * @example
 * const github = await createGitHubClient({ token, baseUrl: 'https://ghe.example.com/api/v3' });
 */
export async function createGitHubClient(options: GitHubClientOptions): Promise<GitHubClient> {
  const [{ Octokit: Rest }, { retry }, { throttling }] = await Promise.all([
    import('@octokit/rest'),
    import('@octokit/plugin-retry'),
    import('@octokit/plugin-throttling'),
  ]);
  const RetryingOctokit = Rest.plugin(retry, throttling);
  const retries = options.rateLimitRetries ?? 2;
  const deadline = options.deadline ?? Deadline.none;
  const baseFetch = options.fetch ?? ((input: Parameters<typeof fetch>[0], init?: RequestInit) => fetch(input, init));
  const fetchWithin: typeof fetch = (input, init) =>
    baseFetch(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, deadline.signal]) : deadline.signal });
  const fits = (afterSeconds: number) => afterSeconds * 1000 < deadline.remaining();
  // as many server-error retries as their back-off fits in the time left now, so that no
  // retry timer outlives the deadline by much (the calls themselves stop at it)
  let serverRetries = 0;
  for (let total = 0; serverRetries < MAX_SERVER_RETRIES && (total += retryWaitMs(serverRetries)) < deadline.remaining(); serverRetries++);
  const octokit = new RetryingOctokit({
    retry: { retries: serverRetries },
    auth: options.token,
    baseUrl: (options.baseUrl ?? 'https://api.github.com').replace(/\/+$/, ''),
    userAgent: 'imgsync',
    log: silent,
    request: { fetch: fetchWithin },
    throttle: {
      onRateLimit: (after: number, _options: unknown, _octokit: unknown, retryCount: number) => retryCount < retries && fits(after),
      onSecondaryRateLimit: (after: number, _options: unknown, _octokit: unknown, retryCount: number) => retryCount < retries && fits(after),
    },
  });
  return octokit;
}

export interface GitHubRepo {
  owner: string;
  repo: string;
  /** REST API base URL guessed from the host: api.github.com, or `/api/v3` on Enterprise. */
  apiBaseUrl: string;
}

/**
 * `owner`/`repo` and the API base from a clone URL.
 *
 * @example
 * parseGitHubUrl('https://github.com/lablup/backend.ai.git')
 * // { owner: 'lablup', repo: 'backend.ai', apiBaseUrl: 'https://api.github.com' }
 */
export function parseGitHubUrl(url: string): GitHubRepo {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new GitError('pull-request', `cannot tell owner/repo from ${url}; pass owner and repo`);
  }
  const parts = parsed.pathname
    .replace(/\.git\/?$/, '')
    .split('/')
    .filter(Boolean);
  if (parts.length < 2) {
    throw new GitError('pull-request', `cannot tell owner/repo from ${url}; pass owner and repo`);
  }
  const [owner, repo] = parts.slice(-2) as [string, string];
  const apiBaseUrl =
    parsed.hostname === 'github.com' || parsed.hostname === 'www.github.com' ? 'https://api.github.com' : `${parsed.protocol}//${parsed.host}/api/v3`;
  return { owner, repo, apiBaseUrl };
}
