/**
 * `validateConfig`: from the data of a config file to a typed, normalised
 * {@link ImgsyncConfig}, or the first problem as a {@link ConfigError} located at the
 * offending key or value.
 *
 * Order of checks: secrets first (a literal under `credentials`/`token`/`password`, or a
 * token-shaped string anywhere, is refused before anything could quote it), then the
 * top-level keys, `git` (it decides what `files` are relative to), `registries`, and each
 * target in order.
 */
import { CONFIG_KEYS, SECRET_KEYS } from './config-keys.js';
import { ConfigReader, isMapping } from './config-reader.js';
import { looksLikeSecret } from './env-refs.js';
import { type ConfigKeyPath, NO_LOCATIONS, type SourceLocator } from './source-locations.js';
import type { ImgsyncConfig } from './types.js';
import { validateGit } from './validate-git.js';
import { validateRegistries } from './validate-registries.js';
import { validateTarget } from './validate-target.js';

export interface ValidateConfigOptions {
  /** The config file's path as it should appear in messages. */
  path: string;
  /** Absolute directory of the config file. */
  dir: string;
  /** Finds line and column of a key path; without it errors carry the path only. */
  locator?: SourceLocator;
}

/**
 * @example
 * const config = validateConfig({ targets: [{ files: 'images.yml', format: 'backendai' }] },
 *   { path: 'imgsync.config.yaml', dir: '/repo' });
 * config.targets[0].digest // 'image-id-12'
 */
export function validateConfig(data: unknown, options: ValidateConfigOptions): ImgsyncConfig {
  const reader = new ConfigReader(options.path, options.locator ?? NO_LOCATIONS);
  checkSecrets(reader, [], data);
  if (isMapping(data)) {
    const misplaced = Object.keys(data).find((key) => !isRootKey(key) && (CONFIG_KEYS.target as readonly string[]).includes(key));
    if (misplaced) reader.fail([misplaced], 'is a target setting; move it under each entry of targets', 'key');
  }
  const root = reader.mapping([], data, CONFIG_KEYS.root, ['targets']);
  if (root.$schema !== undefined) reader.string(['$schema'], root.$schema, 'the URL or path of the JSON Schema');

  const git = validateGit(reader, root.git, options.dir);
  const registries = validateRegistries(reader, root.registries, options.dir);

  const rawTargets = Array.isArray(root.targets) ? root.targets : reader.fail(['targets'], `must be a list of targets (got ${kindOf(root.targets)})`);
  if (rawTargets.length === 0) reader.fail(['targets'], 'must list at least one target, such as - files: images.yml');
  const context = { dir: options.dir, inRepository: git?.url !== undefined };
  const targets = rawTargets.map((target, index) => validateTarget(reader, index, target, context));

  return {
    path: options.path,
    dir: options.dir,
    filesRelativeTo: context.inRepository ? 'repository-root' : 'config-dir',
    targets,
    registries,
    git,
  };
}

/**
 * Validates one target on its own (for `imgsync init`, which writes one).
 *
 * @example validateTargetConfig({ files: 'values.yaml', format: 'helm-values' }, { path: 'x', dir: '/repo' })
 */
export function validateTargetConfig(data: unknown, options: ValidateConfigOptions & { inRepository?: boolean }) {
  const reader = new ConfigReader(options.path, options.locator ?? NO_LOCATIONS);
  checkSecrets(reader, ['targets', 0], data);
  return validateTarget(reader, 0, data, { dir: options.dir, inRepository: options.inRepository ?? false });
}

function isRootKey(key: string): boolean {
  return (CONFIG_KEYS.root as readonly string[]).includes(key);
}

function kindOf(value: unknown): string {
  return isMapping(value) ? 'a mapping' : value === null || value === undefined ? 'nothing' : `a ${typeof value}`;
}

function checkSecrets(reader: ConfigReader, keyPath: ConfigKeyPath, value: unknown): void {
  if (typeof value === 'string') {
    if (looksLikeSecret(value)) {
      reader.fail(
        keyPath,
        'looks like a token or password (value not shown); secrets must not be written in the config file: ' +
          'put it in an environment variable and refer to it as credentials: env:NAME or token: env:NAME',
      );
    }
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, index) => checkSecrets(reader, [...keyPath, index], item));
    return;
  }
  if (!isMapping(value)) return;
  for (const [key, item] of Object.entries(value)) {
    // A mapping under such a key is a name (a marker policy called `token`), not a secret.
    if (SECRET_KEYS.includes(key) && item !== undefined && item !== null && !isMapping(item)) {
      reader.secretRef([...keyPath, key], item, 'NAME');
    }
    checkSecrets(reader, [...keyPath, key], item);
  }
}
