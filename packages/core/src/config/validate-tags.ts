/**
 * The `tags` mapping of a target or marker policy, compiled into a {@link TagPolicy}.
 *
 * `createTagPolicy` knows what a valid pattern or range is; this file knows where each
 * one was written. Every pattern and the range are compiled on their own first, so that
 * an invalid regular expression in `exclude[2]` is reported at that list item's line and
 * column rather than at the `tags` key.
 */
import { ConfigError } from '../errors.js';
import { createTagPolicy, type TagPolicyOptions } from '../policy/tag-policy.js';
import { CONFIG_ENUMS, CONFIG_KEYS } from './config-keys.js';
import type { ConfigReader } from './config-reader.js';
import type { ConfigKeyPath } from './source-locations.js';
import type { TagPolicyConfig } from './types.js';

/**
 * Checks `tags` at `keyPath` (absent: accept every valid tag) and compiles it.
 *
 * @example
 * validateTagPolicy(reader, ['targets', 0, 'tags'], { include: '^\\d', semver: '>=1' }).tagPolicy.accepts('1.2') // true
 */
export function validateTagPolicy(reader: ConfigReader, keyPath: ConfigKeyPath, value: unknown): TagPolicyConfig {
  if (value === undefined || value === null) return { tags: {}, tagPolicy: createTagPolicy({}) };
  const raw = reader.mapping(keyPath, value, CONFIG_KEYS.tagPolicy);
  const tags: TagPolicyOptions = {};

  const compileAt = (at: ConfigKeyPath, options: TagPolicyOptions): void => {
    try {
      createTagPolicy(options);
    } catch (error) {
      if (error instanceof ConfigError) reader.fail(at, error.message);
      throw error;
    }
  };

  for (const option of ['include', 'exclude'] as const) {
    if (raw[option] === undefined || raw[option] === null) continue;
    const at = [...keyPath, option];
    const patterns = reader.stringList(at, raw[option], 'a regular expression');
    patterns.forEach((pattern, index) => compileAt(Array.isArray(raw[option]) ? [...at, index] : at, { [option]: pattern }));
    tags[option] = patterns;
  }
  if (raw.semver !== undefined && raw.semver !== null) {
    const at = [...keyPath, 'semver'];
    if (typeof raw.semver === 'number') {
      // `semver: 1.10` is the number 1.1 to YAML; guessing the written text would be wrong.
      reader.fail(at, `must be a quoted semver range such as ">=1.2 <2" (got the number ${raw.semver}; write it in quotes)`);
    }
    const range = reader.string(at, raw.semver, 'a semver range such as ">=1.2 <2"');
    compileAt(at, { semver: range });
    tags.semver = range;
  }
  if (raw.sort !== undefined && raw.sort !== null) {
    tags.sort = reader.oneOf([...keyPath, 'sort'], raw.sort, CONFIG_ENUMS.sort);
  }
  if (raw.latest !== undefined && raw.latest !== null) {
    const at = [...keyPath, 'latest'];
    const latest = reader.mapping(at, raw.latest, CONFIG_KEYS.latest);
    if (latest.pattern === undefined || latest.pattern === null) {
      tags.latest = {};
    } else {
      const pattern = reader.string([...at, 'pattern'], latest.pattern, 'a regular expression');
      compileAt([...at, 'pattern'], { latest: { pattern } });
      tags.latest = { pattern };
    }
  }

  let tagPolicy;
  try {
    tagPolicy = createTagPolicy(tags);
  } catch (error) {
    if (error instanceof ConfigError) reader.fail(keyPath, error.message);
    throw error;
  }
  return { tags, tagPolicy };
}
