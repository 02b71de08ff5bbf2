/**
 * Which exit code an error means (the codes are in `exit-status.ts`, re-exported here).
 */
import { errorFacts, type ErrorFacts, type ImgsyncErrorCode } from '@imgsync/core';
import { EXIT_INPUT, EXIT_REMOTE, EXIT_STOPPED, UsageError } from './exit-status.js';

export { EXIT_DRIFT, EXIT_INPUT, EXIT_OK, EXIT_REMOTE, EXIT_STOPPED, UsageError } from './exit-status.js';

export function exitCodeOf(error: unknown): number {
  if (error && typeof error === 'object' && 'exitCode' in error && typeof error.exitCode === 'number') return EXIT_INPUT; // commander
  return exitCodeOfCode(factsOf(error).code);
}

/** What a thrown error is, as the library reports errors (a usage error is `USAGE`). */
export function factsOf(error: unknown): ErrorFacts {
  return error instanceof UsageError ? { code: 'USAGE', message: error.message } : errorFacts(error);
}

/** Every code decides its exit status here (a new code does not compile until it does). */
function exitCodeOfCode(code: ImgsyncErrorCode): number {
  switch (code) {
    case 'DEADLINE':
      return EXIT_STOPPED;
    case 'REGISTRY':
    case 'GIT':
    case 'INTERNAL':
      return EXIT_REMOTE;
    case 'YAML_SYNTAX':
    case 'YAML_EDIT':
    case 'CONFIG':
    case 'FORMAT':
    case 'FILE':
    case 'FILE_TOO_LARGE':
    case 'USAGE':
      return EXIT_INPUT;
  }
}
