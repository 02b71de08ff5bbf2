/**
 * What the engine reads target files from and delivers its edit to: a git clone (or the
 * user's checkout) built with isomorphic-git, or a branch of a GitHub repository read and
 * written through the GitHub REST API's git data endpoints, with no clone at all. Both
 * give the same operations, so the engine never asks which one it has.
 *
 * Which one a run gets is the `git.transport` setting ({@link chooseTransport}):
 *
 * | transport | workspace |
 * | --- | --- |
 * | `clone` | a shallow clone over HTTPS (any forge); memory grows with the branch's snapshot |
 * | `github-api` | the GitHub API: one recursive tree listing, then only the target files' blobs |
 * | `auto` (default) | the API for `github.com` URLs, and for a GitHub Enterprise host whose `githubApiUrl` is given; a clone otherwise |
 *
 * A clone of one branch at depth 1 still downloads every blob of the snapshot: a 150 MB file
 * the run never touches took a clone to 1 GB of RSS (bench/RESULTS.md, `git-memory`). The
 * API reads only what the run edits.
 */
import { GitError, stripUrlCredentials } from '../errors.js';
import type { ReadFile } from './types.js';

/**
 * How a remote is read and written: `clone` (isomorphic-git), `github-api` (the REST API,
 * no clone), or `auto`, chosen by the URL's host ({@link chooseTransport}).
 */
export type GitTransport = 'auto' | 'clone' | 'github-api';

/** The REST API of github.com. */
export const GITHUB_COM_API = 'https://api.github.com';

/** What the engine reads target files from and delivers to (see the module comment). */
export interface Workspace {
  /** `git`: a clone or a local checkout (see `checkout.ts`); `github-api`: see `github-workspace.ts`. */
  readonly kind: 'git' | 'github-api';
  /** Branch the commit is built on. */
  readonly branch: string;
  /** Commit the next edit is computed on: the branch tip as last seen. */
  readonly head: string;
  /** Remote URL without credentials. */
  readonly url: string;
  /** Reads a file at {@link head}, links inside the repository followed; `undefined` when absent. */
  readonly read: ReadFile;
  /** The repository path of the file `path` names at {@link head}, links followed. */
  resolvePath(path: string): Promise<string>;
  /** Repository-relative paths of every file at {@link head}, `/`-separated. */
  listFiles(): Promise<string[]>;
  /** Releases what the workspace holds (a clone's directory). Idempotent. */
  close(): Promise<void>;
}

/**
 * The transport a run uses for `url`: `clone` and `github-api` as given, `auto` by the
 * URL's host. A local checkout (no `url`) is always `clone`.
 *
 * @example chooseTransport({ url: 'https://github.com/lablup/backend.ai.git' }) // 'github-api'
 * @example chooseTransport({ url: 'https://gitlab.com/acme/app.git' })          // 'clone'
 * @example chooseTransport({ url: 'https://ghe.acme.com/org/app.git', githubApiUrl: 'https://ghe.acme.com/api/v3' }) // 'github-api'
 */
export function chooseTransport(options: { url?: string; transport?: GitTransport; githubApiUrl?: string }): 'clone' | 'github-api' {
  const { url, transport = 'auto' } = options;
  if (transport === 'clone' || url === undefined) return 'clone';
  if (transport === 'github-api') return 'github-api';
  return apiBaseFor(url, options.githubApiUrl) ? 'github-api' : 'clone';
}

/**
 * The REST API base that serves `url`'s repository, when it is known to be GitHub:
 * `https://api.github.com` for github.com, `githubApiUrl` when its host is the URL's host
 * (GitHub Enterprise Server: `https://HOST/api/v3`) or `api.` + that host (GitHub
 * Enterprise Cloud with data residency: `https://api.SUBDOMAIN.ghe.com`). A
 * `githubApiUrl` of `https://api.github.com` counts as not given.
 */
export function apiBaseFor(url: string, githubApiUrl?: string): string | undefined {
  const host = hostOf(url);
  if (host === undefined) return undefined;
  const given = githubApiUrl && githubApiUrl.replace(/\/+$/, '') !== GITHUB_COM_API ? githubApiUrl.replace(/\/+$/, '') : undefined;
  if (given) {
    const apiHost = hostOf(given);
    if (apiHost === host || apiHost === `api.${host}`) return given;
  }
  return host === 'github.com' || host === 'www.github.com' ? GITHUB_COM_API : undefined;
}

/**
 * The API base a `github-api` workspace of `url` talks to: {@link apiBaseFor}, else the
 * `githubApiUrl` given (the config allows `github-api` for another host only with one).
 */
export function requireApiBase(url: string, githubApiUrl?: string): string {
  const base =
    apiBaseFor(url, githubApiUrl) ?? (githubApiUrl && githubApiUrl.replace(/\/+$/, '') !== GITHUB_COM_API ? githubApiUrl.replace(/\/+$/, '') : undefined);
  if (!base) {
    throw new GitError(
      'open',
      `${stripUrlCredentials(url)} is not on github.com; transport github-api needs git.githubApiUrl (the GitHub Enterprise API, https://HOST/api/v3), or use transport: clone`,
    );
  }
  return base;
}

/** Lower-case `host[:port]` of an http(s) URL, `undefined` when it is not one. */
function hostOf(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.host.toLowerCase() : undefined;
  } catch {
    return undefined;
  }
}
