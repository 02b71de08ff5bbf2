/**
 * `tags`: which tags a target (or a marker policy) follows, and in which order. The shape
 * is checked here; whether each pattern compiles and the range parses is a code-only rule
 * (`regex-compiles`, `semver-range`), named in the descriptions so editors show it.
 */
import * as z from 'zod';
import { describeValue, valueAt } from '../problems.js';
import { formatsPhrase, TAG_LIST_NAMES, TAG_LIST_WHERE } from './format-facts.js';
import { mapping, oneOf, oneOrList, optional, text } from './values.js';

export const TAG_SORTS = ['version', 'semver', 'numeric', 'alphabetical', 'pushed'] as const;

const pattern = text('a regular expression');

const patterns = (what: string) =>
  optional(
    oneOrList(pattern, 'a regular expression'),
    `${what} (?i) at the start ignores case. Checked by imgsync beyond this schema: each must compile as a JavaScript regular expression.`,
  );

const semverExpected = 'a semver range such as ">=1.2 <2"';
const semverRange = text(semverExpected);
const quotedRange = z
  .string({
    error: (issue) => {
      if (issue.input === undefined) return undefined;
      // `semver: 1.10` is the number 1.1 to YAML; guessing the written text would be wrong.
      if (typeof issue.input === 'number') return `must be a quoted semver range such as ">=1.2 <2" (got the number ${issue.input}; write it in quotes)`;
      return `must be ${semverExpected} (got ${describeValue(issue.input)})`;
    },
  })
  .check(...semverRange._zod.def.checks!);

const latest = mapping({
  pattern: optional(pattern, 'Regular expression the target tag must match. Checked by imgsync beyond this schema: it must compile.'),
});

const common = {
  include: patterns('Regular expression(s); a tag must match at least one.'),
  exclude: patterns('Regular expression(s); a tag matching any is dropped, even when included.'),
  semver: optional(
    quotedRange,
    'A semver range such as ">=1.10 <2"; tags are read by their leading version (3.6-ubuntu is 3.6.0). Quote it: YAML reads 1.10 as 1.1. Checked by imgsync beyond this schema: the range must parse.',
  ),
  sort: optional(oneOf(TAG_SORTS), 'Tag order. Default: semver with a range, else version.'),
};

/** The tag policy of a target whose format lists tags (Backend.AI), or `auto`: it may re-point `latest` aliases. */
export const tagPolicyWithLatest = mapping({
  ...common,
  latest: optional(latest, `Re-point an alias such as ["latest", ":3.6-ubuntu"] to the newest accepted tag matching pattern (${TAG_LIST_WHERE}).`),
})
  .describe('Which tags are tracked and in which order.')
  .meta({ id: 'tagPolicyWithLatest' });

/**
 * The tag policy of a target whose files hold references, and of a marker policy: no
 * `latest`, since a reference has no alias entry to re-point.
 */
export const tagPolicy = mapping(common, {
  unknownKey: (key, { keyPath, root }) => {
    if (key !== 'latest') return undefined;
    const format = valueAt(root, [...keyPath.slice(0, 2), 'format']);
    const owner = keyPath[0] === 'targets' && keyPath.length === 3 && typeof format === 'string' ? `a ${format} reference` : 'a marker';
    return { message: `applies only to ${formatsPhrase(TAG_LIST_NAMES)}, whose "latest" alias entries it re-points; ${owner} has no alias entry`, part: 'key' };
  },
})
  .describe('Which tags are tracked and in which order.')
  .meta({ id: 'tagPolicy' });

/** The keys of `latest`. */
export const LATEST_KEYS = Object.keys(latest.shape);

/** The keys a tag policy may have. */
export const TAG_POLICY_KEYS = Object.keys(tagPolicyWithLatest.shape);
