/**
 * A code-only rule: a check the config's JSON Schema cannot express (a regular expression
 * that compiles, a range that parses, secrets, settings that depend on other settings). The
 * rules run after the shape check on the same data, each looking only at values of the kind
 * it checks, so a value the shape check refused is never reported twice.
 */
import { isMapping, type RawProblem } from '../problems.js';
import type { ConfigKeyPath, LocatePart } from '../source-locations.js';

export interface CodeRule {
  /** Named in problems (`rule`) and in the tests that show the schema cannot say it. */
  name: string;
  /** What it checks, in a sentence. */
  description: string;
  check(data: unknown): RawProblem[];
}

/** A problem found by `rule`. */
export function problem(rule: string, keyPath: ConfigKeyPath, message: string, part: LocatePart = 'value'): RawProblem {
  return { keyPath, part, message, rule };
}

/** `[key path, value]` of each entry of `value` when it is a list, else of `value` itself (one-or-list settings). */
export function eachOf(value: unknown, keyPath: ConfigKeyPath): [ConfigKeyPath, unknown][] {
  return Array.isArray(value) ? value.map((item, index) => [[...keyPath, index], item]) : [[keyPath, value]];
}

/**
 * Every target of the config with its key path: the shared `targets`, and the `targets` of
 * each fleet repository (`repositories[2].targets[0]`).
 */
export function allTargets(data: unknown): [ConfigKeyPath, Record<string, unknown>][] {
  const out: [ConfigKeyPath, Record<string, unknown>][] = [];
  const add = (targets: unknown, at: ConfigKeyPath) => {
    if (Array.isArray(targets)) targets.forEach((target, index) => isMapping(target) && out.push([[...at, index], target]));
  };
  if (!isMapping(data)) return out;
  add(data.targets, ['targets']);
  if (Array.isArray(data.repositories))
    data.repositories.forEach((repository, index) => isMapping(repository) && add(repository.targets, ['repositories', index, 'targets']));
  return out;
}
