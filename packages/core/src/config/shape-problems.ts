/**
 * From zod's issues to config problems: every issue of the shape check becomes one
 * problem at the key or value it is about, with the message the definition gives it, what
 * was expected, and the closest valid key or value where one is near.
 *
 * zod reports a union that no member accepts as one issue holding every member's issues;
 * the member the value was meant for (by its kind, or a target's `format`) is the one whose
 * issues are reported. A target whose `format` is no format at all is also checked as
 * `auto`, so its other problems are not hidden behind that one.
 */
import type * as z from 'zod';
import { closestMatch } from './suggest.js';
import { describeValue, isMapping, type RawProblem, valueAt } from './problems.js';
import type { ConfigKeyPath } from './source-locations.js';
import { noteOf, type SettingNote } from './shape/values.js';

type Issue = z.core.$ZodIssue;
type Schema = z.ZodType;

interface Def {
  type: string;
  innerType?: Schema;
  shape?: Record<string, Schema>;
  element?: Schema;
  valueType?: Schema;
  options?: Schema[];
  discriminator?: string;
  in?: Schema;
}

const defOf = (schema: Schema): Def => schema._zod.def;

/** `schema` without its optional/nullable wrappers. */
function unwrap(schema: Schema): Schema {
  let current = schema;
  for (let i = 0; i < 10; i++) {
    const def = defOf(current);
    if ((def.type === 'optional' || def.type === 'nullable' || def.type === 'default') && def.innerType) current = def.innerType;
    else if (def.type === 'pipe' && def.in) current = def.in;
    else break;
  }
  return current;
}

/** The member of a union that `value` was meant for. */
function memberFor(union: Schema, value: unknown): Schema | undefined {
  const def = defOf(union);
  const options = def.options ?? [];
  const note = noteOf(union);
  if (def.discriminator !== undefined) {
    const key = def.discriminator;
    const written = isMapping(value) ? value[key] : undefined;
    const found = options.find((option) => defOf(unwrap(option)).shape?.[key]?.safeParse(written).success);
    return found ?? note?.fallback;
  }
  if (note?.pick) return options[note.pick(value)];
  return options[0];
}

/** The schema that checks the value at `keyPath` of `data`, looking through wrappers and unions. */
export function schemaAt(root: Schema, data: unknown, keyPath: ConfigKeyPath, options: { keepUnion?: boolean } = {}): Schema | undefined {
  let schema: Schema | undefined = unwrap(root);
  for (let i = 0; i <= keyPath.length && schema; i++) {
    if (defOf(schema).type === 'union' && !(options.keepUnion && i === keyPath.length)) {
      const member = memberFor(schema, valueAt(data, keyPath.slice(0, i)));
      schema = member && unwrap(member);
      if (!schema) return undefined;
    }
    if (i === keyPath.length) break;
    const def = defOf(schema);
    const key = keyPath[i]!;
    const next: Schema | undefined =
      def.type === 'object' ? def.shape?.[String(key)] : def.type === 'array' ? def.element : def.type === 'record' ? def.valueType : undefined;
    schema = next && unwrap(next);
  }
  return schema;
}

/** Notes of the schema at `keyPath` and of the wrapped schema it may be in. */
function noteAt(root: Schema, data: unknown, keyPath: ConfigKeyPath): SettingNote {
  const schema = schemaAt(root, data, keyPath);
  return (schema && noteOf(schema)) ?? {};
}

const ZOD_DEFAULT = /^(Invalid input|Invalid option|Invalid string|Invalid key|Too small|Too big|Unrecognized key)/;

/**
 * The problems of zod's `issues` for `data` checked against `root`.
 *
 * @example
 * const result = configShape.safeParse(data);
 * if (!result.success) problems.push(...shapeProblems(configShape, data, result.error.issues));
 */
export function shapeProblems(root: Schema, data: unknown, issues: readonly Issue[], prefix: ConfigKeyPath = []): RawProblem[] {
  const problems: RawProblem[] = [];
  for (const issue of issues) problems.push(...problemsOf(root, data, issue, prefix));
  return problems;
}

