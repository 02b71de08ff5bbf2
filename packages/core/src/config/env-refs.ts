/**
 * References to values that must not be written in the config file: `env:NAME` names an
 * environment variable, `file:PATH` a file holding the value (a mounted secret, a token
 * file). core never reads `process.env`; the front ends pass their environment to
 * {@link resolveEnvRef} or {@link resolveSecretRef}.
 *
 * Secret-shaped literals anywhere in the file are refused too (GitHub, GitLab and Docker
 * Hub token prefixes, AWS access key ids, `Bearer …`), because a token pasted into the
 * wrong key would otherwise end up in git history. Messages about them never show the value.
 */
import { ConfigError } from '../errors.js';
import type { SecretRef } from './types.js';

/** An environment: `process.env` at the edge, a plain object in tests. */
export type Environment = Readonly<Record<string, string | undefined>>;

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export type ParsedRef = { kind: 'env'; name: string } | { kind: 'file'; path: string } | { kind: 'literal'; value: string };

/**
 * Splits a reference. `env:` needs a valid variable name and `file:` a non-empty path,
 * otherwise the text is a literal (the validators decide whether a literal is allowed).
 *
 * @example
 * parseRef('env:DOCKERHUB_TOKEN') // { kind: 'env', name: 'DOCKERHUB_TOKEN' }
 * parseRef('file:/run/secrets/t') // { kind: 'file', path: '/run/secrets/t' }
 * parseRef('imgsync-bot')         // { kind: 'literal', value: 'imgsync-bot' }
 */
export function parseRef(text: string): ParsedRef {
  if (text.startsWith('env:') && ENV_NAME.test(text.slice(4))) return { kind: 'env', name: text.slice(4) };
  if (text.startsWith('file:') && text.length > 5) return { kind: 'file', path: text.slice(5) };
  return { kind: 'literal', value: text };
}

/** Whether `text` is an `env:NAME` or `file:PATH` reference. */
export function isSecretRef(text: unknown): text is SecretRef {
  return typeof text === 'string' && parseRef(text).kind !== 'literal';
}

/**
 * The value of `env:NAME` from `env`; any other text (a user name written as is) comes
 * back unchanged. Throws {@link ConfigError} for an unset or empty variable, naming the
 * variable and, when given, the setting that needs it, and for a `file:` reference
 * (which needs a file system: use {@link resolveSecretRef}).
 *
 * @example
 * resolveEnvRef('env:DOCKERHUB_TOKEN', process.env, 'registries["docker.io"].credentials')
 * resolveEnvRef('imgsync-bot', process.env) // 'imgsync-bot'
 */
export function resolveEnvRef(ref: string, env: Environment, setting?: string): string {
  const parsed = parseRef(ref);
  if (parsed.kind === 'literal') return parsed.value;
  const needed = setting ? ` (needed by ${setting})` : '';
  if (parsed.kind === 'file') {
    throw new ConfigError(`${ref} is a file reference${needed}; read it with resolveSecretRef`);
  }
  const value = env[parsed.name];
  if (value === undefined || value === '') {
    throw new ConfigError(`environment variable ${parsed.name} is not set${needed}`);
  }
  return value;
}

/** The file operation {@link resolveSecretRef} needs; node:fs/promises by default. */
export interface SecretFileSystem {
  readFile(path: string, encoding: 'utf8'): Promise<string>;
}

/**
 * Like {@link resolveEnvRef}, and also reads `file:PATH` references (trailing line breaks
 * removed, as `echo token > file` leaves one). `loadConfig` has already made such paths
 * absolute. Throws {@link ConfigError} for an unreadable or empty file, without its content.
 *
 * @example
 * const token = await resolveSecretRef(config.git.token, { env: process.env }, 'git.token');
 */
export async function resolveSecretRef(ref: string, options: { env: Environment; fs?: SecretFileSystem }, setting?: string): Promise<string> {
  const parsed = parseRef(ref);
  if (parsed.kind !== 'file') return resolveEnvRef(ref, options.env, setting);
  const fs = options.fs ?? (await import('node:fs/promises'));
  const needed = setting ? ` (needed by ${setting})` : '';
  let text: string;
  try {
    text = await fs.readFile(parsed.path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(`cannot read secret file ${parsed.path}${needed}: ${code ?? 'read failed'}`);
  }
  const value = text.replace(/[\r\n]+$/, '');
  if (value === '') throw new ConfigError(`secret file ${parsed.path} is empty${needed}`);
  return value;
}

const SECRET_SHAPES: readonly RegExp[] = [
  /\bgh[pousr]_[A-Za-z0-9]{20,}/,
  /\bgithub_pat_[A-Za-z0-9_]{20,}/,
  /\bglpat-[A-Za-z0-9_-]{20,}/,
  /\bdckr_pat_[A-Za-z0-9_-]{20,}/,
  /\bAKIA[0-9A-Z]{16}\b/,
  /\b(?:Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{16,}/,
];

/** Whether a string looks like a credential of a well-known kind. */
export function looksLikeSecret(text: string): boolean {
  return SECRET_SHAPES.some((shape) => shape.test(text));
}
