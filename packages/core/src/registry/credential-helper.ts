/**
 * Docker credential helpers (github.com/docker/docker-credential-helpers), the programs
 * `credHelpers` and `credsStore` in a docker `config.json` name:
 *
 * ```
 * $ echo -n ghcr.io | docker-credential-gh get
 * {"ServerURL":"ghcr.io","Username":"me","Secret":"ghp_…"}
 * ```
 *
 * The server URL goes on stdin; the answer is one JSON object on stdout with exit 0. A
 * helper that holds nothing for the server says `credentials not found in native keychain`
 * and exits 1, which means anonymous access, as for docker. `Username: "<token>"` means
 * `Secret` is an identity (refresh) token rather than a password.
 *
 * A helper is an arbitrary program, so every call is bounded: a timeout (the process is
 * killed), a cap on what it may print, and its output never appears in an error message
 * (it may hold the secret); only the first line of what a failing helper wrote to stderr
 * is quoted, redacted.
 */
import { spawn } from 'node:child_process';
import { ConfigError, RegistryError } from '../errors.js';
import type { RegistryCredentials } from './types.js';

export interface CredentialHelperOptions {
  /** Longest a helper may take, in milliseconds. Default 10 000. */
  timeoutMs?: number;
  /** Most bytes a helper may write to stdout or stderr. Default 64 KiB. */
  maxOutputBytes?: number;
  /** Environment of the helper (`PATH` finds it). Default: this process's environment. */
  env?: NodeJS.ProcessEnv;
}

/**
 * Asks helper `name` (the program `docker-credential-<name>`) for the credentials of
 * `serverUrl`; `undefined` when it has none. `registry` is named in errors; `signal` (the
 * run's deadline) kills the helper when it fires.
 */
export type CredentialHelperRunner = (name: string, serverUrl: string, registry: string, signal?: AbortSignal) => Promise<RegistryCredentials | undefined>;

const HELPER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const NOT_FOUND = /credentials not found/i;

/**
 * The runner that spawns real helper programs.
 *
 * @example
 * const run = credentialHelperRunner({ timeoutMs: 5_000 });
 * await run('ecr-login', '123.dkr.ecr.eu-west-1.amazonaws.com', '123.dkr.ecr.eu-west-1.amazonaws.com');
 * // { username: 'AWS', password: 'eyJ…' }
 */
export function credentialHelperRunner(options: CredentialHelperOptions = {}): CredentialHelperRunner {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const maxOutputBytes = options.maxOutputBytes ?? 64 * 1024;
  return async (name, serverUrl, registry, signal) => {
    if (!HELPER_NAME.test(name)) {
      throw new ConfigError(`docker config: credential helper name ${JSON.stringify(name)} is not a program name (letters, digits, . _ -)`);
    }
    const program = `docker-credential-${name}`;
    const fail = (message: string) => new RegistryError(`credential helper ${program} ${message}`, { registry });
    return new Promise<RegistryCredentials | undefined>((resolve, reject) => {
      const child = spawn(program, ['get'], { stdio: ['pipe', 'pipe', 'pipe'], ...(options.env && { env: options.env }), ...(signal && { signal }) });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let size = 0;
      let settled = false;
      const finish = (error: Error | undefined, value?: RegistryCredentials) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (error) {
          child.kill('SIGKILL');
          reject(error);
        } else resolve(value);
      };
      const timer = setTimeout(() => finish(fail(`did not answer within ${timeoutMs} ms`)), timeoutMs);
      const collect = (into: Buffer[]) => (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxOutputBytes) finish(fail(`wrote more than ${maxOutputBytes} bytes; a credential is a short JSON object`));
        else into.push(chunk);
      };
      child.stdout.on('data', collect(out));
      child.stderr.on('data', collect(err));
      child.stdin.on('error', () => {}); // a helper that exits without reading its input is judged by its exit code
      child.on('error', (error: NodeJS.ErrnoException) => {
        if (signal?.aborted) return finish(fail('stopped: the run was stopped'));
        finish(
          error.code === 'ENOENT'
            ? fail('is not installed (not found on PATH); install it, or remove it from credHelpers / credsStore in the docker config')
            : fail(`could not be started: ${error.message}`),
        );
      });
      child.on('close', (code, signal) => {
        if (settled) return;
        const stdout = Buffer.concat(out).toString('utf8');
        const stderr = Buffer.concat(err).toString('utf8');
        if (code !== 0) {
          if (NOT_FOUND.test(stdout) || NOT_FOUND.test(stderr)) return finish(undefined, undefined);
          const said = firstLine(stderr);
          return finish(fail(`failed (${signal ? `killed by ${signal}` : `exit ${code}`})${said ? `: ${said}` : ''}`));
        }
        const parsed = parseAnswer(stdout);
        if (parsed === 'invalid') {
          return finish(fail('answered with something other than {"Username": …, "Secret": …} (output not shown)'));
        }
        finish(undefined, parsed);
      });
      child.stdin.end(serverUrl);
    });
  };
}

function parseAnswer(stdout: string): RegistryCredentials | undefined | 'invalid' {
  let answer: unknown;
  try {
    answer = JSON.parse(stdout);
  } catch {
    return 'invalid';
  }
  if (!answer || typeof answer !== 'object' || Array.isArray(answer)) return 'invalid';
  const { Username: username, Secret: secret } = answer as { Username?: unknown; Secret?: unknown };
  if (typeof secret !== 'string' || (username !== undefined && typeof username !== 'string')) return 'invalid';
  if (secret === '') return undefined;
  if (username === '<token>') return { identityToken: secret };
  if (!username) return 'invalid';
  return { username, password: secret };
}

/** The first non-empty line of a helper's stderr, shortened; error messages are redacted anyway. */
function firstLine(text: string): string {
  const line =
    text
      .split(/\r?\n/)
      .find((l) => l.trim() !== '')
      ?.trim() ?? '';
  return line.length > 200 ? `${line.slice(0, 197)}...` : line;
}
