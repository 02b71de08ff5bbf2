/**
 * `registries`: settings per registry, keyed by the registry's address as targets write
 * it. Keys are made canonical (`https://ghcr.io` and `ghcr.io` are one registry,
 * `index.docker.io` is `docker.io`), and two keys for one host (`127.0.0.1:5000` and
 * `http://127.0.0.1:5000`) are an error rather than a silent overwrite.
 *
 * Every setting must apply, or is refused here:
 * - `insecure` is for a key written as a host; a key with `http://` / `https://` already
 *   says which, and Docker Hub speaks only https.
 * - `mirror` is an http(s) URL of another registry; the entry then holds nothing else,
 *   because the requests go to the mirror and credentials belong to the host that receives
 *   them: the mirror's credentials and limits go under the mirror's own entry. A mirror is
 *   not its own registry and has no mirror of its own (mirrors do not chain).
 */
import { isAbsolute, resolve } from 'node:path';
import { parseRegistryAddress } from '../registry/registry-address.js';
import { isValidRepository } from '../registry/validate.js';
import { CONFIG_KEYS } from './config-keys.js';
import { type ConfigReader, isMapping } from './config-reader.js';
import { parseRef } from './env-refs.js';
import type { RegistrySettings, SecretRef } from './types.js';
import { canonicalRegistry } from './validate-target.js';

export function validateRegistries(reader: ConfigReader, value: unknown, dir: string): Record<string, RegistrySettings> {
  const registries: Record<string, RegistrySettings> = {};
  if (value === undefined || value === null) return registries;
  if (!isMapping(value)) reader.fail(['registries'], 'must be a mapping from registry address to settings, such as docker.io: { credentials: env:DOCKERHUB_TOKEN }');
  const firstKey = new Map<string, string>();
  for (const [key, settings] of Object.entries(value)) {
    const at = ['registries', key];
    if (key.startsWith('file:')) reader.fail(at, 'a registry snapshot needs no settings; list live registries here', 'key');
    const registry = canonicalRegistry(reader, at, key, 'key');
    const host = parseRegistryAddress(registry).host;
    const earlier = firstKey.get(host);
    if (earlier !== undefined) {
      reader.fail(at, `names the same registry as ${JSON.stringify(earlier)} (${host}); keep one entry`, 'key');
    }
    firstKey.set(host, key);
    const raw = reader.mapping(at, settings ?? {}, CONFIG_KEYS.registrySettings);
    const has = (name: string): boolean => raw[name] !== undefined && raw[name] !== null;
    if (has('hubApiUrl') && registry !== 'docker.io') {
      reader.fail([...at, 'hubApiUrl'], 'applies only to docker.io (the Docker Hub listing API)', 'key');
    }
    const mirror = has('mirror') ? readMirror(reader, [...at, 'mirror'], raw.mirror, host) : undefined;
    if (mirror !== undefined) {
      const beside = Object.keys(raw).find((name) => name !== 'mirror' && has(name));
      if (beside) {
        reader.fail(
          [...at, beside],
          `does not apply beside mirror: every request for ${registry} goes to the mirror, and credentials and limits belong to ` +
            `the host that receives them; put it under registries[${JSON.stringify(parseRegistryAddress(mirror).host)}] (the mirror's own entry)`,
          'key',
        );
      }
    }
    const insecure = has('insecure') ? reader.boolean([...at, 'insecure'], raw.insecure) : undefined;
    if (insecure !== undefined) {
      if (registry === 'docker.io') reader.fail([...at, 'insecure'], 'does not apply to docker.io, which speaks only https', 'key');
      if (/^[a-z][a-z0-9+.-]*:\/\//i.test(key)) {
        reader.fail([...at, 'insecure'], `does not apply: the key's ${key.split(':')[0]}:// already decides; write the key as a host (${host}) to use insecure`, 'key');
      }
    }
    registries[registry] = {
      registry,
      credentials: has('credentials') ? absoluteFileRef(reader.secretRef([...at, 'credentials'], raw.credentials, 'REGISTRY_TOKEN'), dir) : undefined,
      username: has('username') ? readUsername(reader, [...at, 'username'], raw.username) : undefined,
      concurrency: has('concurrency') ? reader.integer([...at, 'concurrency'], raw.concurrency, 1, 256) : undefined,
      timeoutMs: has('timeoutMs') ? reader.integer([...at, 'timeoutMs'], raw.timeoutMs, 1, 3_600_000) : undefined,
      retries: has('retries') ? reader.integer([...at, 'retries'], raw.retries, 0, 20) : undefined,
      hubApiUrl: has('hubApiUrl') ? reader.url([...at, 'hubApiUrl'], raw.hubApiUrl) : undefined,
      mirror,
      insecure,
      authServer: has('authServer') ? readAuthServer(reader, [...at, 'authServer'], raw.authServer) : undefined,
      where: reader.where(at, 'key'),
    };
  }
  for (const [registry, settings] of Object.entries(registries)) {
    if (settings.mirror === undefined) continue;
    const mirrorHost = parseRegistryAddress(settings.mirror).host;
    const chained = Object.values(registries).find((other) => other.mirror !== undefined && parseRegistryAddress(other.registry).host === mirrorHost);
    if (chained) {
      reader.fail(
        ['registries', firstKey.get(parseRegistryAddress(registry).host)!, 'mirror'],
        `${settings.mirror} has a mirror of its own (${chained.mirror}); mirrors do not chain, name the last one here`,
      );
    }
  }
  return registries;
}

