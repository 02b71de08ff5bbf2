/**
 * `registries`: settings per registry, keyed by the registry's address as targets write
 * it. Keys are made canonical (`https://ghcr.io` and `ghcr.io` are one registry,
 * `index.docker.io` is `docker.io`), so two spellings of one registry are an error rather
 * than a silent overwrite.
 */
import { isAbsolute, resolve } from 'node:path';
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
    const earlier = firstKey.get(registry);
    if (earlier !== undefined) {
      reader.fail(at, `names the same registry as ${JSON.stringify(earlier)} (${registry}); keep one entry`, 'key');
    }
    firstKey.set(registry, key);
    const raw = reader.mapping(at, settings ?? {}, CONFIG_KEYS.registrySettings);
    const has = (name: string): boolean => raw[name] !== undefined && raw[name] !== null;
    if (has('hubApiUrl') && registry !== 'docker.io') {
      reader.fail([...at, 'hubApiUrl'], 'applies only to docker.io (the Docker Hub listing API)', 'key');
    }
    registries[registry] = {
      registry,
      credentials: has('credentials') ? absoluteFileRef(reader.secretRef([...at, 'credentials'], raw.credentials, 'REGISTRY_TOKEN'), dir) : undefined,
      username: has('username') ? readUsername(reader, [...at, 'username'], raw.username) : undefined,
      concurrency: has('concurrency') ? reader.integer([...at, 'concurrency'], raw.concurrency, 1, 256) : undefined,
      timeoutMs: has('timeoutMs') ? reader.integer([...at, 'timeoutMs'], raw.timeoutMs, 1, 3_600_000) : undefined,
      retries: has('retries') ? reader.integer([...at, 'retries'], raw.retries, 0, 20) : undefined,
      hubApiUrl: has('hubApiUrl') ? reader.url([...at, 'hubApiUrl'], raw.hubApiUrl) : undefined,
      where: reader.where(at, 'key'),
    };
  }
  return registries;
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
