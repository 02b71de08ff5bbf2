/**
 * A small client for the GitHub REST API's git data endpoints (refs, commits, trees,
 * blobs), on `fetch`. The pull-request calls keep Octokit (`github-client.ts`); these do
 * not, because reading a repository must hold no more than what is read:
 *
 * - every body is read within a limit known before the request (a blob: its size from
 *   the tree; JSON: {@link JSON_LIMIT} or {@link TREE_LIMIT}), so a lying or endless
 *   answer fails after that many bytes instead of filling the heap;
 * - blobs come raw (`Accept: application/vnd.github.raw+json`), not as base64 inside JSON,
 *   so one blob costs its bytes and the text made of them.
 *
 * Every request carries the run's deadline and a per-request timeout capped by it. Server
 * errors (5xx) are retried with the back-off GitHub's own clients use ((n+1)² s) and rate
 * limits (429, or 403 with `retry-after` / `x-ratelimit-remaining: 0`) are waited out, each
 * only when the wait fits in the time left; writes go out one at a time per process (GitHub
 * asks integrations not to write concurrently). Redirects are not followed: the token is
 * sent to the API host only, and a moved repository is named as such.
 *
 * Errors are {@link GitError}s naming the phase, the API URL of the repository, the HTTP
 * status and what the server said, with the token redacted; the token itself travels only
 * in the `Authorization` header.
 */
import { Deadline } from '../deadline.js';
import { GitError, redactSecrets } from '../errors.js';
import { hostOf, networkCause } from '../network-cause.js';
import { readBoundedBody } from '../bounded-body.js';
import { NO_TOKEN } from './to-git-error.js';

/** JSON answers other than trees: a ref, a commit, a created object. */
export const JSON_LIMIT = 1024 * 1024;
/** A recursive tree listing: GitHub stops at 100,000 entries or 7 MB and says `truncated`. */
export const TREE_LIMIT = 32 * 1024 * 1024;
/** Per-request timeout, capped by the deadline. */
export const REQUEST_TIMEOUT_MS = 60_000;
const SERVER_RETRIES = 3;
const RATE_LIMIT_RETRIES = 2;
/** A rate limit asking for a longer wait than this is an error, deadline or not. */
const MAX_RATE_LIMIT_WAIT_MS = 60_000;

export interface GitHubRestOptions {
  /** `https://api.github.com`, `https://HOST/api/v3`. */
  apiBaseUrl: string;
  owner: string;
  repo: string;
  token?: string;
  /** Every form of the token (`secretsOf`), redacted from messages. */
  secrets: readonly string[];
  deadline?: Deadline;
  /** Replaces the global `fetch` (tests, proxies). */
  fetch?: typeof fetch;
  /** Sleep for back-off and rate-limit waits (given the deadline's signal); default a timer. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export interface RestRequest {
  /** What the run was doing, for messages: `open`, `list files`, `read`, `commit`, `push`. */
  phase: string;
  method: 'GET' | 'POST' | 'PATCH';
  /** Below `/repos/{owner}/{repo}/`, e.g. `git/ref/heads/main`. */
  path: string;
  body?: unknown;
  /** Most bytes of the answer read; default {@link JSON_LIMIT}. */
  limit?: number;
  /** `raw`: the answer's bytes (blobs); default JSON. */
  accept?: 'json' | 'raw';
  /** Statuses returned to the caller instead of thrown (404 for "no such ref", 422 for a lost race). */
  allow?: readonly number[];
}

export interface RestResponse<T> {
  status: number;
  data: T;
  /** GitHub's `message` on an error answer. */
  message: string | undefined;
}

/** Writes of this process, one at a time (see the module comment). */
let writes: Promise<unknown> = Promise.resolve();

export class GitHubRest {
  readonly apiBaseUrl: string;
  readonly owner: string;
  readonly repo: string;
  readonly deadline: Deadline;
  /** `https://api.github.com/repos/owner/repo`: what messages name. */
  readonly repoUrl: string;
  readonly secrets: readonly string[];
  /** Not a plain field, so that no dump of this object shows it. */
  readonly #token: string | undefined;
  private readonly fetch: typeof fetch;
  private readonly sleep: ((ms: number, signal?: AbortSignal) => Promise<void>) | undefined;

