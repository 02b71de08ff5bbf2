/**
 * `findConfigFile`: the config file of a directory, as `imgsync` finds it without
 * `--config`.
 */
import * as nodeFs from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '../errors.js';

/** The names looked for, in order. */
export const CONFIG_FILE_NAMES = ['imgsync.config.yaml', 'imgsync.config.yml', 'imgsync.config.json'] as const;

/** The file operation {@link findConfigFile} needs; node:fs/promises by default. */
export interface FindConfigFileSystem {
  stat(path: string): Promise<{ isFile(): boolean }>;
}

/**
 * The path of `dir`'s config file (`dir` joined with one of {@link CONFIG_FILE_NAMES}), or
 * `undefined` when there is none. Only `dir` itself is searched, not its parents: a run
 * from the wrong directory should fail rather than pick up another project's config.
 * Throws {@link ConfigError} when more than one exists, since which one wins would be a guess.
 *
 * @example
 * const path = await findConfigFile(process.cwd());
 * if (!path) throw new Error('no imgsync.config.yaml here; run imgsync init');
 */
export async function findConfigFile(dir: string, fs: FindConfigFileSystem = nodeFs): Promise<string | undefined> {
  const found: string[] = [];
  for (const name of CONFIG_FILE_NAMES) {
    const path = join(dir, name);
    try {
      if ((await fs.stat(path)).isFile()) found.push(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  if (found.length > 1) {
    throw new ConfigError(
      `several config files: ${found.map((path) => path.slice(dir.length).replace(/^[\\/]/, '')).join(', ')}; keep one, or pass the one to use with --config`,
      { path: dir },
    );
  }
  return found[0];
}
