/**
 * A config problem: one thing wrong with one setting, located in the file. The loader
 * collects every problem of a file (the shape check's and the code-only rules') and throws
 * them together as one `ConfigError`, sorted by position, one line each:
 *
 *   imgsync.config.yaml:7:13: targets[0].format: must be one of backendai, … (got "backendia"); did you mean "backendai"?
 *
 * Values are quoted in messages (cut at 60 characters), except under secret keys and when
 * they look like a credential: those are never shown.
 */
import type { ConfigProblem } from '../errors.js';
import { looksLikeSecret } from './env-refs.js';
import type { ConfigKeyPath, LocatePart, SourceLocator } from './source-locations.js';
import { plainText } from '../plain-text.js';

export type { ConfigProblem } from '../errors.js';

/** A problem before it is located: the key path, which part of it, and what is wrong. */
export interface RawProblem {
  keyPath: ConfigKeyPath;
  part: LocatePart;
  message: string;
  expected?: string | undefined;
  suggestion?: string | undefined;
  /** The code-only rule that found it; `undefined` for the shape check. */
  rule?: string | undefined;
}

/** `targets[0].tags.include[1]`, `registries["docker.io"].credentials`. */
export function formatConfigPath(keyPath: ConfigKeyPath): string {
  let out = '';
  for (const key of keyPath) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (/^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(key)) out += out ? `.${key}` : key;
    else out += `[${JSON.stringify(key)}]`;
  }
  return out;
}

export function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** How a value is shown after "got": strings quoted and cut (never one shaped like a secret), other kinds named. */
export function describeValue(value: unknown): string {
  if (value === undefined || value === null) return 'nothing';
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') {
    if (looksLikeSecret(value)) return 'a value shaped like a token (not shown)';
    if (value.trim() === '') return 'an empty string';
    return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  }
  return plainText(value);
}

/** The value at `keyPath` in `data`, or `undefined`. */
export function valueAt(data: unknown, keyPath: ConfigKeyPath): unknown {
  let node = data;
  for (const key of keyPath) {
    if (Array.isArray(node) && typeof key === 'number') node = node[key];
    else if (isMapping(node) && typeof key === 'string') node = node[key];
    else return undefined;
  }
  return node;
}

/**
 * Locates, de-duplicates (one problem per setting: the first found, so a secret outranks
 * the shape check, which outranks the code-only rules) and sorts problems by position.
 */
export function locateProblems(raw: readonly RawProblem[], path: string, locator: SourceLocator): ConfigProblem[] {
  const seen = new Set<string>();
  const problems: ConfigProblem[] = [];
  for (const problem of raw) {
    const setting = formatConfigPath(problem.keyPath);
    if (seen.has(setting)) continue;
    seen.add(setting);
    const position = locator.locate(problem.keyPath, problem.part);
    problems.push({
      path,
      ...(position && { line: position.line, col: position.col }),
      setting,
      message: problem.message,
      ...(problem.expected !== undefined && { expected: problem.expected }),
      ...(problem.suggestion !== undefined && { suggestion: problem.suggestion }),
      ...(problem.rule !== undefined && { rule: problem.rule }),
    });
  }
  return problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.col ?? 0) - (b.col ?? 0));
}
