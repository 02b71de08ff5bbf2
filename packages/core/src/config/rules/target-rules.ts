/**
 * Rules about a target that depend on another setting or need a parser: `files` patterns
 * stay inside a cloned repository, discovery needs a namespace in the repository template,
 * a discovered entry's template is YAML of a mapping, exclude globs compile, and a
 * registry address is one the registry client can use.
 */
import picomatch from 'picomatch';
import { isMap, parseDocument } from 'yaml';
import { repositoryKey } from '../../fleet/shard.js';
import { parseNameTemplate } from '../../image-ref/name-template.js';
import { DISCOVER_FORMATS } from '../shape/format-facts.js';
import { registryProblem } from '../shape/target.js';
import { parseRegistryAddress } from '../../registry/registry-address.js';
import { isMapping, type RawProblem } from '../problems.js';
import { allTargets, type CodeRule, eachOf, problem } from './code-rule.js';
import { plainText } from '../../plain-text.js';

/** Keys a new entry gets from the registry, which the `entry` template may not set. */
const ENTRY_OWN_KEYS = ['name', 'tags'];

const eachTarget = allTargets;

export const filesInsideRepository: CodeRule = {
  name: 'files-inside-repository',
  description: 'with git.url, no files pattern leaves the cloned repository (no .. path component).',
  check(data) {
    const out: RawProblem[] = [];
    const fleet = isMapping(data) && (data.repositories !== undefined || data.autodiscover !== undefined);
    if (!isMapping(data) || (!fleet && (!isMapping(data.git) || typeof data.git.url !== 'string'))) return out;
    for (const [at, target] of eachTarget(data)) {
      for (const [itemAt, pattern] of eachOf(target.files, [...at, 'files'])) {
        if (typeof pattern !== 'string') continue;
        const path = pattern.startsWith('!') ? pattern.slice(1) : pattern;
        if (path.split(/[\\/]/).includes('..')) {
          out.push(
            problem(
              this.name,
              itemAt,
              `must stay inside the cloned repository; ".." is not allowed with ${fleet ? 'repositories' : 'git.url'} (got ${JSON.stringify(pattern)})`,
            ),
          );
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
      if (!(DISCOVER_FORMATS as readonly unknown[]).includes(target.format) || (mode !== 'report' && mode !== 'add')) continue;
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
        const key = plainText((pair.key as { value?: unknown } | null)?.value);
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

export const fleetRepositories: CodeRule = {
  name: 'fleet-repositories',
  description:
    'repositories and autodiscover replace git.url (git: then holds what the repositories share); no repository is listed twice; the autodiscover name glob compiles.',
  check(data) {
    const out: RawProblem[] = [];
    if (!isMapping(data)) return out;
    const fleet =
      data.repositories !== undefined && data.repositories !== null
        ? 'repositories'
        : data.autodiscover !== undefined && data.autodiscover !== null
          ? 'autodiscover'
          : undefined;
    if (fleet && isMapping(data.git) && data.git.url !== undefined && data.git.url !== null) {
      out.push(
        problem(
          this.name,
          ['git', 'url'],
          `does not go with ${fleet}: each repository of the fleet names its own url; git: holds what they share (token, author, mode, message)`,
          'key',
        ),
      );
    }
    const seen = new Map<string, number>();
    (Array.isArray(data.repositories) ? data.repositories : []).forEach((item, index) => {
      const url = typeof item === 'string' ? item : isMapping(item) && typeof item.url === 'string' ? item.url : undefined;
      if (!url) return;
      const key = repositoryKey(url);
      const first = seen.get(key);
      if (first !== undefined)
        out.push(
          problem(
            this.name,
            typeof item === 'string' ? ['repositories', index] : ['repositories', index, 'url'],
            `lists ${url} again (first at repositories[${first}])`,
          ),
        );
      else seen.set(key, index);
    });
    const name = isMapping(data.autodiscover) ? data.autodiscover.name : undefined;
    if (typeof name === 'string') {
      try {
        picomatch.makeRe(name);
      } catch (error) {
        out.push(problem(this.name, ['autodiscover', 'name'], `is not a valid glob: ${(error as Error).message}`));
      }
    }
    return out;
  },
};
