/**
 * Retry timing: how long to wait before the next attempt, and what a server's
 * `Retry-After` and `RateLimit-*` headers say. Pure functions of their inputs (the random
 * source and the clock are parameters), so the schedule can be tested exactly.
 */

/** Bounds of the exponential backoff between attempts. */
export interface BackoffPolicy {
  /** Delay before the first retry, before jitter. */
  baseMs: number;
  /** No single wait is longer than this. */
  capMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 200, capMs: 5_000 };

/**
 * Delay before retry number `attempt` (0 for the first retry): `base * 2^attempt`, capped,
 * then "equal jitter" — half fixed, half random — so that many clients failing together do
 * not retry together, yet no wait collapses to zero.
 *
 * @example backoffDelay(2, { baseMs: 200, capMs: 5000 }, () => 0.5) // 600
 */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** attempt);
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}

/**
 * Milliseconds a `Retry-After` header asks for: delta-seconds or an HTTP date, measured
 * from `nowMs`. `undefined` when the header is missing or unreadable.
 *
 * @example parseRetryAfter('2', 0) // 2000
 */
export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}

/**
 * Reads one `RateLimit-Limit` / `RateLimit-Remaining` value. Docker Hub writes
 * `100;w=21600` (count; window in seconds); the IETF draft writes a bare number.
 *
 * @example parseRateLimitValue('76;w=21600') // { count: 76, windowSeconds: 21600 }
 */
export function parseRateLimitValue(value: string | null): { count: number; windowSeconds: number | undefined } | undefined {
  if (!value) return undefined;
  const match = /^\s*(\d+)\s*(?:;\s*w\s*=\s*(\d+))?/.exec(value);
  if (!match) return undefined;
  return { count: Number(match[1]), windowSeconds: match[2] === undefined ? undefined : Number(match[2]) };
}
