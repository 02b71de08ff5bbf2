/**
 * Credentials from a docker `config.json` (what `docker login` writes):
 *
 * ```json
 * { "auths": { "ghcr.io": { "auth": "base64(user:token)" },
 *              "https://index.docker.io/v1/": { "auth": "…" },
 *              "registry.example.com": { "identitytoken": "…", "username": "…" } },
 *   "credsStore": "desktop", "credHelpers": { "123.dkr.ecr.eu-west-1.amazonaws.com": "ecr-login" } }
 * ```
 *
 * Keys are matched on their host, whatever the scheme or path around it (`https://ghcr.io`,
 * `ghcr.io/v1/`); Docker Hub is stored under `https://index.docker.io/v1/`. Which source
 * answers (docker's order, except that credentials written in the file are used even when
 * a `credsStore` is set, and a host with no `auths` entry starts no process):
 *
 * 1. `credHelpers[host]`: that helper (`docker-credential-<name> get`, see
 *    `credential-helper.ts`);
 * 2. an `auths` entry with `auth`, `identitytoken` or `username` + `password`: those;
 * 3. an `auths` entry without them (what `docker login` leaves when it stores the secret
 *    elsewhere) and `credsStore`: that helper;
 * 4. otherwise anonymous access. A helper that holds nothing for the host means anonymous
 *    access too; a helper that is missing, fails or hangs is an error naming it.
 *
 * Helpers are asked with the key as written in the config (Docker Hub's
 * `https://index.docker.io/v1/` for docker.io), as docker does.
 */
import * as nodeFs from 'node:fs/promises';
import { ConfigError } from '../errors.js';
import { credentialHelperRunner, type CredentialHelperRunner } from './credential-helper.js';
import type { RegistryCredentials } from './types.js';

/** The parts of a docker `config.json` imgsync reads: `auths`, `credHelpers` and `credsStore`. */
export interface DockerConfig {
  auths?: Record<string, { auth?: string; username?: string; password?: string; identitytoken?: string }>;
  credsStore?: string;
  credHelpers?: Record<string, string>;
}

/**
 * Reads and parses a config file. A missing file is an empty config (docker's own
 * behaviour); malformed JSON is a {@link ConfigError} naming the file.
 *
 * @example const config = await readDockerConfig(`${process.env.HOME}/.docker/config.json`);
 */
export async function readDockerConfig(path: string, fs: { readFile(path: string, encoding: 'utf8'): Promise<string> } = nodeFs): Promise<DockerConfig> {
  let text: string;
  try {
    text = await fs.readFile(path, 'utf8');
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return {};
    throw new ConfigError(`cannot read docker config: ${(error as Error).message}`, { path });
  }
  try {
    const parsed = JSON.parse(text) as unknown;
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not a JSON object');
    return parsed;
  } catch (error) {
    throw new ConfigError(`docker config is not valid JSON: ${(error as Error).message}`, { path });
  }
}

/** What docker calls Docker Hub in its config and asks helpers about. */
const DOCKER_HUB_SERVER_URL = 'https://index.docker.io/v1/';
const DOCKER_HUB_KEYS = ['index.docker.io', 'docker.io', 'registry-1.docker.io', 'registry.hub.docker.com'];

function hostOfKey(key: string): string {
  const withoutScheme = key.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  return withoutScheme.split('/')[0]!.toLowerCase();
}

/**
 * The credentials for `host` (`ghcr.io`, `127.0.0.1:5000`, or `docker.io` for Docker Hub),
 * or undefined for anonymous access. `runHelper` runs credential helpers (default: the
 * real programs on PATH, bounded in time and output); `signal` stops a helper in flight.
 *
 * @example await credentialsFor(config, 'ghcr.io') // { username: 'me', password: 'ghp_…' }
 */
export async function credentialsFor(
  config: DockerConfig,
  host: string,
  runHelper: CredentialHelperRunner = credentialHelperRunner(),
  signal?: AbortSignal,
): Promise<RegistryCredentials | undefined> {
  const wanted = host.toLowerCase();
  const candidates = wanted === 'docker.io' ? DOCKER_HUB_KEYS : [wanted];
  const matches = (key: string) => candidates.includes(hostOfKey(key));
  const serverUrl = (key: string) => (wanted === 'docker.io' ? DOCKER_HUB_SERVER_URL : key);

  const helper = Object.entries(config.credHelpers ?? {}).find(([key]) => matches(key));
  if (helper) return runHelper(helper[1], serverUrl(helper[0]), host, signal);
  const entry = Object.entries(config.auths ?? {}).find(([key]) => matches(key));
  const inline = entry ? decodeEntry(entry[1], host) : undefined;
  if (inline) return inline;
  if (entry && config.credsStore) return runHelper(config.credsStore, serverUrl(entry[0]), host, signal);
  return undefined;
}

function decodeEntry(entry: NonNullable<DockerConfig['auths']>[string], host: string): RegistryCredentials | undefined {
  if (entry.identitytoken) {
    return { identityToken: entry.identitytoken, ...(entry.username ? { username: entry.username } : {}) };
  }
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon <= 0) {
      throw new ConfigError(`docker config: the "auth" value for ${host} is not base64 of "username:password"`);
    }
    return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  if (entry.username && entry.password) return { username: entry.username, password: entry.password };
  return undefined;
}
