/**
 * The run's deadline from the command line and the environment: `--timeout 10m` (a
 * duration from now) and `IMGSYNC_DEADLINE` (a duration, or an RFC 3339 time such as
 * `2025-06-01T12:00:00Z`, as a CronJob or CI job can set it). With both, the earlier wins.
 * A value that is neither is refused, naming the flag or the variable.
 * `IMGSYNC_MIN_REMAINING_MS` (as for the Lambda) is the time at the end of the budget in
 * which no registry request starts, kept for editing and pushing (default 10 000).
 */
import { parseDeadline, parseDuration } from '@imgsync/core';
import { UsageError } from './exit-codes.js';

export function runDeadline(timeout: string | undefined, env: Readonly<Record<string, string | undefined>>, now: number): number | undefined {
  const found: number[] = [];
  if (timeout !== undefined) {
    const ms = parseDuration(timeout);
    if (ms === undefined) throw new UsageError(`--timeout must be a duration such as 10m, 90s or 1h30m (at most a week); got "${timeout}"`);
    found.push(now + ms);
  }
  const text = env.IMGSYNC_DEADLINE;
  if (text !== undefined && text.trim() !== '') {
    const at = parseDeadline(text, now);
    if (at === undefined) {
      throw new UsageError(`IMGSYNC_DEADLINE must be a duration such as 10m, 90s or 1h30m, or a time such as 2025-06-01T12:00:00Z; got "${text}"`);
    }
    found.push(at);
  }
  return found.length ? Math.min(...found) : undefined;
}

export function minRemainingMs(env: Readonly<Record<string, string | undefined>>): number | undefined {
  const text = env.IMGSYNC_MIN_REMAINING_MS;
  if (text === undefined || text.trim() === '') return undefined;
  if (!/^\d+$/.test(text.trim())) throw new UsageError(`IMGSYNC_MIN_REMAINING_MS must be a whole number of milliseconds; got "${text}"`);
  return Number(text.trim());
}
