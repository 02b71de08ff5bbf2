/**
 * What a failed connection says, in words a person can act on. Node's fetch (undici)
 * throws `TypeError: fetch failed` or `TypeError: terminated` and keeps the real reason
 * one or two `cause`s down (`connect ECONNREFUSED 127.0.0.1:5000`, `other side closed`);
 * the registry client and the git layer both name that reason, with the host and the
 * phase they were in, instead of the wrapper's words.
 */

const KNOWN: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed while sending',
  ENOTFOUND: 'host name not found',
  EAI_AGAIN: 'host name lookup failed (temporary DNS failure)',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  UND_ERR_SOCKET: 'the server closed the connection mid-answer',
  UND_ERR_HEADERS_TIMEOUT: 'no response headers in time',
  UND_ERR_BODY_TIMEOUT: 'the response body stalled',
  UND_ERR_CLOSED: 'connection closed',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'TLS certificate not trusted (self-signed)',
  SELF_SIGNED_CERT_IN_CHAIN: 'TLS certificate not trusted (self-signed in chain)',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'TLS certificate not trusted (unknown issuer)',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'TLS certificate not trusted (unknown issuer)',
  CERT_HAS_EXPIRED: 'TLS certificate expired',
  ERR_TLS_CERT_ALTNAME_INVALID: 'TLS certificate does not name this host',
  ERR_SSL_WRONG_VERSION_NUMBER: 'TLS handshake failed (is the server plain http?)',
};

/** Generic wrapper messages that say nothing on their own. */
const WRAPPERS = /^(fetch failed|terminated|network error|failed to fetch)$/i;

/**
 * `connection refused (ECONNREFUSED)` for whatever a fetch threw; `undefined` when the
 * error is not a network failure (no error code in its causes, not fetch's wrapper), so
 * the caller keeps its own words.
 *
 * @example networkCause(new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }) }))
 * // 'connection refused (ECONNREFUSED)'
 */
export function networkCause(error: unknown): string | undefined {
  let code: string | undefined;
  let message: string | undefined;
  let current: unknown = error;
  // a cause chain is short; bound it all the same (a cycle would loop)
  for (let depth = 0; depth < 6 && current && typeof current === 'object'; depth++) {
    const e = current as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
    if (typeof e.code === 'string' && /^[A-Z][A-Z0-9_]+$/.test(e.code) && !code) code = e.code;
    if (typeof e.message === 'string' && e.message && !WRAPPERS.test(e.message)) message ??= e.message;
    // AggregateError (happy eyeballs: every address failed): its first error says why
    const next: unknown = e.cause ?? (Array.isArray(e.errors) ? (e.errors as unknown[])[0] : undefined);
    current = next;
  }
  if (code) return `${KNOWN[code] ?? message ?? code} (${code})`;
  const wrapper = error instanceof Error && WRAPPERS.test(error.message) ? error.message : undefined;
  if (!wrapper) return undefined;
  return message ?? (wrapper === 'terminated' ? 'the connection closed mid-answer' : 'no connection');
}

/** `host:port` of a URL, for messages; the text itself when it does not parse. Never a user or password. */
export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return (
      url
        .replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')
        .replace(/^[^/@]*@/, '')
        .split('/')[0] ?? url
    );
  }
}