/** An http(s) URL of another registry, whose path (if any) is a repository prefix. */
function readMirror(reader: ConfigReader, at: readonly (string | number)[], value: unknown, host: string): string {
  const text = reader.url(at, value);
  const url = new URL(text);
  if (url.search || url.hash) reader.fail(at, 'must be a registry URL without ?query or #fragment, such as http://127.0.0.1:5000');
  if (url.host.toLowerCase() === host.toLowerCase() || parseRegistryAddress(text).host === host) {
    reader.fail(at, 'names the registry itself; a mirror is another registry, such as http://127.0.0.1:5000');
  }
  const prefix = url.pathname.replace(/^\/+|\/+$/g, '');
  if (prefix && !isValidRepository(prefix)) {
    reader.fail(at, `its path ${JSON.stringify(prefix)} must be a repository prefix (lowercase letters, digits, . _ - and /), such as https://harbor.example.com/dockerhub`);
  }
  return text;
}

/** A host name (`gitlab.com`) or an https URL of a token service; kept as its lowercase host name. */
function readAuthServer(reader: ConfigReader, at: readonly (string | number)[], value: unknown): string {
  const text = reader.string(at, value, 'the host of the token service, such as gitlab.com');
  let url: URL | undefined;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`);
  } catch {
    url = undefined;
  }
  if (url && (url.username || url.password)) reader.fail(at, 'must be the host of the token service, without credentials (value not shown)');
  if (!url || url.protocol !== 'https:' || !url.hostname) {
    reader.fail(at, `must be the host of the registry's token service, such as gitlab.com (or its https URL); got ${JSON.stringify(text)}`);
  }
  return url.hostname.toLowerCase();
}

/** A user name as written, or `env:NAME`; not a secret, but `file:` is not offered for it. */
function readUsername(reader: ConfigReader, at: readonly (string | number)[], value: unknown): string {
  const text = reader.string(at, value, 'a user name or an env:NAME reference');
  const ref = parseRef(text);
  if (ref.kind === 'file') reader.fail(at, 'must be a user name or an env:NAME reference (file: is for secrets)');
  if (ref.kind === 'literal' && text.startsWith('env:')) reader.fail(at, `env: must be followed by a variable name such as DOCKERHUB_USER (got ${JSON.stringify(text)})`);
  return text;
}

/** `file:token` → `file:/config/dir/token`, so the reference works from any working directory. */
export function absoluteFileRef(ref: SecretRef, dir: string): SecretRef {
  const parsed = parseRef(ref);
  if (parsed.kind !== 'file' || isAbsolute(parsed.path)) return ref;
  return `file:${resolve(dir, parsed.path)}`;
}
