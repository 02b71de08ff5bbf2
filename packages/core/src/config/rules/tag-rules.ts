/**
 * `regex-compiles` and `semver-range`: every pattern of a tag policy compiles as a
 * JavaScript regular expression (`(?i)` at the start ignoring case), and every semver range
 * (a tag policy's `semver`, an `ignore` rule's `:RANGE`) parses. Each is reported at the
 * list item or value that holds it.
 */
import { ConfigError } from '../../errors.js';
import { parseIgnoreRule } from '../../policy/ignore-rules.js';
import { createTagPolicy, type TagPolicyOptions } from '../../policy/tag-policy.js';
import { isMapping, type RawProblem } from '../problems.js';
import type { ConfigKeyPath } from '../source-locations.js';
import { allTargets, type CodeRule, eachOf, problem } from './code-rule.js';

/** The `tags` mappings of the config: each target's, and each marker policy's. */
function tagPolicies(data: unknown): [ConfigKeyPath, Record<string, unknown>][] {
  const found: [ConfigKeyPath, Record<string, unknown>][] = [];
  for (const [at, target] of allTargets(data)) {
    if (isMapping(target.tags)) found.push([[...at, 'tags'], target.tags]);
    if (!isMapping(target.policies)) continue;
    for (const [name, policy] of Object.entries(target.policies)) {
      if (isMapping(policy) && isMapping(policy.tags)) found.push([[...at, 'policies', name, 'tags'], policy.tags]);
    }
  }
  return found;
}

/** The message of `createTagPolicy` for `options`, if it refuses them. */
function refusal(options: TagPolicyOptions): string | undefined {
  try {
    createTagPolicy(options);
    return undefined;
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
}

export const regexCompiles: CodeRule = {
  name: 'regex-compiles',
  description: 'tags.include, tags.exclude and tags.latest.pattern compile as JavaScript regular expressions ((?i) at the start ignores case).',
  check(data) {
    const out: RawProblem[] = [];
    for (const [at, tags] of tagPolicies(data)) {
      for (const option of ['include', 'exclude'] as const) {
        for (const [itemAt, pattern] of eachOf(tags[option], [...at, option])) {
          if (typeof pattern !== 'string') continue;
          const message = refusal({ [option]: pattern });
          if (message) out.push(problem(this.name, itemAt, message));
        }
      }
      const pattern = isMapping(tags.latest) ? tags.latest.pattern : undefined;
      if (typeof pattern === 'string') {
        const message = refusal({ latest: { pattern } });
        if (message) out.push(problem(this.name, [...at, 'latest', 'pattern'], message));
      }
    }
    return out;
  },
};

export const semverRange: CodeRule = {
  name: 'semver-range',
  description: 'tags.semver and the :RANGE of an ignore rule parse as semver ranges.',
  check(data) {
    const out: RawProblem[] = [];
    for (const [at, tags] of tagPolicies(data)) {
      if (typeof tags.semver !== 'string' || tags.semver.trim() === '') continue;
      const message = refusal({ semver: tags.semver });
      if (message) out.push(problem(this.name, [...at, 'semver'], message));
    }
    for (const [at, target] of allTargets(data)) {
      for (const [itemAt, rule] of eachOf(target.ignore, [...at, 'ignore'])) {
        if (typeof rule !== 'string') continue;
        try {
          parseIgnoreRule(rule);
        } catch (error) {
          // a rule that is no glob at all is the shape check's to report
          if (error instanceof ConfigError && error.message.includes('invalid semver range')) out.push(problem(this.name, itemAt, error.message));
        }
      }
    }
    return out;
  },
};
