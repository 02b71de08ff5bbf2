/**
 * Turns whatever isomorphic-git, the HTTP layer or Octokit threw into one {@link GitError}
 * a user can act on: the step, the remote without credentials, the HTTP status, and a
 * short reason with every secret redacted.
 *
 * The original error is deliberately not attached as `cause`: its `data` may hold the
 * server's raw reply (which may echo a credential), and a front end printing the cause
 * chain would leak it.
 */
import { GitError, redactSecrets } from '../errors.js';
import { hostOf, networkCause } from '../network-cause.js';

/** What a 401 means when no token was given: the fix is to set one, not to check it. */
export const NO_TOKEN = 'no git token set (IMGSYNC_GIT_TOKEN, GITHUB_TOKEN or git.token)';

export interface GitErrorContext {
  remote?: string;
  /** Every form of the token ({@link secretsOf}); empty when no token was given. */
  secrets: readonly string[];
}

interface ErrorLike {
  code?: unknown;
  message?: unknown;
  status?: unknown;
  data?: { statusCode?: unknown; statusMessage?: unknown; response?: unknown; reason?: unknown };
}

/** A field of an error as text: a string as it is, anything else (an object, a number) as JSON, nothing as ''. */
function textOf(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? '');
}

export function toGitError(step: string, error: unknown, context: GitErrorContext): GitError {
  if (error instanceof GitError) return error;
  const e = (typeof error === 'object' && error !== null ? error : {}) as ErrorLike;
  const where = { remote: context.remote, secrets: context.secrets };
  const message = redactSecrets(textOf(e.message) || (error instanceof Error ? error.message : textOf(error)), context.secrets);

  if (e.code === 'HttpError') {
    const status = Number(e.data?.statusCode) || undefined;
    const serverSaid = redactSecrets(textOf(e.data?.response).trim(), context.secrets).split('\n', 1)[0]!.slice(0, 200);
    const reason =
      (status === 401 || status === 403) && context.secrets.length === 0
        ? `authentication required: ${NO_TOKEN}`
        : status === 401 || status === 403
          ? 'authentication failed: the server rejected the token; check that it is valid and allows pushing to this repository'
          : status === 404
            ? 'repository not found (or the token cannot see it)'
            : `the server answered ${textOf(e.data?.statusMessage) || 'an error'}${serverSaid ? `: ${serverSaid}` : ''}`;
    return new GitError(step, reason, { ...where, status });
  }
  if (e.code === 'GitPushError') {
    return new GitError(step, `the server refused the update:${message.replace(/^[^:]*:/, '')}`, where);
  }
  if (e.code === 'PushRejectedError') {
    return new GitError(step, 'rejected: the remote branch moved on (not a fast-forward)', where);
  }
  if (e.code === 'NotFoundError') {
    return new GitError(step, `not found: ${message}`, where);
  }
  if (e.code === 'SmartHttpError') {
    return new GitError(step, 'the URL does not serve git over smart HTTP (is it the repository URL?)', where);
  }
  const cause = networkCause(error);
  if (cause) {
    // Octokit's errors carry the request (the API host); isomorphic-git's, only the remote's
    const url = (e as { request?: { url?: unknown } }).request?.url;
    const target = typeof url === 'string' ? url : context.remote;
    const host = target && /^[a-z][a-z0-9+.-]*:\/\//i.test(target) ? hostOf(target) : 'the server';
    return new GitError(step, `cannot reach ${host}: ${cause}`, where);
  }
  const status = typeof e.status === 'number' ? e.status : undefined;
  if ((status === 401 || status === 403) && context.secrets.length === 0) {
    return new GitError(step, `authentication required: ${NO_TOKEN}`, { ...where, status });
  }
  return new GitError(step, message, { ...where, status });
}
