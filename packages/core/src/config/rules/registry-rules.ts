/**
 * Rules about `registries` that depend on the key's meaning: one entry per registry however
 * it is spelt (`127.0.0.1:5000` and `http://127.0.0.1:5000`), `hubApiUrl` only for Docker
 * Hub, `insecure` only where it decides something, and a mirror that is another registry
 * with no mirror of its own.
 */
import { parseRegistryAddress } from '../../registry/registry-address.js';
import { isMapping, type RawProblem } from '../problems.js';
import { type CodeRule, problem } from './code-rule.js';
import { addressRefusal } from './target-rules.js';

interface Entry {
  key: string;
  registry: string;
  host: string;
  settings: Record<string, unknown>;
}

/** The entries whose key is a usable address, with their canonical name and host. */
function entries(data: unknown): Entry[] {
  const registries = isMapping(data) && isMapping(data.registries) ? data.registries : {};
  const found: Entry[] = [];
  for (const [key, settings] of Object.entries(registries)) {
    if (key.startsWith('file:')) continue;
    try {
      const address = parseRegistryAddress(key);
      found.push({ key, registry: address.name, host: address.host, settings: isMapping(settings) ? settings : {} });
    } catch {
      // the key's own problem
    }
  }
  return found;
}

const hostOf = (url: string): string | undefined => {
  try {
    return parseRegistryAddress(url).host;
  } catch {
    return undefined;
  }
};

export const registryKeys: CodeRule = {
  name: 'registry-address',
  description: 'each registries key is an address the registry client can use, and names a registry no other key names.',
  check(data) {
    const out: RawProblem[] = [];
    const registries = isMapping(data) && isMapping(data.registries) ? data.registries : {};
    for (const key of Object.keys(registries)) {
      if (key.startsWith('file:') || key.trim() === '') continue;
      const refusal = addressRefusal(key);
      if (refusal) out.push(problem(this.name, ['registries', key], refusal, 'key'));
    }
    const first = new Map<string, string>();
    for (const { key, host } of entries(data)) {
      const earlier = first.get(host);
      if (earlier === undefined) first.set(host, key);
      else
        out.push(
          problem('one-entry-per-registry', ['registries', key], `names the same registry as ${JSON.stringify(earlier)} (${host}); keep one entry`, 'key'),
        );
    }
    return out;
  },
};

export const registrySettingsApply: CodeRule = {
  name: 'registry-settings-apply',
  description: 'hubApiUrl only on docker.io; insecure not on docker.io nor on a key written with http:// or https://.',
  check(data) {
    const out: RawProblem[] = [];
    for (const { key, registry, host, settings } of entries(data)) {
      const at = ['registries', key];
      if (settings.hubApiUrl !== undefined && settings.hubApiUrl !== null && registry !== 'docker.io') {
        out.push(problem(this.name, [...at, 'hubApiUrl'], 'applies only to docker.io (the Docker Hub listing API)', 'key'));
      }
      if (typeof settings.insecure !== 'boolean') continue;
      if (registry === 'docker.io') out.push(problem(this.name, [...at, 'insecure'], 'does not apply to docker.io, which speaks only https', 'key'));
      else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(key)) {
        out.push(
          problem(
            this.name,
            [...at, 'insecure'],
            `does not apply: the key's ${key.split(':')[0]}:// already decides; write the key as a host (${host}) to use insecure`,
            'key',
          ),
        );
      }
    }
    return out;
  },
};

export const mirrorIsAnotherRegistry: CodeRule = {
  name: 'mirror-is-another-registry',
  description: 'a mirror is not the registry itself, and has no mirror of its own (mirrors do not chain).',
  check(data) {
    const out: RawProblem[] = [];
    const all = entries(data);
    for (const { key, host, settings } of all) {
      if (typeof settings.mirror !== 'string') continue;
      const mirrorHost = hostOf(settings.mirror);
      if (mirrorHost === undefined) continue;
      let urlHost: string | undefined;
      try {
        urlHost = new URL(settings.mirror).host.toLowerCase();
      } catch {
        continue;
      }
      if (urlHost === host.toLowerCase() || mirrorHost === host) {
        out.push(problem(this.name, ['registries', key, 'mirror'], 'names the registry itself; a mirror is another registry, such as http://127.0.0.1:5000'));
        continue;
      }
      const chained = all.find((other) => typeof other.settings.mirror === 'string' && other.host === mirrorHost);
      if (chained) {
        out.push(
          problem(
            this.name,
            ['registries', key, 'mirror'],
            `${settings.mirror.replace(/\/+$/, '')} has a mirror of its own (${String(chained.settings.mirror).replace(/\/+$/, '')}); mirrors do not chain, name the last one here`,
          ),
        );
      }
    }
    return out;
  },
};
