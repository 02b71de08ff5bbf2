/**
 * The error family of imgsync: one contract for the library, `--json` and the Lambda log.
 *
 * - Every error a caller can act on is an {@link ImgsyncError} whose `code` is one of the
 *   closed union {@link ImgsyncErrorCode}; nothing else is ever reported as a code.
 * - The facts (file, line, column, setting, registry, repository, HTTP status, remote, git
 *   step) are fields, not only message text: {@link ErrorFacts}, the same plain shape in
 *   `UpdateResult.errors`, `FileResult.error`, a fleet repository's `error`, the CLI's
 *   `--json` failure document and the Lambda's `failed` log line. `JSON.stringify` of an
 *   error gives it too (`toJSON`). {@link errorFacts} turns anything thrown into it.
 * - The message names what failed in one readable line, with its place first
 *   (`images.yml:12:7: …`, `registry ghcr.io/org/app (HTTP 404): …`).
 *
 * Front ends map `code` to exit codes: `YAML_SYNTAX`, `YAML_EDIT`, `CONFIG`, `FORMAT`,
 * `FILE`, `FILE_TOO_LARGE` and `USAGE` are input errors (exit 2), `REGISTRY` and `GIT` are
 * remote failures (exit 3), `DEADLINE` is a run stopped by its time budget or a signal
 * (exit 4), `INTERNAL` is a bug.
 *
 * Messages never contain a secret: anything that may echo a server's words goes through
 * {@link redactSecrets} first.
 */
export type ImgsyncErrorCode =
  | 'YAML_SYNTAX'
  | 'YAML_EDIT'
  | 'CONFIG'
  | 'REGISTRY'
  | 'GIT'
  | 'FORMAT'
  | 'FILE'
  | 'FILE_TOO_LARGE'
  | 'DEADLINE'
  /** A command line the CLI refuses (not thrown by the library). */
  | 'USAGE'
  /** Anything that is not an {@link ImgsyncError}: a bug, reported as such. */
  | 'INTERNAL';

/** Every {@link ImgsyncErrorCode}, for front ends that validate or document them. */
export const ERROR_CODES: readonly ImgsyncErrorCode[] = [
  'YAML_SYNTAX',
  'YAML_EDIT',
  'CONFIG',
  'REGISTRY',
  'GIT',
  'FORMAT',
  'FILE',
  'FILE_TOO_LARGE',
  'DEADLINE',
  'USAGE',
  'INTERNAL',
];

/**
 * An error as plain data. `message` is the whole readable line; the other fields are what
 * the error knows (absent when it does not).
 *
 * @example
 * { code: 'YAML_SYNTAX', message: 'images.yml:3:9: Missing , or : between flow map items', path: 'images.yml', line: 3, col: 9 }
 */
export interface ErrorFacts {
  code: ImgsyncErrorCode;
  message: string;
  /** The file the error is about: a target file, the config file, a snapshot. */
  path?: string;
  /** 1-based line and column in `path`. */
  line?: number;
  col?: number;
  /** The config setting (`targets[0].format`) or the YAML key path (`images[3].tags`). */
  setting?: string;
  registry?: string;
  repository?: string;
  /** HTTP status of the failed request. */
  status?: number;
  /** Git remote, without credentials. */
  remote?: string;
  /** Git step (`clone`, `push`) or what a stopped run was doing (`registry ghcr.io: tags of org/app`). */
  step?: string;
  /** Every problem of a config file (`CONFIG`): at least the one the other fields describe. */
  problems?: readonly ConfigProblem[];
}

/**
 * The base of every error imgsync throws on purpose: a {@link ImgsyncErrorCode} and the facts of the failure (see {@link ErrorFacts}).
 */
export class ImgsyncError extends Error {
  readonly code: ImgsyncErrorCode;
  constructor(code: ImgsyncErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }

  /** The error as plain data (see {@link ErrorFacts}); subclasses add what they know. */
  facts(): ErrorFacts {
    return { code: this.code, message: this.message };
  }

  toJSON(): ErrorFacts {
    return this.facts();
  }
}

/**
 * Anything thrown, as {@link ErrorFacts}: an {@link ImgsyncError}'s own facts, else
 * `INTERNAL` with the error's message.
 *
 * @example
 * try { await runUpdate(options) } catch (error) { log(errorFacts(error)) }
 */
export function errorFacts(error: unknown): ErrorFacts {
  if (error instanceof ImgsyncError) return error.facts();
  return { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) };
}

/** `{ ...facts }` without the fields that are undefined. */
function definedFacts(facts: { [K in keyof ErrorFacts]?: ErrorFacts[K] | undefined } & Pick<ErrorFacts, 'code' | 'message'>): ErrorFacts {
  return Object.fromEntries(Object.entries(facts).filter(([, value]) => value !== undefined)) as unknown as ErrorFacts;
}

