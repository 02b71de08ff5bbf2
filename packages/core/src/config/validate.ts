/**
 * `validateConfig`: from the data of a config file to a typed, normalised
 * {@link ImgsyncConfig}, or every problem of it at once as one {@link ConfigError}.
 *
 * Order of checks: the secret rules first (a literal under `credentials`/`token`/`password`,
 * or a token-shaped string anywhere, is reported as a secret, never quoted), then the shape
 * (the one definition in `shape/`, which the shipped JSON Schema is generated from), then
 * the code-only rules (`rules/`). One problem per setting, sorted by position.
 */
import { ConfigError, type ConfigProblem } from '../errors.js';
import { normaliseConfig } from './normalise.js';
import { locateProblems, type RawProblem } from './problems.js';
import { CODE_RULES, runRules, SECRET_RULES } from './rules/index.js';
import { configShape, type RawConfig } from './shape/config-shape.js';
import { shapeProblems } from './shape-problems.js';
import { NO_LOCATIONS, type SourceLocator } from './source-locations.js';
import type { ImgsyncConfig, TargetConfig } from './types.js';

export interface ValidateConfigOptions {
  /** The config file's path as it should appear in messages. */
  path: string;
  /** Absolute directory of the config file. */
  dir: string;
  /** Finds line and column of a key path; without it problems carry the path only. */
  locator?: SourceLocator;
}

/**
 * Every problem of `data` as a config file: shape and code-only rules; no file globbing,
 * no network, secret references checked for form only. Empty when the config is valid.
 *
 * @example
 * checkConfig({ targets: [{ files: 'a.yml', format: 'helm' }] }, { path: 'x.yaml', dir: '/repo' })[0].message
 * // 'must be one of backendai, image-refs, helm-values, kustomize, markers, auto (got "helm"); did you mean "helm-values"?'
 */
export function checkConfig(data: unknown, options: ValidateConfigOptions): ConfigProblem[] {
  return locateProblems(rawProblems(data).problems, options.path, options.locator ?? NO_LOCATIONS);
}

function rawProblems(data: unknown): { problems: RawProblem[]; checked: RawConfig | undefined } {
  const problems = runRules(SECRET_RULES, data);
  const shape = configShape.safeParse(data);
  if (!shape.success) problems.push(...shapeProblems(configShape, data, shape.error.issues));
  problems.push(...runRules(CODE_RULES, data));
  return { problems, checked: shape.success ? shape.data : undefined };
}

/**
 * @example
 * const config = validateConfig({ targets: [{ files: 'images.yml', format: 'backendai' }] },
 *   { path: 'imgsync.config.yaml', dir: '/repo' });
 * config.targets[0].digest // 'image-id-12'
 */
export function validateConfig(data: unknown, options: ValidateConfigOptions): ImgsyncConfig {
  const locator = options.locator ?? NO_LOCATIONS;
  const { problems, checked } = rawProblems(data);
  if (problems.length > 0 || checked === undefined) throw ConfigError.of(locateProblems(problems, options.path, locator));
  return normaliseConfig(checked, { path: options.path, dir: options.dir, locator });
}

/**
 * Validates one target on its own (as `targets[0]`).
 *
 * @example validateTargetConfig({ files: 'values.yaml', format: 'helm-values' }, { path: 'x', dir: '/repo' }).digest // 'manifest'
 */
export function validateTargetConfig(data: unknown, options: ValidateConfigOptions): TargetConfig {
  return validateConfig({ targets: [data] }, options).targets[0]!;
}