  constructor(options: GitHubRestOptions) {
    this.apiBaseUrl = options.apiBaseUrl.replace(/\/+$/, '');
    this.owner = options.owner;
    this.repo = options.repo;
    this.#token = options.token;
    this.secrets = options.secrets;
    this.deadline = options.deadline ?? Deadline.none;
    this.fetch = options.fetch ?? ((input, init) => fetch(input, init));
    this.sleep = options.sleep;
    this.repoUrl = `${this.apiBaseUrl}/repos/${encodeURIComponent(this.owner)}/${encodeURIComponent(this.repo)}`;
  }

  /** The token requests are sent with (the pull-request client takes the same). */
  authToken(): string | undefined {
    return this.#token;
  }

  /** One API call: the data of a 2xx answer (or of an allowed status), else a {@link GitError}. */
  async call<T>(request: RestRequest): Promise<RestResponse<T>> {
    if (request.method === 'GET') return this.attempts<T>(request);
    const turn = writes.then(() => this.attempts<T>(request));
    writes = turn.catch(() => undefined);
    return turn;
  }

  private async attempts<T>(request: RestRequest): Promise<RestResponse<T>> {
    let serverRetries = 0;
    let rateLimitRetries = 0;
    // bounded: each turn either returns, throws, or spends one of the retries above
    for (;;) {
      const answer = await this.once<T>(request);
      if ('data' in answer) return answer;
      const { status, wait, error } = answer;
      // a ref update is not repeated blindly: a lost answer may hide one that landed (the caller decides)
      const retryable = request.method === 'GET' || !request.path.startsWith('git/refs');
      if (status >= 500 && retryable && serverRetries < SERVER_RETRIES && this.fits((serverRetries + 1) ** 2 * 1000)) {
        await this.wait((++serverRetries) ** 2 * 1000);
        continue;
      }
      if (wait !== undefined && rateLimitRetries < RATE_LIMIT_RETRIES && wait <= MAX_RATE_LIMIT_WAIT_MS && this.fits(wait)) {
        rateLimitRetries++;
        await this.wait(wait);
        continue;
      }
      // an answer that came as the time ran out (a server released by the same deadline) is the deadline's
      if (this.deadline.stopped) throw this.deadline.error(`GitHub API ${request.method} ${this.repoUrl}/${request.path}`);
      throw error;
    }
  }

  private wait(ms: number): Promise<void> {
    return this.deadline.wait(ms, `a GitHub API back-off for ${this.repoUrl}`, this.sleep);
  }

  private fits(ms: number): boolean {
    return ms < this.deadline.remaining();
  }

