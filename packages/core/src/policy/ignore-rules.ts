/**
 * A target's `ignore:` list: repositories imgsync leaves alone, and versions it never
 * moves to.
 *
 * ```yaml
 * ignore:
 *   - bitnami/*                  # every bitnami/… repository on Docker Hub: not asked, not touched
 *   - ghcr.io/acme/**            # everything under ghcr.io/acme/
 *   - redis:>=8                  # redis stays below 8 (a semver range after the last ":")
 *   - postgres:16.4              # never move to 16.4
 * ```
 *
 * A rule is a repository glob, optionally followed by `:` and a semver range. `*` matches
 * within one path element, `**` across elements. A glob is matched against the names a
 * repository goes by: `docker.io/library/redis` is also `library/redis` and `redis`;
 * `docker.io/bitnami/redis` also `bitnami/redis`; other registries only by their full name
 * (`ghcr.io/stefanprodan/podinfo`). A rule without a range ignores the repository; with a
 * range, the tags whose version (`tag-semver.ts`) satisfies it, pre-releases included, are
 * never a tag to move to (tags without a version are not affected).
 */
import semver, { type Range } from 'semver';
import { ConfigError } from '../errors.js';
import type { ConfigLocation } from './tag-policy.js';
import { tagSemver } from './tag-semver.js';

/** One compiled rule. */
export interface IgnoreRule {
  /** The rule as written. */
  text: string;
  repository: RegExp;
  range: Range | undefined;
}

/** The repository a rule is asked about: its normalised registry and path. */
export interface RepositoryName {
  /** `docker.io`, `ghcr.io`, `registry.example.com:5000`. */
  domain: string;
  /** `library/redis`, `bitnami/redis`, `stefanprodan/podinfo`. */
  path: string;
}

/** The compiled `ignore:` list of a target. */
export interface IgnoreRules {
  readonly rules: readonly IgnoreRule[];
  /** Whether a rule without a range names one of `names` (the same repository, as written and as asked). */
  ignoresRepository(names: readonly RepositoryName[]): boolean;
  /** Whether a rule with a range names one of `names` and its range takes `tag`. */
  ignoresTag(names: readonly RepositoryName[], tag: string): boolean;
}

const GLOB = /^[a-z0-9*][a-z0-9._/*:-]*$/i;

/**
 * Compiles one rule. Throws {@link ConfigError} at `where` for a glob with characters no
 * repository has, or an invalid range.
 *
 * @example
 * parseIgnoreRule('redis:>=8').range?.range // '>=8.0.0'
 * parseIgnoreRule('bitnami/*').range        // undefined
 */
export function parseIgnoreRule(text: string, where: ConfigLocation = {}): IgnoreRule {
  const slash = text.lastIndexOf('/');
  const colon = text.indexOf(':', slash + 1);
  const glob = colon < 0 ? text : text.slice(0, colon);
  const rangeText = colon < 0 ? undefined : text.slice(colon + 1);
  if (glob === '' || !GLOB.test(glob) || glob.includes('//') || glob.endsWith('/')) {
    throw new ConfigError(
      `${JSON.stringify(text)} is not a repository glob such as bitnami/* or ghcr.io/acme/**, optionally followed by :RANGE such as redis:>=8`,
      where,
    );
  }
  let range: Range | undefined;
  if (rangeText !== undefined) {
    try {
      if (rangeText.trim() === '') throw new Error('empty');
      range = new semver.Range(rangeText, { loose: true, includePrerelease: true });
    } catch {
      throw new ConfigError(
        `${JSON.stringify(text)}: invalid semver range ${JSON.stringify(rangeText)} after ":"; write one such as redis:>=8 or redis:8.x`,
        where,
      );
    }
  }
  return { text, repository: globPattern(glob), range };
}

/**
 * The rules of a list, compiled (see {@link parseIgnoreRule}).
 *
 * @example
 * const rules = createIgnoreRules(['bitnami/*', 'redis:>=8']);
 * rules.ignoresRepository([{ domain: 'docker.io', path: 'bitnami/redis' }])   // true
 * rules.ignoresTag([{ domain: 'docker.io', path: 'library/redis' }], '8.0.2') // true
 */
export function createIgnoreRules(list: readonly (string | IgnoreRule)[] = []): IgnoreRules {
  const rules = list.map((item) => (typeof item === 'string' ? parseIgnoreRule(item) : item));
  const names = (repositories: readonly RepositoryName[]) => repositories.flatMap(namesOf);
  const matches = (rule: IgnoreRule, repositories: readonly RepositoryName[]) => names(repositories).some((name) => rule.repository.test(name));
  return {
    rules,
    ignoresRepository: (repositories) => rules.some((rule) => rule.range === undefined && matches(rule, repositories)),
    ignoresTag: (repositories, tag) => {
      const version = tagSemver(tag);
      if (!version) return false;
      return rules.some((rule) => rule.range !== undefined && matches(rule, repositories) && rule.range.test(version));
    },
  };
}

/** No rules: nothing ignored. */
export const NO_IGNORE_RULES: IgnoreRules = createIgnoreRules([]);

/** The names a repository goes by (see the file comment). */
function namesOf({ domain, path }: RepositoryName): string[] {
  if (domain !== 'docker.io') return [`${domain}/${path}`];
  const names = [`docker.io/${path}`, path];
  if (path.startsWith('library/')) names.push(path.slice('library/'.length));
  return names;
}

function globPattern(glob: string): RegExp {
  const source = glob
    .split('**')
    .map((part) => part.split('*').map(escape).join('[^/]*'))
    .join('.*');
  return new RegExp(`^${source}$`);
}

function escape(text: string): string {
  return text.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}
