/**
 * `ConfigReader`: the typed checks every validator uses. Each check takes the key path
 * and the raw value, returns the value typed, or throws {@link ConfigError} with the
 * config file's path, the line and column of the offending key or value, and a message
 * that starts with the key path and says what is expected:
 *
 *   imgsync.config.yaml:7:13: targets[0].format: must be one of backendai, … (got "backendia"); did you mean "backendai"?
 *
 * Values are quoted in messages (cut at 60 characters), except under secret keys, whose
 * values are never shown.
 */
import { ConfigError } from '../errors.js';
import type { ConfigLocation } from '../policy/tag-policy.js';
import { parseRef } from './env-refs.js';
import type { ConfigKeyPath, LocatePart, SourceLocator } from './source-locations.js';
import { closestMatch } from './suggest.js';
import type { SecretRef } from './types.js';

export type RawMapping = Record<string, unknown>;

export class ConfigReader {
  readonly path: string;
  readonly #locator: SourceLocator;

  constructor(path: string, locator: SourceLocator) {
    this.path = path;
    this.#locator = locator;
  }

  /** The file, line and column of a key path (of its key with `part: 'key'`). */
  where(keyPath: ConfigKeyPath, part: LocatePart = 'value'): ConfigLocation {
    const position = this.#locator.locate(keyPath, part);
    return position ? { path: this.path, ...position } : { path: this.path };
  }

  /** Throws `ConfigError("<key path>: <message>")` located at the key path. */
  fail(keyPath: ConfigKeyPath, message: string, part: LocatePart = 'value'): never {
    const prefix = keyPath.length ? `${formatConfigPath(keyPath)}: ` : '';
    throw new ConfigError(`${prefix}${message}`, this.where(keyPath, part));
  }

  /**
   * A mapping with only `allowed` keys and all `required` ones. An unknown key is
   * reported at the key, with the closest allowed key when one is near.
   */
  mapping(keyPath: ConfigKeyPath, value: unknown, allowed: readonly string[], required: readonly string[] = []): RawMapping {
    if (!isMapping(value)) this.fail(keyPath, `must be a mapping (got ${describeValue(value)})`);
    for (const key of Object.keys(value)) {
      if (allowed.includes(key)) continue;
      const suggestion = closestMatch(key, allowed);
      const hint = suggestion ? `did you mean "${suggestion}"?` : `allowed keys: ${allowed.join(', ')}`;
      this.fail([...keyPath, key], `unknown key; ${hint}`, 'key');
    }
    for (const key of required) {
      if (value[key] === undefined || value[key] === null) {
        if (key in value) this.fail([...keyPath, key], 'must not be empty');
        this.fail(keyPath, `missing required key "${key}"`);
      }
    }
    return value;
  }

  string(keyPath: ConfigKeyPath, value: unknown, what = 'a string'): string {
    if (typeof value !== 'string') this.fail(keyPath, `must be ${what} (got ${describeValue(value)})`);
    if (value.trim() === '') this.fail(keyPath, `must be ${what} (got an empty string)`);
    return value;
  }

  /** One of `allowed`, with the closest value suggested for a typo. */
  oneOf<T extends string>(keyPath: ConfigKeyPath, value: unknown, allowed: readonly T[]): T {
    if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
    const suggestion = typeof value === 'string' ? closestMatch(value, allowed) : undefined;
    const hint = suggestion ? `; did you mean "${suggestion}"?` : '';
    this.fail(keyPath, `must be one of ${allowed.join(', ')} (got ${describeValue(value)})${hint}`);
  }

  boolean(keyPath: ConfigKeyPath, value: unknown): boolean {
    if (typeof value !== 'boolean') this.fail(keyPath, `must be true or false (got ${describeValue(value)})`);
    return value;
  }

  integer(keyPath: ConfigKeyPath, value: unknown, min: number, max: number): number {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      this.fail(keyPath, `must be a whole number from ${min} to ${max} (got ${describeValue(value)})`);
    }
    return value;
  }

  /** A string, or a non-empty list of strings; always returned as a list. */
  stringList(keyPath: ConfigKeyPath, value: unknown, what: string): string[] {
    if (!Array.isArray(value)) return [this.string(keyPath, value, what)];
    if (value.length === 0) this.fail(keyPath, `must be ${what} or a non-empty list of them (got an empty list)`);
    return value.map((item, index) => this.string([...keyPath, index], item, what));
  }

  /** An `http:`/`https:` URL without credentials in it. */
  url(keyPath: ConfigKeyPath, value: unknown): string {
    const text = this.string(keyPath, value, 'an http or https URL');
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      this.fail(keyPath, `must be an http or https URL (got ${describeValue(text)})`);
    }
    if (url.username || url.password) {
      this.fail(keyPath, 'must not contain credentials (value not shown); put the token in an env:NAME reference instead');
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      this.fail(keyPath, `must be an http or https URL (got ${describeValue(text)})`);
    }
    return text.replace(/\/+$/, '');
  }

  /**
   * An `env:NAME` or `file:PATH` reference. Anything else is refused without showing the
   * value, since it is probably the secret itself.
   */
  secretRef(keyPath: ConfigKeyPath, value: unknown, example: string): SecretRef {
    const text = typeof value === 'string' ? value : undefined;
    if (text === undefined || parseRef(text).kind === 'literal') {
      const env = text?.startsWith('env:') ? ' (env: must be followed by a variable name such as MY_TOKEN)' : '';
      this.fail(
        keyPath,
        `must be a reference such as env:${example} or file:PATH, never the secret itself (value not shown)${env}; ` +
          'set the secret in that environment variable or file',
      );
    }
    return text as SecretRef;
  }
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

export function isMapping(value: unknown): value is RawMapping {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** How a value is shown after "got": strings quoted and cut, other kinds named. */
export function describeValue(value: unknown): string {
  if (value === undefined || value === null) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  return String(value);
}
