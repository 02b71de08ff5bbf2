/**
 * Repository paths as imgsync writes them: `/`-separated, relative to the root, never
 * leaving it and never touching `.git`. Shared by both ways of committing (a clone's
 * object store, the GitHub API).
 */
import { GitError } from '../errors.js';

/**
 * `a/b.yml` from `./a/b.yml` or `a\b.yml`; refuses paths that leave the repository or touch `.git`.
 *
 * @example normalizePath('./data\\images.yml') // 'data/images.yml'
 */
export function normalizePath(path: string): string {
  const parts = path
    .replace(/\\/g, '/')
    .split('/')
    .filter((p) => p !== '' && p !== '.');
  if (parts.length === 0 || parts.some((p) => p === '..' || p.toLowerCase() === '.git') || path.startsWith('/')) {
    throw new GitError('commit', `refusing to write ${JSON.stringify(path)}: not a path inside the repository`);
  }
  return parts.join('/');
}
