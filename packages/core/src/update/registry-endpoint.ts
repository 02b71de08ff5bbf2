/**
 * Which server the engine asks about a registry that a reference or a target names, and
 * with which settings: the `registries` entry for that host (whatever its spelling,
 * `127.0.0.1:5000` or `http://127.0.0.1:5000`), its scheme (`insecure`, an explicit
 * `http://`, or plain http for loopback hosts), and its `mirror`.
 *
 * With a mirror, the requests go to the mirror, so the settings that apply to them, the
 * credentials included, are the mirror's own entry's (and the docker config's entry for
 * the mirror's host): a registry's credentials are never sent to another host.
 */
import type { RegistrySettings } from '../config/types.js';
import { parseRegistryAddress } from '../registry/registry-address.js';

export interface RegistryEndpoint {
  /** The registry as named (`docker.io`, `127.0.0.1:5000`, `http://127.0.0.1:5000`): repositories are named as on it. */
  registry: string;
  /** What the client is created for: the registry, with the scheme its settings give. */
  address: string;
  /** The mirror URL the repositories are looked up at instead, if any. */
  mirror: string | undefined;
  /** The entry whose settings and credentials apply to the requests (the mirror's own, with a mirror). */
  settings: RegistrySettings | undefined;
  /** One client per key: the same server (and mirror) reached under several spellings shares one. */
  key: string;
}

/**
 * The `registries` entry for `registry`: the entry of that name, else the one for the
 * same host.
 *
 * @example settingsFor({ 'http://127.0.0.1:5000': s }, '127.0.0.1:5000') // s
 */
export function settingsFor(registries: Readonly<Record<string, RegistrySettings>>, registry: string): RegistrySettings | undefined {
  const exact = registries[registry];
  if (exact) return exact;
  const host = parseRegistryAddress(registry).host;
  return Object.values(registries).find((settings) => parseRegistryAddress(settings.registry).host === host);
}

/**
 * @example
 * registryEndpoint('docker.io', { 'docker.io': { mirror: 'http://127.0.0.1:5000', … } })
 * // { registry: 'docker.io', address: 'docker.io', mirror: 'http://127.0.0.1:5000', settings: undefined, key: … }
 * registryEndpoint('reg.lan:5000', { 'reg.lan:5000': { insecure: true, … } }).address // 'http://reg.lan:5000'
 */
export function registryEndpoint(registry: string, registries: Readonly<Record<string, RegistrySettings>>): RegistryEndpoint {
  const own = settingsFor(registries, registry);
  if (own?.mirror) {
    return {
      registry,
      address: registry,
      mirror: own.mirror,
      settings: settingsFor(registries, own.mirror),
      key: `${parseRegistryAddress(registry).host} via ${own.mirror}`,
    };
  }
  const address = addressOf(registry, own);
  return { registry, address, mirror: undefined, settings: own, key: parseRegistryAddress(address).baseUrl };
}

const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

/** A scheme written where the registry is named wins; then the entry's key; then `insecure`. */
function addressOf(registry: string, settings: RegistrySettings | undefined): string {
  if (SCHEME.test(registry) || !settings) return registry;
  if (SCHEME.test(settings.registry)) return settings.registry;
  if (settings.insecure !== undefined) return `${settings.insecure ? 'http' : 'https'}://${registry}`;
  return registry;
}
