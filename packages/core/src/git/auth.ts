/**
 * Token authentication for HTTPS remotes. The token travels only in the
 * `Authorization: Basic` header that isomorphic-git builds from what `onAuth` returns:
 * it is never part of a remote URL (so never written to `.git/config`), never passed to
 * a log, and every message that may echo a server's words is redacted with
 * {@link secretsOf}.
 */
import type { AuthCallback, AuthFailureCallback } from 'isomorphic-git';
import type { GitCredentials } from './types.js';

export const DEFAULT_TOKEN_USERNAME = 'x-access-token';

export interface TokenAuth {
  onAuth: AuthCallback;
  onAuthFailure: AuthFailureCallback;
}

/**
 * Callbacks for isomorphic-git. `onAuth` answers the server's first 401 with the token;
 * `onAuthFailure` gives up (returns nothing) on the second, so a wrong token surfaces as
 * one `HttpError` 401 rather than a retry loop.
 *
 * @example
 * await git.push({ fs, http, dir, ...tokenAuth({ token }) });
 */
export function tokenAuth(credentials: GitCredentials): TokenAuth {
  const { token, username = DEFAULT_TOKEN_USERNAME } = credentials;
  return {
    onAuth: () => (token ? { username, password: token } : undefined),
    onAuthFailure: () => undefined,
  };
}

/**
 * Every form in which a token can appear in a server's reply: as is, URL-encoded, and
 * inside the base64 of a Basic header (for the user names we send and the common ones).
 */
export function secretsOf(credentials: GitCredentials): string[] {
  const { token, username = DEFAULT_TOKEN_USERNAME } = credentials;
  if (!token) return [];
  const secrets = new Set([token, encodeURIComponent(token)]);
  for (const user of [username, DEFAULT_TOKEN_USERNAME, 'x-oauth-basic', 'git', 'oauth2', '']) {
    const base64 = Buffer.from(`${user}:${token}`).toString('base64');
    secrets.add(base64);
    // A base64 string cut at a different offset still leaks: redact its stable middle too.
    if (base64.length > 12) secrets.add(base64.slice(4, -4));
  }
  return [...secrets];
}
