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
 * `ghcr.io/v1/`); Docker Hub is stored under `https://index.docker.io/v1/`. Credential
 * helpers run an external program, which core does not do yet: a registry that only has a
 * helper gets a clear "not supported yet" error instead of silently going anonymous.
 * A registry with no entry at all is accessed anonymously.
 */
import * as nodeFs from 'node:fs/promises';
import { ConfigError, RegistryError } from '../errors.js';
import type { RegistryCredentials } from './types.js';

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
export async function readDockerConfig(
  path: string,
  fs: { readFile(path: string, encoding: 'utf8'): Promise<string> } = nodeFs,
): Promise<DockerConfig> {
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
    return parsed as DockerConfig;
  } catch (error) {
    throw new ConfigError(`docker config is not valid JSON: ${(error as Error).message}`, { path });
  }
}

const DOCKER_HUB_KEYS = ['index.docker.io', 'docker.io', 'registry-1.docker.io', 'registry.hub.docker.com'];

function hostOfKey(key: string): string {
  const withoutScheme = key.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  return withoutScheme.split('/')[0]!.toLowerCase();
}

/**
 * The credentials for `host` (`ghcr.io`, `127.0.0.1:5000`, or `docker.io` for Docker Hub),
 * or undefined for anonymous access.
 *
 * @example credentialsFor(config, 'ghcr.io') // { username: 'me', password: 'ghp_…' }
 */
export function credentialsFor(config: DockerConfig, host: string): RegistryCredentials | undefined {
  const wanted = host.toLowerCase();
  const candidates = wanted === 'docker.io' ? DOCKER_HUB_KEYS : [wanted];
  const matches = (key: string) => candidates.includes(hostOfKey(key));

  const helper = Object.entries(config.credHelpers ?? {}).find(([key]) => matches(key));
  const entry = Object.entries(config.auths ?? {}).find(([key]) => matches(key))?.[1];
  const inline = entry ? decodeEntry(entry, host) : undefined;
  if (inline) return inline;
  if (helper) throw helperNotSupported(host, helper[1]);
  if (entry && config.credsStore) throw helperNotSupported(host, config.credsStore);
  return undefined;
}

function decodeEntry(
  entry: NonNullable<DockerConfig['auths']>[string],
  host: string,
): RegistryCredentials | undefined {
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

function helperNotSupported(host: string, helper: string): RegistryError {
  return new RegistryError(
    `credentials are kept by the credential helper docker-credential-${helper}, which imgsync does not support yet; ` +
      'pass credentials directly or put an "auth" entry in the docker config',
    { registry: host },
  );
}