function problemsOf(root: Schema, data: unknown, issue: Issue, prefix: ConfigKeyPath): RawProblem[] {
  const keyPath: ConfigKeyPath = [...prefix, ...(issue.path as (string | number)[])];
  const value = valueAt(data, keyPath);
  const note = noteAt(root, data, keyPath);
  const at = (message: string, part: 'key' | 'value' = note.part ?? 'value', path: ConfigKeyPath = keyPath): RawProblem => ({
    keyPath: path,
    part,
    message,
    expected: note.expected,
    suggestion: typeof value === 'string' && note.candidates ? closestMatch(value, note.candidates) : undefined,
  });

  /** A required key left out (reported at its mapping) or written with nothing after it. */
  const absentOrEmpty = (): RawProblem | undefined => {
    const parentPath = keyPath.slice(0, -1);
    const parent = valueAt(data, parentPath);
    const key = keyPath[keyPath.length - 1];
    if (keyPath.length > 0 && isMapping(parent) && typeof key === 'string' && !(key in parent)) {
      const missing = noteAt(root, data, parentPath).missingKey?.(key);
      return { keyPath: parentPath, part: 'value', message: missing ?? `missing required key "${key}"` };
    }
    return value === null ? at('must not be empty') : undefined;
  };

  switch (issue.code) {
    case 'unrecognized_keys': {
      const schema = schemaAt(root, data, keyPath);
      const allowed = Object.keys(defOf(schema ?? root).shape ?? {});
      return issue.keys.map((key) => {
        const special = note.unknownKey?.(key, { keyPath, root: data });
        if (special) return { keyPath: [...keyPath, key], part: special.part ?? 'key', message: special.message };
        const suggestion = closestMatch(key, allowed);
        return {
          keyPath: [...keyPath, key],
          part: 'key',
          message: `unknown key; ${suggestion ? `did you mean "${suggestion}"?` : `allowed keys: ${allowed.join(', ')}`}`,
          expected: `one of the keys ${allowed.join(', ')}`,
          suggestion,
        };
      });
    }
    case 'invalid_union': {
      if ('note' in issue && issue.note === 'No matching discriminator') {
        // the target's format is wrong: report it, and check the rest as `auto` would
        const parentPath = keyPath.slice(0, -1);
        const parent = valueAt(data, parentPath);
        const union = schemaAt(root, data, parentPath, { keepUnion: true });
        const candidates = (union && noteOf(union)?.candidates) ?? [];
        const problems: RawProblem[] = [
          {
            ...at(issue.message, 'value'),
            expected: `one of ${candidates.join(', ')}`,
            suggestion: typeof value === 'string' ? closestMatch(value, candidates) : undefined,
          },
        ];
        const fallback = union && noteOf(union)?.fallback;
        if (fallback && isMapping(parent)) {
          const key = String(keyPath[keyPath.length - 1]);
          const rest = Object.fromEntries(Object.entries(parent).filter(([name]) => name !== key));
          const checked = fallback.safeParse(rest);
          if (!checked.success)
            problems.push(...shapeProblems(fallback, rest, checked.error.issues).map((p) => ({ ...p, keyPath: [...parentPath, ...p.keyPath] })));
        }
        return problems;
      }
      const absent = absentOrEmpty();
      if (absent) return [absent];
      const union = schemaAt(root, data, keyPath, { keepUnion: true });
      const unionNote = (union && noteOf(union)) ?? {};
      const mismatch = unionNote.mismatch?.(value);
      if (mismatch) return [at(mismatch)];
      const errors = (issue as { errors: Issue[][] }).errors;
      const index = unionNote.pick ? unionNote.pick(value) : indexOfFewest(errors);
      const chosen = errors[index] ?? errors[0] ?? [];
      if (chosen.length === 0) return [at(issue.message)];
      return chosen.flatMap((inner) => problemsOf(root, data, inner, keyPath));
    }
    case 'invalid_key': {
      const inner = (issue as { issues?: Issue[] }).issues?.[0];
      return [at(inner?.message ?? issue.message, 'key')];
    }
    case 'invalid_type': {
      const absent = absentOrEmpty();
      if (absent) return [absent];
      break;
    }
    default:
      break;
  }
  const message = ZOD_DEFAULT.test(issue.message) ? `must be ${note.expected ?? 'something else'} (got ${describeValue(value)})` : issue.message;
  return [at(message)];
}

function indexOfFewest(errors: readonly (readonly Issue[])[]): number {
  let best = 0;
  errors.forEach((list, index) => {
    if (list.length < errors[best]!.length) best = index;
  });
  return best;
}
