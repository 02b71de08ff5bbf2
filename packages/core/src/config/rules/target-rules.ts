/**
 * Rules about a target that depend on another setting or need a parser: `files` patterns
 * stay inside a cloned repository, discovery needs a namespace in the repository template,
 * a discovered entry's template is YAML of a mapping, exclude globs compile, and a
 * registry address is one the registry client can use.
 */
import picomatch from 'picomatch';
import { isMap, parseDocument } from 'yaml';
import { parseNameTemplate } from '../../image-ref/name-template.js';
import { registryProblem } from '../shape/target.js';
import { parseRegistryAddress } from '../../registry/registry-address.js';
import { isMapping, type RawProblem } from '../problems.js';
import type { ConfigKeyPath } from '../source-locations.js';
import { type CodeRule, eachOf, problem } from './code-rule.js';

/** Keys a new entry gets from the registry, which the `entry` template may not set. */
const ENTRY_OWN_KEYS = ['name', 'tags'];

function eachTarget(data: unknown): [ConfigKeyPath, Record<string, unknown>][] {
  const targets = isMapping(data) && Array.isArray(data.targets) ? data.targets : [];
  return targets.flatMap((target, index) => (isMapping(target) ? [[['targets', index], target] as [ConfigKeyPath, Record<string, unknown>]] : []));
}

export const filesInsideRepository: CodeRule = {
  name: 'files-inside-repository',
  description: "with git.url, no files pattern leaves the cloned repository (no .. path component).",
  check(data) {
    const out: RawProblem[] = [];
    if (!isMapping(data) || !isMapping(data.git) || typeof data.git.url !== 'string') return out;
    for (const [at, target] of eachTarget(data)) {
      for (const [itemAt, pattern] of eachOf(target.files, [...at, 'files'])) {
        if (typeof pattern !== 'string') continue;
        const path = pattern.startsWith('!') ? pattern.slice(1) : pattern;
        if (path.split(/[\\/]/).includes('..')) {
          out.push(problem(this.name, itemAt, `must stay inside the cloned repository; ".." is not allowed with git.url (got ${JSON.stringify(pattern)})`));
        }
      }
    }
    return out;
  },
};

export const discoverNamespace: CodeRule = {
  name: 'discover-namespace',
  description: 'discover (unless off) needs a repository template with {name} once, in its last path component, after a namespace (lablup/kernel-{name}).',
  check(data) {
    const out: RawProblem[] = [];
    for (const [at, target] of eachTarget(data)) {
      const discover = target.discover;
      const mode = isMapping(discover) ? discover.mode : discover;
      if (target.format !== 'backendai' || (mode !== 'report' && mode !== 'add')) continue;
      const template = parseNameTemplate(typeof target.repository === 'string' ? target.repository : '{name}');
      if ('error' in template) out.push(problem(this.name, [...at, 'discover'], `${template.error}; or set discover: off`, 'key'));
    }
    return out;
  },
};

export const entryTemplate: CodeRule = {
  name: 'entry-template',
  description: 'discover.entry is valid YAML of a mapping that sets neither name nor tags.',
  check(data) {
    const out: RawProblem[] = [];
    for (const [at, target] of eachTarget(data)) {
      const text = isMapping(target.discover) ? target.discover.entry : undefined;
      if (typeof text !== 'string' || text.trim() === '') continue;
      const entryAt = [...at, 'discover', 'entry'];
      const doc = parseDocument(text.replaceAll('{name}', 'name'), { merge: true });
      const syntax = doc.errors[0];
      if (syntax) {
        out.push(problem(this.name, entryAt, `is not valid YAML: ${syntax.message.split('\n')[0]}`));
        continue;
      }
      if (!isMap(doc.contents)) {
        out.push(problem(this.name, entryAt, 'must be YAML text of a mapping (the extra keys of a new entry, such as "slots: {cpu: 1}")'));
        continue;
      }
      for (const pair of doc.contents.items) {
        const key = String((pair.key as { value?: unknown } | null)?.value ?? '');
        if (ENTRY_OWN_KEYS.includes(key)) out.push(problem(this.name, entryAt, `must not set "${key}": a new entry's ${key} comes from the registry`));
      }
    }
    return out;
  },
};

export const globCompiles: CodeRule = {
  name: 'glob-compiles',
  description: 'discover.exclude globs compile.',
  check(data) {
    const out: RawProblem[] = [];
    for (const [at, target] of eachTarget(data)) {
      const exclude = isMapping(target.discover) ? target.discover.exclude : undefined;
      for (const [itemAt, glob] of eachOf(exclude, [...at, 'discover', 'exclude'])) {
        if (typeof glob !== 'string' || glob.trim() === '') continue;
        try {
          picomatch.makeRe(glob);
        } catch (error) {
          out.push(problem(this.name, itemAt, `is not a valid glob: ${(error as Error).message}`));
        }
      }
    }
    return out;
  },
};

/** The registry client's verdict on an address the schema's pattern lets through (a port past 65535, say). */
export function addressRefusal(text: string): string | undefined {
  try {
    parseRegistryAddress(text);
    return undefined;
  } catch {
    return registryProblem(text);
  }
}

export const targetRegistryAddress: CodeRule = {
  name: 'registry-address',
  description: "a target's registry (other than file:) and each registries key is an address the registry client can use.",
  check(data) {
    const out: RawProblem[] = [];
    for (const [at, target] of eachTarget(data)) {
      if (typeof target.registry !== 'string' || target.registry.startsWith('file:') || target.registry.trim() === '') continue;
      const refusal = addressRefusal(target.registry);
      if (refusal) out.push(problem(this.name, [...at, 'registry'], refusal));
    }
    return out;
  },
};
