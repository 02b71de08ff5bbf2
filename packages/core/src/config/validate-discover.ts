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
 * The setting applies or is refused: with a format whose entries do not stand for
 * repositories, or a template that names no namespace, an explicit `discover` is an error;
 * only the default (`report` for backendai) quietly stays off where it cannot apply.
 */
import picomatch from 'picomatch';
import { parseDocument, isMap } from 'yaml';
import { parseNameTemplate } from '../image-ref/name-template.js';
import { CONFIG_ENUMS, CONFIG_KEYS, DISCOVER_FORMATS } from './config-keys.js';
import { isMapping, type ConfigReader } from './config-reader.js';
import type { ConfigKeyPath } from './source-locations.js';
import type { DiscoverConfig, TargetFormat } from './types.js';

/** Keys a new entry gets from the registry, which the `entry` template may not set. */
const ENTRY_OWN_KEYS = ['name', 'tags'];

const PLACEHOLDER = /\{([^{}]*)\}/g;

export function readDiscover(
  reader: ConfigReader,
  at: ConfigKeyPath,
  value: unknown,
  format: TargetFormat,
  repository: string,
): DiscoverConfig | undefined {
  const explicit = value !== undefined && value !== null;
  const template = parseNameTemplate(repository);
  if (!explicit) {
    // the default: report, where discovery can apply at all
    if (format !== 'backendai' || 'error' in template) return undefined;
    return { mode: 'report', namespace: template.namespace, exclude: [], entry: undefined, where: reader.where(at.slice(0, -1)) };
  }
  const long = isMapping(value) ? reader.mapping(at, value, CONFIG_KEYS.discover, ['mode']) : undefined;
  const modeAt = long ? [...at, 'mode'] : at;
  const mode = reader.oneOf(modeAt, long ? long.mode : value, CONFIG_ENUMS.discover);
  if (mode === 'off') return undefined;
  if (!DISCOVER_FORMATS.includes(format)) {
    reader.fail(
      at,
      `applies only to format ${DISCOVER_FORMATS.join(', ')}, where an entry stands for a repository (this target's format is ${format}); ` +
        'remove it or set discover: off',
      'key',
    );
  }
  if ('error' in template) reader.fail(at, `${template.error}; or set discover: off`, 'key');
  const exclude = long && long.exclude !== undefined && long.exclude !== null ? readExclude(reader, [...at, 'exclude'], long.exclude) : [];
  const entry = long && long.entry !== undefined && long.entry !== null ? readEntryTemplate(reader, [...at, 'entry'], long.entry) : undefined;
  return { mode, namespace: template.namespace, exclude, entry, where: reader.where(at) };
}

function readExclude(reader: ConfigReader, at: ConfigKeyPath, value: unknown): string[] {
  const globs = reader.stringList(at, value, 'a glob over entry names, such as *-tester');
  globs.forEach((glob, i) => {
    const itemAt = Array.isArray(value) ? [...at, i] : at;
    if (glob.includes('/')) reader.fail(itemAt, `matches the {name} part of a repository, which has no "/" (got ${JSON.stringify(glob)})`);
    try {
      picomatch.makeRe(glob);
    } catch (error) {
      reader.fail(itemAt, `is not a valid glob: ${(error as Error).message}`);
    }
  });
  return globs;
}

/** The `entry` template: YAML text of a mapping, with `{name}` as its only placeholder. */
function readEntryTemplate(reader: ConfigReader, at: ConfigKeyPath, value: unknown): string {
  const text = reader.string(at, value, 'YAML text of the extra keys of a new entry, such as "slots: {cpu: 1}"');
  for (const match of text.matchAll(PLACEHOLDER)) {
    if (match[1] !== 'name') reader.fail(at, `unknown placeholder {${match[1]}}; only {name} (the new entry's name) is replaced`);
  }
  const doc = parseDocument(text.replaceAll('{name}', 'name'), { merge: true });
  const problem = doc.errors[0];
  if (problem) reader.fail(at, `is not valid YAML: ${problem.message.split('\n')[0]}`);
  if (!isMap(doc.contents)) reader.fail(at, 'must be YAML text of a mapping (the extra keys of a new entry, such as "slots: {cpu: 1}")');
  for (const pair of doc.contents.items) {
    const key = String((pair.key as { value?: unknown } | null)?.value ?? '');
    if (ENTRY_OWN_KEYS.includes(key)) reader.fail(at, `must not set "${key}": a new entry's ${key} comes from the registry`);
  }
  return text;
}

/** Whether `name` is excluded by one of `globs`. */
export function isExcludedName(name: string, globs: readonly string[]): boolean {
  return globs.some((glob) => picomatch.isMatch(name, glob));
}