/** Malformed YAML: names the file and the 1-based line and column the parser stopped at. */
export class YamlSyntaxError extends ImgsyncError {
  readonly path: string;
  readonly line: number;
  readonly col: number;
  /** The parser's own message, without the location prefix. */
  readonly reason: string;
  constructor(path: string, line: number, col: number, reason: string) {
    super('YAML_SYNTAX', `${path}:${line}:${col}: ${reason}`);
    this.path = path;
    this.line = line;
    this.col = col;
    this.reason = reason;
  }

  override facts(): ErrorFacts {
    return definedFacts({ code: this.code, message: this.message, path: this.path, line: this.line, col: this.col });
  }
}

/**
 * An edit that the editor refuses: a path that does not exist, a node shared through an
 * anchor, alias or merge key (editing it would silently change other entries), or a value
 * of a type that cannot be written.
 */
export class YamlEditError extends ImgsyncError {
  readonly path: string;
  readonly keyPath: readonly unknown[];
  /** Where the node the edit stopped at starts, when it is in the text as read. */
  readonly line: number | undefined;
  readonly col: number | undefined;
  constructor(path: string, keyPath: readonly unknown[], reason: string, where?: { line: number; col: number }) {
    super('YAML_EDIT', `${path}${where ? `:${where.line}:${where.col}` : ''}: cannot edit ${formatKeyPath(keyPath)}: ${reason}`);
    this.path = path;
    this.keyPath = keyPath;
    this.line = where?.line;
    this.col = where?.col;
  }

  override facts(): ErrorFacts {
    return definedFacts({ code: this.code, message: this.message, path: this.path, line: this.line, col: this.col, setting: formatKeyPath(this.keyPath) });
  }
}

/**
 * One thing wrong with one setting of a config file: where (file, 1-based line and
 * column), which setting (`targets[0].format`), what is wrong, what was expected and the
 * closest valid value or key when one is near. `rule` names the code-only rule that found
 * it (`regex-compiles`, `semver-range`, …); a problem of the config's shape has none.
 */
export interface ConfigProblem {
  path: string | undefined;
  line?: number;
  col?: number;
  /** The setting's key path, as users write it (`registries["docker.io"].credentials`); empty for the file itself. */
  setting: string;
  /** What is wrong, without the location and setting. */
  message: string;
  expected?: string;
  suggestion?: string;
  rule?: string;
}

/**
 * Invalid configuration: names the config file and, where known, the line and column.
 * A config with several problems is one error listing all of them (`problems`, sorted by
 * position; the message has one line each); `path`, `line` and `col` are the first's.
 */
export class ConfigError extends ImgsyncError {
  readonly path: string | undefined;
  readonly line: number | undefined;
  readonly col: number | undefined;
  readonly problems: readonly ConfigProblem[];
  constructor(message: string, where: { path?: string; line?: number; col?: number } = {}, problems: readonly ConfigProblem[] = []) {
    const list: readonly ConfigProblem[] = problems.length
      ? problems
      : [{ path: where.path, ...(where.line && { line: where.line }), ...(where.line && where.col && { col: where.col }), setting: '', message }];
    super('CONFIG', list.map(formatConfigProblem).join('\n'));
    const first = list[0]!;
    this.path = first.path;
    this.line = first.line;
    this.col = first.col;
    this.problems = list;
  }

  /** One error for every problem of a config file (at least one). */
  static of(problems: readonly ConfigProblem[]): ConfigError {
    return new ConfigError('', {}, problems);
  }

  override facts(): ErrorFacts {
    const first = this.problems[0];
    return definedFacts({
      code: this.code,
      message: this.message,
      path: this.path,
      line: this.line,
      col: this.col,
      setting: first?.setting || undefined,
      problems: this.problems,
    });
  }
}

/** `file:line:col: setting: message`, as the CLI prints each problem. */
export function formatConfigProblem(problem: ConfigProblem): string {
  const loc = problem.path ? `${problem.path}${problem.line ? `:${problem.line}${problem.col ? `:${problem.col}` : ''}` : ''}: ` : '';
  return `${loc}${problem.setting ? `${problem.setting}: ` : ''}${problem.message}`;
}

/** A registry call that failed: names the registry, the repository and the HTTP status. */
export class RegistryError extends ImgsyncError {
  readonly registry: string;
  readonly repository: string | undefined;
  readonly status: number | undefined;
  constructor(message: string, where: { registry: string; repository?: string; status?: number }, options?: { cause?: unknown }) {
    const what = where.repository ? `${where.registry}/${where.repository}` : where.registry;
    const status = where.status ? ` (HTTP ${where.status})` : '';
    super('REGISTRY', redactSecrets(`registry ${what}${status}: ${message}`), options);
    this.registry = where.registry;
    this.repository = where.repository;
    this.status = where.status;
  }

