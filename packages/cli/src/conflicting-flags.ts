/**
 * Flags that contradict each other. commander lets the last of `--push --no-push` win
 * silently; a scheduled job whose flags say two things should fail loudly instead (a
 * usage error, exit 2), before anything runs.
 */
import { UsageError } from './exit-status.js';

interface Conflict {
  one: readonly string[];
  other: readonly string[];
  why: string;
}

const CONFLICTS: readonly Conflict[] = [
  { one: ['--push'], other: ['--no-push'], why: 'pass one of them' },
  { one: ['--cache'], other: ['--no-cache'], why: 'pass one of them' },
  { one: ['-q', '--quiet'], other: ['-v', '--verbose'], why: 'pass one of them' },
  { one: ['-n', '--dry-run'], other: ['--push'], why: 'a dry run writes and pushes nothing' },
];

/** The options written in `args` (argv without node and script), spelled as given: `-qv` is `-q` and `-v`. */
function writtenFlags(args: readonly string[]): Set<string> {
  const flags = new Set<string>();
  for (const arg of args) {
    if (arg === '--') break;
    if (arg.startsWith('--')) flags.add(arg.split('=')[0]!);
    else if (/^-[A-Za-z]+$/.test(arg)) for (const letter of arg.slice(1)) flags.add(`-${letter}`);
  }
  return flags;
}

/**
 * Throws a {@link UsageError} naming the first pair of conflicting flags in `args`.
 *
 * @example
 * refuseConflictingFlags(['update', '--push', '--no-push'])
 * // UsageError: --push and --no-push conflict: pass one of them
 */
export function refuseConflictingFlags(args: readonly string[]): void {
  const flags = writtenFlags(args);
  for (const { one, other, why } of CONFLICTS) {
    const a = one.find((flag) => flags.has(flag));
    const b = other.find((flag) => flags.has(flag));
    if (a && b) throw new UsageError(`${a} and ${b} conflict: ${why}`);
  }
}
