/**
 * Where the Lambda (and the other scheduled front ends) get the config from, read anew on
 * every invocation so that a warm start never runs on a stale config:
 *
 * | variable | meaning |
 * | --- | --- |
 * | `IMGSYNC_CONFIG` | the config itself, inline: YAML, or JSON when it starts with `{` |
 * | `IMGSYNC_CONFIG_FILE` | a config file, relative to the handler's directory (bundled next to it) or absolute |
 *
 * Relative paths inside the config (`registry: file:snapshot.json`, `file:` secrets) are
 * resolved against the handler's directory for an inline config and against the file's
 * own directory for a file, as the CLI does.
 */
import { isAbsolute, resolve } from 'node:path';
import { ConfigError, loadConfig, parseConfig, type ImgsyncConfig } from '@imgsync/core';

export type Environment = Readonly<Record<string, string | undefined>>;

export async function readConfig(env: Environment, baseDir: string): Promise<ImgsyncConfig> {
  const inline = env.IMGSYNC_CONFIG;
  const file = env.IMGSYNC_CONFIG_FILE;
  if (inline && file) {
    throw new ConfigError('both IMGSYNC_CONFIG and IMGSYNC_CONFIG_FILE are set; set one of them');
  }
  if (inline) {
    // core checks a `.json` path with JSON.parse first (no comments, no trailing commas).
    const path = /^\s*(\uFEFF)?\{/.test(inline) ? 'IMGSYNC_CONFIG.json' : 'IMGSYNC_CONFIG';
    return parseConfig(inline, path, { cwd: baseDir });
  }
  if (file) {
    return loadConfig({ path: isAbsolute(file) ? file : resolve(baseDir, file), cwd: baseDir });
  }
  throw new ConfigError('no config: set IMGSYNC_CONFIG (inline YAML or JSON) or IMGSYNC_CONFIG_FILE (a file next to the handler)');
}
