/**
 * Where a registry named in the config actually answers. `docker.io` (and its aliases
 * `index.docker.io`, `registry-1.docker.io`, `hub.docker.com`) is Docker Hub: the
 * distribution API lives at `https://registry-1.docker.io` and the listing API at
 * `https://hub.docker.com`, and one-word repositories are official images under
 * `library/`. Any other name is a distribution API base: an explicit `http://` or
 * `https://` is kept; a bare host means https, except a loopback host (`localhost`,
 * `127.0.0.0/8`, `[::1]`), which means plain http, as docker treats it (a registry on the
 * machine itself is not worth a certificate, and nothing travels over a network).
 */
import { ConfigError } from '../errors.js';

/**
 * A registry name parsed: the name as given, the base URL of its API, its host and whether it is Docker Hub.
 */
export interface RegistryAddress {
  /** The name as given, without credentials or trailing slash: used in messages and snapshots. */
  name: string;
  /** Base URL of the distribution API, without `/v2`. */
  baseUrl: string;
  /** Host (with port) used to look up credentials in a docker config. */
  host: string;
  isDockerHub: boolean;
}

const DOCKER_HUB_NAMES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io', 'hub.docker.com', 'registry.hub.docker.com']);

export const DOCKER_HUB_REGISTRY_URL = 'https://registry-1.docker.io';
export const DOCKER_HUB_API_URL = 'https://hub.docker.com';
/** Where Docker Hub's registry sends clients for tokens (`Bearer realm="https://auth.docker.io/token"`). */
export const DOCKER_HUB_AUTH_SERVER = 'auth.docker.io';

/**
 * @example parseRegistryAddress('docker.io').baseUrl // 'https://registry-1.docker.io'
 * @example parseRegistryAddress('http://127.0.0.1:5000').host // '127.0.0.1:5000'
 * @example parseRegistryAddress('localhost:5000').baseUrl // 'http://localhost:5000'
 */
export function parseRegistryAddress(registry: string): RegistryAddress {
  const trimmed = registry.trim().replace(/\/+$/, '');
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `${isLoopbackHost(trimmed) ? 'http' : 'https'}://${trimmed}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new ConfigError(`invalid registry ${JSON.stringify(registry)}: expected a host such as ghcr.io or a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigError(`invalid registry ${JSON.stringify(url.host)}: only http and https are supported`);
  }
  if (url.username || url.password) {
    throw new ConfigError(`invalid registry ${url.host}: put credentials in the credentials option or a docker config, not in the URL`);
  }
  const isDockerHub = DOCKER_HUB_NAMES.has(url.hostname.toLowerCase()) && !url.port;
  if (isDockerHub) return { name: 'docker.io', baseUrl: DOCKER_HUB_REGISTRY_URL, host: 'docker.io', isDockerHub };
  const path = url.pathname.replace(/\/+$/, '');
  return {
    name: trimmed.replace(/^https:\/\//i, ''),
    baseUrl: `${url.protocol}//${url.host}${path}`,
    host: url.host,
    isDockerHub,
  };
}

/**
 * Whether a host (`host[:port]`, no scheme) is this machine: `localhost`, `127.0.0.0/8` or
 * `[::1]`. Such registries speak plain http unless told otherwise.
 *
 * @example isLoopbackHost('127.0.0.1:5000') // true
 * @example isLoopbackHost('ghcr.io')        // false
 */
export function isLoopbackHost(host: string): boolean {
  const name = (/^\[[^\]]*\]/.exec(host)?.[0] ?? host.split(/[:/]/)[0]!).toLowerCase();
  return name === 'localhost' || name === '[::1]' || /^127(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}$/.test(name);
}

/**
 * The canonical repository name on a registry: on Docker Hub a one-word name is an
 * official image (`python` -> `library/python`); elsewhere names are used as given.
 */
export function normalizeRepository(address: RegistryAddress, repository: string): string {
  const trimmed = repository.replace(/^\/+|\/+$/g, '');
  if (address.isDockerHub && !trimmed.includes('/')) return `library/${trimmed}`;
  return trimmed;
}
