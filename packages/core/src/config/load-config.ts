/**
 * `loadConfig` and `parseConfig`: read an imgsync config file (YAML, or JSON for a
 * `.json` path), check it, and return the typed, normalised {@link ImgsyncConfig}.
 *
 * Both YAML and JSON are parsed with the project's YAML parser, which keeps byte ranges,
 * so that every error names the file, line and column. A `.json` file is first checked
 * with `JSON.parse`: the YAML parser would accept comments and trailing commas that no
 * other JSON tool does.
 */
import * as nodeFs from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { ConfigError, type ConfigProblem, YamlSyntaxError } from '../errors.js';
import { parseYaml } from '../yaml/yaml-file.js';
import { createSourceLocator, type SourceLocator } from './source-locations.js';
import type { ImgsyncConfig } from './types.js';
import { checkConfig, validateConfig } from './validate.js';

/** The file operation {@link loadConfig} needs; node:fs/promises by default. */
export interface ConfigFileSystem {
  readFile(path: string, encoding: 'utf8'): Promise<string>;
}

/**
 * Where the config comes from: a file to read, or text already read (from stdin, a
 * Lambda event, a test) with the path it stands for. `cwd` resolves a relative `path`
 * (default `process.cwd()`).
 */
export type ConfigSource = { path: string; text?: string; cwd?: string };

/**
 * Reads and checks a config file.
 *
 * | source | meaning |
 * | --- | --- |
 * | `{ path }` | read the file with `fs` |
 * | `{ text, path }` | check `text`; `path` names it in messages and anchors relative paths |
 *
 * Throws {@link ConfigError} (unreadable file, invalid JSON, invalid config) or
 * `YamlSyntaxError` (invalid YAML), each with path, line and column.
 *
 * @example
 * const config = await loadConfig({ path: 'imgsync.config.yaml' });
 * for (const target of config.targets) console.log(target.files, target.format, target.tagPolicy.sort);
 */
export async function loadConfig(source: ConfigSource, fs: ConfigFileSystem = nodeFs): Promise<ImgsyncConfig> {
  if (source.text !== undefined) return parseConfig(source.text, source.path, { cwd: source.cwd });
  let text: string;
  try {
    text = await fs.readFile(resolve(source.cwd ?? process.cwd(), source.path), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'config file not found' : `cannot read config file (${code ?? (error as Error).message})`;
    throw new ConfigError(reason, { path: source.path });
  }
  return parseConfig(text, source.path, { cwd: source.cwd });
}

/**
 * The synchronous core of {@link loadConfig}: checks `text` as the config file at `path`.
 *
 * @example
 * parseConfig('targets:\n  - files: images.yml\n    format: backendai\n', 'imgsync.config.yaml').targets[0].digest
 * // 'image-id-12'
 */
export function parseConfig(text: string, path: string, options: { cwd?: string } = {}): ImgsyncConfig {
  const dir = dirname(resolve(options.cwd ?? process.cwd(), path));
  const { data, locator } = readConfigText(text, path);
  return validateConfig(data, { path, dir, locator });
}

/**
 * Every problem of `text` as the config file at `path`, without loading it: the YAML (or
 * JSON) syntax, the shape and the code-only rules. Nothing is read from disk or the
 * network, no file pattern is globbed and secret references are checked for form only.
 * Empty when the config is valid. This is what `imgsync validate` prints.
 *
 * @example
 * checkConfigText('targets:\n  - files: a.yml\n    format: helm\n', 'imgsync.config.yaml')
 * // [{ path: 'imgsync.config.yaml', line: 3, col: 13, setting: 'targets[0].format', message: 'must be one of …; did you mean "helm-values"?', … }]
 */
export function checkConfigText(text: string, path: string): ConfigProblem[] {
  try {
    const { data, locator } = readConfigText(text, path);
    return checkConfig(data, { path, dir: '/', locator });
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    if (error instanceof YamlSyntaxError) return [{ path, line: error.line, col: error.col, setting: '', message: error.reason }];
    throw error;
  }
}

/** The data of a config file's text and where each key path was written; throws for a text that is no config at all. */
function readConfigText(text: string, path: string): { data: unknown; locator: SourceLocator } {
  if (/\.json$/i.test(path)) checkJson(text, path);
  const file = parseYaml(text, { path });
  if (file.documents.length > 1) {
    throw new ConfigError('holds several YAML documents (---); a config file is one document', { path });
  }
  const doc = file.documents[0]?.composed();
  const data: unknown = doc?.toJS({ maxAliasCount: -1 });
  if (doc === undefined || data === null || data === undefined) {
    throw new ConfigError('the config file is empty; it needs at least targets: [{ files: ..., format: ... }]', { path, line: 1, col: 1 });
  }
  return { data, locator: createSourceLocator(text, doc) };
}

function checkJson(text: string, path: string): void {
  try {
    JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    const reason = (error as Error).message;
    const offset = /at position (\d+)/.exec(reason)?.[1];
    let where: { path: string; line?: number; col?: number } = { path };
    if (offset !== undefined) {
      const before = text.replace(/^\uFEFF/, '').slice(0, Number(offset));
      const lines = before.split('\n');
      where = { path, line: lines.length, col: lines[lines.length - 1]!.length + 1 };
    }
    throw new ConfigError(`invalid JSON: ${reason.replace(/ in JSON at position \d+.*$/, '').replace(/, ".*" is not valid JSON$/, '')}`, where);
  }
}
