/**
 * The code-only rules, in the order they run. Secrets come first, so that a secret is
 * reported as one (never quoted) even where the shape check would also refuse it.
 */
import type { RawProblem } from '../problems.js';
import type { CodeRule } from './code-rule.js';
import { mirrorIsAnotherRegistry, registryKeys, registrySettingsApply } from './registry-rules.js';
import { githubApiTransport } from './git-rules.js';
import { secretRules } from './secrets.js';
import { regexCompiles, semverRange } from './tag-rules.js';
import { discoverNamespace, entryTemplate, filesInsideRepository, fleetRepositories, globCompiles, targetRegistryAddress } from './target-rules.js';
import { urlParses } from './url-rules.js';

export type { CodeRule } from './code-rule.js';
export { SECRET_KEYS } from './secrets.js';

export const SECRET_RULES: readonly CodeRule[] = [secretRules];

export const CODE_RULES: readonly CodeRule[] = [
  regexCompiles,
  semverRange,
  filesInsideRepository,
  discoverNamespace,
  entryTemplate,
  globCompiles,
  targetRegistryAddress,
  registryKeys,
  registrySettingsApply,
  mirrorIsAnotherRegistry,
  urlParses,
  githubApiTransport,
  fleetRepositories,
];

/** The problems `rules` find in `data`, in the rules' order. */
export function runRules(rules: readonly CodeRule[], data: unknown): RawProblem[] {
  return rules.flatMap((rule) => rule.check(data));
}
