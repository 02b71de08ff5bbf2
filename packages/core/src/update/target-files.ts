/**
 * Which files a target covers: its fast-glob patterns matched against the local directory
 * (fast-glob) or against the file list of a git commit (picomatch, fast-glob's own
 * matcher), sorted, without duplicates across patterns.
 *
 * Both must agree on what a pattern means. fast-glob reads `!pattern` as "leave out what
 * matches, and everything under a directory that matches"; picomatch given a list ORs
 * its patterns, so `["**\/*.yml", "!vendor/**"]` would match every file of the commit.
 * `globList` therefore splits the patterns as fast-glob does.
 */
import picomatch from 'picomatch';

const IGNORED = ['**/node_modules/**', '**/.git/**'];

export async function globLocal(patterns: readonly string[], cwd: string): Promise<string[]> {
  // loaded on first use: runs on a git clone (the Lambda's case) match with picomatch only
  const { default: fg } = await import('fast-glob');
  const found = await fg([...patterns], { cwd, onlyFiles: true, dot: false, ignore: IGNORED });
  return [...new Set(found)].sort();
}

/**
 * @example
 * globList(['**\/*.yml', '!vendor'], ['a.yml', 'vendor/b.yml', 'README.md']) // ['a.yml']
 */
export function globList(patterns: readonly string[], paths: readonly string[]): string[] {
  const plain = (pattern: string) => pattern.replace(/^(\.\/)+/, '');
  const include = patterns.filter((p) => !p.startsWith('!')).map(plain);
  const exclude = [...patterns.filter((p) => p.startsWith('!')).map((p) => plain(p.slice(1))), ...IGNORED];
  if (!include.length) return [];
  const included = picomatch(include, { dot: false });
  const excluded = picomatch(exclude, { dot: true });
  const excludedWithParents = (path: string): boolean => {
    const parts = path.split('/');
    for (let n = parts.length; n > 0; n--) if (excluded(parts.slice(0, n).join('/'))) return true;
    return false;
  };
  return [...new Set(paths.filter((p) => included(p) && !excludedWithParents(p)))].sort();
}
