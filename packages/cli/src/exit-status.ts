/**
 * Exit codes, the contract scripts and CI rely on:
 * 0 success (changed or not), 1 `check` found drift, 2 usage / config / input error,
 * 3 registry or git failure (or anything unexpected), 4 stopped early: the time budget
 * (`--timeout`, `IMGSYNC_DEADLINE`) ran out or the run was interrupted (SIGINT, SIGTERM),
 * and nothing was written or pushed.
 *
 * Kept apart from `exit-codes.ts`, which maps core's errors and so loads `@imgsync/core`:
 * what runs before a command (`--version`, `--help`, flag checks) needs only these.
 */
export const EXIT_OK = 0;
export const EXIT_DRIFT = 1;
export const EXIT_INPUT = 2;
export const EXIT_REMOTE = 3;
export const EXIT_STOPPED = 4;

/** A usage error found by the CLI itself (a missing config file, conflicting flags). */
export class UsageError extends Error {}
