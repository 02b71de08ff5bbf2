/**
 * Exit codes, the contract scripts and CI rely on:
 * 0 success (changed or not), 1 `check` found drift, 2 usage / config / input error,
 * 3 registry or git failure (or anything unexpected), 4 stopped early: the time budget
 * (`--timeout`, `IMGSYNC_DEADLINE`) ran out or the run was interrupted (SIGINT, SIGTERM),
 * and nothing was written or pushed.
 */
import { ImgsyncError } from '@imgsync/core';

export const EXIT_OK = 0;
export const EXIT_DRIFT = 1;
export const EXIT_INPUT = 2;
export const EXIT_REMOTE = 3;
export const EXIT_STOPPED = 4;

export function exitCodeOf(error: unknown): number {
  if (error instanceof ImgsyncError) {
    if (error.code === 'DEADLINE') return EXIT_STOPPED;
    return error.code === 'REGISTRY' || error.code === 'GIT' ? EXIT_REMOTE : EXIT_INPUT;
  }
  if (error && typeof error === 'object' && 'exitCode' in error && typeof error.exitCode === 'number') return EXIT_INPUT; // commander
  return EXIT_REMOTE;
}

/** A usage error found by the CLI itself (a missing config file, conflicting flags). */
export class UsageError extends Error {}
