/**
 * A target's `discover:` setting: noticing repositories published later in the namespace
 * of the target's repository template.
 *
 * ```yaml
 * discover: add            # off | report | add
 * discover:                # or the long form
 *   mode: add
 *   exclude: ['*-tester']  # globs over the {name} part
 *   entry: |               # extra keys of a new entry; {name} is substituted
 *     slots:
 *       <<: *default
 * ```
 *
 * Only targets of a format that discovers take it (an entry stands for a repository there:
 * backendai, whose adapter has `discovery`); the other formats take `off` alone. That the template names a namespace, that `entry` is YAML of a
 * mapping and that the globs compile are code-only rules.
 */
import * as z from 'zod';
import { describeValue, isMapping } from '../problems.js';
import { DISCOVER_FORMATS, formatsPhrase } from './format-facts.js';
import { mapping, noted, oneOf, oneOrList, optional, textMatching } from './values.js';

export const DISCOVER_MODES = ['off', 'report', 'add'] as const;

const excludeGlob = textMatching(
  'a glob over entry names, such as *-tester',
  /^[^/]+$/u,
  (glob) => `matches the {name} part of a repository, which has no "/" (got ${JSON.stringify(glob)})`,
);

/** Placeholders (`{word}`) other than `{name}` are refused; `{cpu: 1}` is a YAML flow mapping, not a placeholder. */
const ENTRY_PLACEHOLDERS = /^(?![\s\S]*\{(?!name\})[A-Za-z0-9_]+\})/u;
const entry = textMatching('YAML text of the extra keys of a new entry, such as "slots: {cpu: 1}"', ENTRY_PLACEHOLDERS, (value) => {
  const bad = /\{([A-Za-z0-9_]+)\}/.exec(value.replaceAll('{name}', ''))?.[1] ?? '';
  return `unknown placeholder {${bad}}; only {name} (the new entry's name) is replaced`;
});

const modeDescription = "off, report (a new-repository report; check exits 1) or add (a new entry in the file's style).";

const discoverMapping = mapping({
  mode: oneOf(DISCOVER_MODES).describe(modeDescription),
  exclude: optional(
    oneOrList(excludeGlob, 'a glob over entry names, such as *-tester'),
    'Glob(s) over the {name} part of repositories never to report or add, such as *-tester (no /). Checked by imgsync beyond this schema: each glob must compile.',
  ),
  entry: optional(
    entry,
    "YAML text of a mapping: the extra keys of a new entry (not name or tags), which may use the file's anchors (*default); {name} is the only placeholder. " +
      'Checked by imgsync beyond this schema: it must be valid YAML of a mapping without name or tags.',
  ),
});

const description =
  `Notice repositories published later in the namespace of the repository template (${formatsPhrase(DISCOVER_FORMATS)}; other formats take only off). ` +
  modeDescription +
  ` Default: report for ${DISCOVER_FORMATS.join(' and ')} targets whose template allows it. ` +
  'Checked by imgsync beyond this schema: unless off, the template needs {name} once, in its last path component, after a namespace (lablup/kernel-{name}).';

/** `discover` of a target of a format that discovers: a mode, or the long form. */
export const discover = noted(z.union([oneOf(DISCOVER_MODES), discoverMapping]), {
  expected: `one of ${DISCOVER_MODES.join(', ')}, or a mapping with mode`,
  pick: (input) => (isMapping(input) ? 1 : 0),
}).describe(description);

/** `discover` of a target of another format: only `off`, as a mode or in the long form. */
export function discoverOff(format: string) {
  const refused = () =>
    `applies only to ${formatsPhrase(DISCOVER_FORMATS)}, where an entry stands for a repository (this target's format is ${format}); remove it or set discover: off`;
  const off = noted(z.literal('off', { error: refused }), { part: 'key' });
  const offMapping = mapping({ mode: off, exclude: discoverMapping.shape.exclude, entry: discoverMapping.shape.entry });
  return noted(
    z.union([off, offMapping], {
      error: (issue) =>
        issue.input === undefined
          ? undefined
          : isMapping(issue.input) || typeof issue.input === 'string'
            ? undefined
            : `must be off (got ${describeValue(issue.input)})`,
    }),
    { expected: 'off', pick: (input) => (isMapping(input) ? 1 : 0), part: 'key' },
  ).describe(description);
}

/** The keys of the long form. */
export const DISCOVER_KEYS = Object.keys(discoverMapping.shape);