  /** One request: its data, or what failed with whether (and how long) to wait before trying again. */
  private async once<T>(request: RestRequest): Promise<RestResponse<T> | { status: number; wait?: number; error: GitError }> {
    const during = `GitHub API ${request.method} ${this.repoUrl}/${request.path}`;
    this.deadline.check(during);
    const headers: Record<string, string> = {
      accept: request.accept === 'raw' ? 'application/vnd.github.raw+json' : 'application/vnd.github+json',
      'x-github-api-version': '2022-11-28',
      'user-agent': 'imgsync',
    };
    if (this.#token) headers.authorization = `Bearer ${this.#token}`;
    if (request.body !== undefined) headers['content-type'] = 'application/json; charset=utf-8';
    const timeout = AbortSignal.timeout(this.deadline.cap(REQUEST_TIMEOUT_MS));
    const signal = AbortSignal.any([this.deadline.signal, timeout]);
    let response: Response;
    let bytes: Uint8Array | undefined;
    try {
      response = await this.fetch(`${this.repoUrl}/${request.path}`, {
        method: request.method,
        headers,
        ...(request.body !== undefined && { body: JSON.stringify(request.body) }),
        redirect: 'manual',
        signal,
      });
      const limit = response.ok ? (request.limit ?? JSON_LIMIT) : JSON_LIMIT;
      bytes = await readBoundedBody(response, limit);
      if (bytes === undefined) {
        return { status: 0, error: this.error(request, `the answer is over the ${limit} bytes it may have; it was not read further`, response.status) };
      }
    } catch (error) {
      if (this.deadline.stopped) throw this.deadline.error(during);
      if (timeout.aborted) {
        return {
          status: 599,
          error: this.error(request, `no answer from ${hostOf(this.apiBaseUrl)} within ${Math.round(this.deadline.cap(REQUEST_TIMEOUT_MS) / 1000)} s`),
        };
      }
      const cause = networkCause(error) ?? redactSecrets(String((error as Error)?.message ?? error), this.secrets);
      return { status: 599, error: this.error(request, `cannot reach ${hostOf(this.apiBaseUrl)}: ${cause}`) };
    }
    const status = response.status;
    const json = request.accept === 'raw' && response.ok ? undefined : parseJson(bytes);
    const message = typeof (json as { message?: unknown } | undefined)?.message === 'string' ? (json as { message: string }).message : undefined;
    if ((status >= 200 && status < 300) || request.allow?.includes(status)) {
      if (request.accept === 'raw' && response.ok) return { status, data: bytes as T, message };
      if (json === undefined && response.ok) return { status: 0, error: this.error(request, 'the answer is not JSON', status) };
      return { status, data: json as T, message };
    }
    return {
      status,
      wait: rateLimitWait(response, message),
      error: this.error(request, describeStatus(status, message, response, request, this.#token !== undefined), status),
    };
  }

  private error(request: RestRequest, reason: string, status?: number): GitError {
    return new GitError(request.phase, reason, { remote: this.repoUrl, ...(status && { status }), secrets: this.secrets });
  }
}

function parseJson(bytes: Uint8Array | undefined): unknown {
  if (!bytes || bytes.byteLength === 0) return undefined;
  try {
    return JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
  } catch {
    return undefined;
  }
}

/**
 * How long a rate-limited answer asks to wait: 429, or 403 that says so (`retry-after`,
 * `x-ratelimit-remaining: 0` until `x-ratelimit-reset`, a "secondary rate limit" message
 * without a header: a minute, as GitHub documents). `undefined`: not a rate limit.
 */
function rateLimitWait(response: Response, message: string | undefined): number | undefined {
  const status = response.status;
  if (status !== 429 && status !== 403) return undefined;
  const retryAfter = response.headers.get('retry-after');
  if (retryAfter !== null && /^\d+$/.test(retryAfter.trim())) return Number(retryAfter) * 1000;
  if (response.headers.get('x-ratelimit-remaining') === '0') {
    const reset = Number(response.headers.get('x-ratelimit-reset'));
    return Number.isFinite(reset) ? Math.max(0, reset * 1000 - Date.now()) + 1000 : 60_000;
  }
  if (status === 429 || /rate limit/i.test(message ?? '')) return 60_000;
  return undefined;
}

function describeStatus(status: number, message: string | undefined, response: Response, request: RestRequest, hasToken: boolean): string {
  const said = message ? ` (${message.split('\n', 1)[0]!.slice(0, 200)})` : '';
  if (status >= 300 && status < 400) {
    const to = response.headers.get('location');
    return `the API answered a redirect${to ? ` to ${hostOf(to)}` : ''} (a renamed or moved repository?); update git.url`;
  }
  if (status === 401) {
    return hasToken ? `authentication failed: the GitHub API rejected the token${said}; check that it is valid` : `authentication required: ${NO_TOKEN}`;
  }
  if (status === 403 || status === 429) {
    if (status === 429 || /rate limit/i.test(message ?? '') || response.headers.get('x-ratelimit-remaining') === '0') {
      return `rate limited by the GitHub API${said}, longer than the time left allows waiting`;
    }
    if (!hasToken) return `forbidden${said}: ${NO_TOKEN}`;
    const needs = request.method === 'GET' ? 'contents: read' : 'contents: write (and pull requests: write in pull-request mode)';
    return `forbidden: the token may not do this${said}; it needs ${needs} on this repository`;
  }
  if (status === 404) {
    return `not found${said}: no such repository, branch or object, or the token cannot see the repository`;
  }
  return `the GitHub API answered HTTP ${status}${said}`;
}