  override facts(): ErrorFacts {
    return definedFacts({ code: this.code, message: this.message, registry: this.registry, repository: this.repository, status: this.status });
  }
}

/** A git or GitHub call that failed: names the remote (without credentials) and the step. */
export class GitError extends ImgsyncError {
  readonly remote: string | undefined;
  readonly step: string;
  readonly status: number | undefined;
  constructor(step: string, message: string, where: { remote?: string; status?: number; secrets?: readonly string[] } = {}, options?: { cause?: unknown }) {
    const remote = where.remote ? ` ${stripUrlCredentials(where.remote)}` : '';
    const status = where.status ? ` (HTTP ${where.status})` : '';
    super('GIT', redactSecrets(`git ${step}${remote}${status}: ${message}`, where.secrets), options);
    this.remote = where.remote ? stripUrlCredentials(where.remote) : undefined;
    this.step = step;
    this.status = where.status;
  }

  override facts(): ErrorFacts {
    return definedFacts({ code: this.code, message: this.message, remote: this.remote, step: this.step, status: this.status });
  }
}

/** A format adapter that cannot read a file's layout. */
export class FormatError extends ImgsyncError {
  readonly path: string;
  readonly line: number | undefined;
  readonly col: number | undefined;
  constructor(path: string, message: string, where: { line: number; col: number } | undefined = undefined) {
    super('FORMAT', `${path}${where ? `:${where.line}:${where.col}` : ''}: ${message}`);
    this.path = path;
    this.line = where?.line;
    this.col = where?.col;
  }

  override facts(): ErrorFacts {
    return definedFacts({ code: this.code, message: this.message, path: this.path, line: this.line, col: this.col });
  }
}

/**
 * A target file that cannot be edited where it is: a symbolic link that leads out of the
 * repository, to nothing, or round in a loop. Reported for that file; the others still run.
 */
export class FileError extends ImgsyncError {
  readonly path: string;
  constructor(path: string, message: string) {
    super('FILE', `${path}: ${message}`);
    this.path = path;
  }

  override facts(): ErrorFacts {
    return { code: this.code, message: this.message, path: this.path };
  }
}

/**
 * A run stopped before its end: its deadline passed (`reason: 'deadline'`), or the caller
 * aborted it (`'aborted'`: SIGTERM, a parent's cancellation). `during` says what was under
 * way (`registry ghcr.io: tags of org/app`, `git push`). The engine turns it into a partial
 * result that wrote and pushed nothing.
 */
export class DeadlineError extends ImgsyncError {
  readonly reason: 'deadline' | 'aborted';
  readonly during: string | undefined;
  constructor(message: string, reason: 'deadline' | 'aborted' = 'deadline', during?: string) {
    super('DEADLINE', redactSecrets(message));
    this.reason = reason;
    this.during = during;
  }

  override facts(): ErrorFacts {
    return definedFacts({ code: this.code, message: this.message, step: this.during });
  }
}

/**
 * A target file too big to edit: more bytes than the engine's `maxFileBytes`, or more YAML
 * tokens than this process's memory can hold while editing it. The file is left untouched
 * (and, where its size is known first, never read), so that one huge file cannot end the
 * run out of memory; the other files still run.
 */
export class FileTooLargeError extends ImgsyncError {
  readonly path: string;
  constructor(path: string, reason: string) {
    super('FILE_TOO_LARGE', `${path}: ${reason}; the file is left untouched`);
    this.path = path;
  }

  override facts(): ErrorFacts {
    return { code: this.code, message: this.message, path: this.path };
  }

  /** More bytes than `maxFileBytes`. */
  static bytes(path: string, bytes: number, limit: number): FileTooLargeError {
    return new FileTooLargeError(path, `${bytes} bytes, more than the ${formatBytes(limit)} a target file may have (maxFileBytes)`);
  }
}

/** `20 MiB`, `1.5 KiB`, `12 bytes`. */
function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} bytes` : `${Number.isInteger(value) ? value : value.toFixed(1)} ${units[unit]}`;
}

/** `images[0].tags[1]` for a key path, as users see it in messages. */
export function formatKeyPath(keyPath: readonly unknown[]): string {
  let out = '';
  for (const key of keyPath) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out || '(document root)';
}

/** Removes `user:password@` from a URL so that it can be shown. */
export function stripUrlCredentials(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/i, '$1');
}

/**
 * Replaces known secrets and anything shaped like a credential (Bearer/Basic values,
 * `user:pass@` in URLs, `token=` query parameters, GitHub token prefixes) with `***`.
 * Applied to every message that may carry a server's words.
 */
export function redactSecrets(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 4) out = out.split(secret).join('***');
  }
  return out
    .replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g, '$1 ***')
    .replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s]+@/gi, '$1***@')
    .replace(/([?&](?:access_)?token=)[^&\s]+/gi, '$1***')
    .replace(/\b(gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})\b/g, '***');
}
