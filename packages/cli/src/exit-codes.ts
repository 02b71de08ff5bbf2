/**
 * Which exit code an error means (the codes are in `exit-status.ts`, re-exported here).
 */
import { ImgsyncError } from '@imgsync/core';
import { EXIT_INPUT, EXIT_REMOTE, EXIT_STOPPED } from './exit-status.js';

export { EXIT_DRIFT, EXIT_INPUT, EXIT_OK, EXIT_REMOTE, EXIT_STOPPED, UsageError } from './exit-status.js';

export function exitCodeOf(error: unknown): number {
  if (error instanceof ImgsyncError) {
    if (error.code === 'DEADLINE') return EXIT_STOPPED;
    return error.code === 'REGISTRY' || error.code === 'GIT' ? EXIT_REMOTE : EXIT_INPUT;
  }
  if (error && typeof error === 'object' && 'exitCode' in error && typeof error.exitCode === 'number') return EXIT_INPUT; // commander
  return EXIT_REMOTE;
}
