/**
 * The building blocks of the config's definition: each makes a zod schema that checks one
 * kind of value, says in its JSON Schema `description` what it takes, and carries the
 * message a user sees when the value is wrong, in one style:
 *
 *   must be one of push, pull-request (got "pull_request"); did you mean "pull-request"?
 *
 * Every optional setting also takes `null` (`format:` with nothing after it), which means
 * the same as leaving it out, as it always has.
 *
 * {@link noteOf} keeps, per schema, what the problem list reports besides the message:
 * the expected value, the candidates a typo is compared with, how to report an unknown
 * key of a mapping, and which member of a union the value was meant for.
 */
import * as z from 'zod';
import { closestMatch } from '../suggest.js';
import { describeValue } from '../problems.js';
import type { ConfigKeyPath } from '../source-locations.js';

/** What the problem list needs to know about a schema beyond its messages. */
export interface SettingNote {
  /** What the setting takes, in words (`a branch name such as main`). */
  expected?: string;
  /** Valid values, for "did you mean". */
  candidates?: readonly string[];
  /** The message for an unknown key of this mapping (default: the closest key, or the allowed keys). */
  unknownKey?: (key: string, context: { keyPath: ConfigKeyPath; root: unknown }) => { message: string; part?: 'key' | 'value' } | undefined;
  /** The message for a missing required key of this mapping (default: `missing required key "KEY"`). */
  missingKey?: (key: string) => string | undefined;
  /** For a union: which member the value was meant for, whose problems are reported. */
  pick?: (input: unknown) => number;
  /** For a union: the message when the value fits no member's kind at all. */
  mismatch?: (input: unknown) => string | undefined;
  /** For a union by a key (a target's `format`): the member whose checks still apply when that key is wrong. */
  fallback?: z.ZodType;
  /** Report problems of the value at its key (a setting that does not apply), not at the value. */
  part?: 'key';
}

/**
 * Notes by schema definition, which `.describe()` and `.meta()` copies share, so a note
 * survives the description added where a setting is declared.
 */
const notes = new WeakMap<object, SettingNote>();

export function noted<T extends z.ZodType>(schema: T, note: SettingNote): T {
  notes.set(schema._zod.def, { ...notes.get(schema._zod.def), ...note });
  return schema;
}

/** The note of `schema`, if it has one. */
export function noteOf(schema: z.ZodType): SettingNote | undefined {
  return notes.get(schema._zod.def);
}

/** Issues of these kinds are messages about the value's kind or text, never about a missing key. */
const mustBe = (expected: string) => (issue: { input?: unknown }) =>
  issue.input === undefined ? undefined : `must be ${expected} (got ${describeValue(issue.input)})`;

/**
 * A non-blank string.
 *
 * @example text('a branch name such as main', 'Branch to update.')
 */
export function text(expected: string) {
  const schema = z.string({ error: mustBe(expected) }).regex(/\S/u, { error: mustBe(expected), abort: true });
  return noted(schema, { expected });
}

/**
 * A non-blank string that also matches `pattern`; `why` says what is wrong with a value
 * that does not (default: the plain "must be EXPECTED (got …)").
 */
export function textMatching(expected: string, pattern: RegExp, why?: (value: string) => string) {
  const schema = z
    .string({ error: mustBe(expected) })
    .regex(/\S/u, { error: mustBe(expected), abort: true })
    .regex(pattern, { error: (issue) => (why ? why(String(issue.input)) : mustBe(expected)(issue)) });
  return noted(schema, { expected });
}

/** One of `values`, with the closest one suggested for a typo. */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  const expected = `one of ${values.join(', ')}`;
  const schema = z.enum(values, {
    error: (issue) => {
      if (issue.input === undefined) return undefined;
      const suggestion = typeof issue.input === 'string' ? closestMatch(issue.input, values) : undefined;
      return `must be ${expected} (got ${describeValue(issue.input)})${suggestion ? `; did you mean "${suggestion}"?` : ''}`;
    },
  });
  return noted(schema, { expected, candidates: values });
}

/** `true` or `false`. */
export function bool() {
  const schema = z.boolean({ error: (issue) => (issue.input === undefined ? undefined : `must be true or false (got ${describeValue(issue.input)})`) });
  return noted(schema, { expected: 'true or false' });
}

/** A whole number from `min` to `max`. */
export function integer(min: number, max: number) {
  const expected = `a whole number from ${min} to ${max}`;
  const error = mustBe(expected);
  const schema = z.int({ error }).min(min, { error }).max(max, { error });
  return noted(schema, { expected });
}

/**
 * One value, or a non-empty list of them; the loader always hands on a list.
 *
 * @example oneOrList(text('a regular expression'), 'a regular expression')
 */
export function oneOrList<T extends z.ZodType>(item: T, expected: string) {
  const list = z.array(item).min(1, { error: () => `must be ${expected} or a non-empty list of them (got an empty list)` });
  const schema = z.union([item, list]);
  return noted(schema, {
    expected: `${expected} or a non-empty list of them`,
    pick: (input) => (Array.isArray(input) ? 1 : 0),
    mismatch: (input) =>
      typeof input === 'string' || Array.isArray(input) ? undefined : `must be ${expected} or a non-empty list of them (got ${describeValue(input)})`,
  });
}

/** A `{ KEY: value }` mapping that also takes `null`; see {@link SettingNote.unknownKey}. */
export function mapping<S extends z.ZodRawShape>(shape: S, note: Omit<SettingNote, 'expected'> = {}) {
  const schema = z.strictObject(shape, { error: mappingError });
  return noted(schema, { expected: 'a mapping', ...note });
}

/** The message for a value that is not a mapping at all (issues inside one are the keys' own). */
function mappingError(issue: { code?: string; input?: unknown }): string | undefined {
  if (issue.code !== 'invalid_type' || issue.input === undefined) return undefined;
  return `must be a mapping (got ${describeValue(issue.input)})`;
}

/** The same setting, optional: left out, or written with nothing after it. */
export function optional<T extends z.ZodType>(schema: T, description?: string) {
  const wrapped = schema.nullish();
  return description ? wrapped.describe(description) : wrapped;
}
