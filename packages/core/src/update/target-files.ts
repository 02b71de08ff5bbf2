/**
 * Which files a target covers: its fast-glob patterns matched against the local directory
 * (fast-glob) or against the file list of a git commit (picomatch, fast-glob's own
 * matcher), sorted, without duplicates across patterns.
 */
import fg from 'fast-glob';
import picomatch from 'picomatch';

export async function globLocal(patterns: readonly string[], cwd: string): Promise<string[]> {
  const found = await fg([...patterns], { cwd, onlyFiles: true, dot: false, ignore: ['**/node_modules/**', '**/.git/**'] });
  return [...new Set(found)].sort();
}

export function globList(patterns: readonly string[], paths: readonly string[]): string[] {
  const match = picomatch([...patterns], { dot: false });
  return paths.filter((p) => match(p)).sort();
}
