/**
 * Tag policies: which of a repository's tags imgsync tracks, in which order, and which
 * one is "newest" (the tag a bump moves to, or the target `latest` is re-pointed to).
 *
 * A tag is accepted when all of these hold:
 * - it matches the OCI tag grammar (invalid registry data is never written);
 * - it matches at least one `include` pattern (when any are given);
 * - it matches no `exclude` pattern (exclude wins over include);
 * - it satisfies the `semver` range (when given), read as described in `tag-semver.ts`;
 * - it can be ordered by the sort: with `sort: 'semver'` it must have a semver reading,
 *   with `sort: 'numeric'` it must be a decimal number (`42`, `20240131`, `1.5`).
 *
 * Patterns are JavaScript regular expressions matched anywhere in the tag (anchor with
 * `^…$`), without flags. A leading `(?i)`, as Go/RE2 users (Flux, Argo CD) write it, is
 * understood as the case-insensitive flag.
 */
import { ConfigError } from '../errors.js';
import { isValidTag } from '../image-ref/grammar.js';
import { tagSemver } from './tag-semver.js';
import { compareTagVersions } from './version-order.js';
import semver from 'semver';
import type { Range } from 'semver';

/**
 * How tags are ordered, oldest first:
 * - `version`: natural version order (`compareTagVersions`); the default without a range;
 * - `semver`: by the tag's semver reading, ties in version order; the default with a range;
 * - `numeric`: decimal numbers by value (build numbers, timestamps); other tags are not
 *   accepted;
 * - `alphabetical`: by UTF-16 code units (`A` < `Z` < `a`), as Flux's alphabetical policy;
 * - `pushed`: by the registry's push time (`pushedAt`); tags without a usable time sort
 *   first and are never "newest". Only Docker Hub reports push times.
 */
export type TagSort = 'version' | 'semver' | 'numeric' | 'alphabetical' | 'pushed';

const SORTS: readonly TagSort[] = ['version', 'semver', 'numeric', 'alphabetical', 'pushed'];

/** A policy as written in the configuration. */
export interface TagPolicyOptions {
  /** Regular expression(s); a tag must match at least one. */
  include?: string | readonly string[];
  /** Regular expression(s); a tag matching any is dropped, even when included. */
  exclude?: string | readonly string[];
  /**
   * A semver range (`>=1.10 <2`, `^3`, `~1.2`), parsed loosely by the `semver` package.
   * Tags are read by their leading version (`tagSemver`): `3.6-ubuntu` is 3.6.0,
   * `1.10-py36-cuda9` is 1.10.0, `1.2.3-rc1` is the pre-release 1.2.3-rc.1 (excluded
   * unless the range names a pre-release of 1.2.3), `latest` has no version and is dropped.
   */
  semver?: string;
  /** Tag order; `semver` when a range is given, else `version`. */
  sort?: TagSort;
  /**
   * Re-point an alias (Backend.AI's `["latest", ":3.6-ubuntu"]`) to the newest accepted
   * tag that also matches `pattern` (any accepted tag when omitted). Absent: aliases are
   * left alone and {@link TagPolicy.latestTarget} returns `undefined`.
   */
  latest?: { pattern?: string };
}

/** Where the policy was written, passed through to {@link ConfigError}. */
export interface ConfigLocation {
  path?: string;
  line?: number;
  col?: number;
}

/**
 * A tag as a registry lists it: its name, and its push time where the registry tells it.
 * The registry's listings (`ListedTag`) and the format adapters' tag states extend it;
 * extra fields (digests, ids) are kept by `filter`.
 */
export interface TagInfo {
  tag: string;
  /** Push time from the registry (ISO 8601 string or Date); used by `sort: 'pushed'`. */
  pushedAt?: string | Date;
}

/** A compiled policy. Pure: the same tags always give the same answers. */
export interface TagPolicy {
  /** The effective sort order. */
  readonly sort: TagSort;
  /** The `semver` range as written, when the policy has one. */
  readonly semver: string | undefined;
  /** Whether imgsync tracks this tag. */
  accepts(tag: string): boolean;
  /** Order of two accepted tags, ascending (oldest first); total and deterministic. */
  compare(a: TagInfo, b: TagInfo): number;
  /** The accepted tags, oldest first; a new array, input order kept among equals. */
  filter<T extends TagInfo>(tags: readonly T[]): T[];
  /** The highest accepted tag per the sort order, or `undefined` when none qualifies. */
  newest<T extends TagInfo>(tags: readonly T[]): T | undefined;
  /**
   * The tag an alias named `alias` (default `latest`) should point to: the newest
   * accepted tag matching `latest.pattern`, never the alias itself. `undefined` when the
   * policy has no `latest` option or nothing qualifies.
   */
  latestTarget<T extends TagInfo>(tags: readonly T[], alias?: string): T | undefined;
}

/**
 * Compiles a tag policy. Throws {@link ConfigError} (with `where` as its location) for an
 * invalid regular expression, semver range, sort name or option type, naming the option
 * and the offending value.
 *
 * @example
 * const policy = createTagPolicy({ include: '-py36$', semver: '>=1.10' });
 * policy.filter([{ tag: '1.9-py36' }, { tag: '1.10-py36' }, { tag: '2.0-py36' }, { tag: 'latest' }])
 * // → [{ tag: '1.10-py36' }, { tag: '2.0-py36' }]
 * policy.newest([{ tag: '1.10-py36' }, { tag: '2.0-py36' }]) // → { tag: '2.0-py36' }
 */
export function createTagPolicy(options: TagPolicyOptions = {}, where: ConfigLocation = {}): TagPolicy {
  if (options === null || typeof options !== 'object') {
    throw new ConfigError(`a tag policy must be a mapping, got ${describe(options)}`, where);
  }
  const include = compilePatterns('include', options.include, where);
  const exclude = compilePatterns('exclude', options.exclude, where);
  const range = compileRange(options.semver, where);
  const sort = checkSort(options.sort, range !== undefined, where);
  const latest = compileLatest(options.latest, where);

  const accepts = (tag: string): boolean => {
    if (!isValidTag(tag)) return false;
    if (include.length > 0 && !include.some((re) => re.test(tag))) return false;
    if (exclude.some((re) => re.test(tag))) return false;
    if (range !== undefined || sort === 'semver') {
      const version = tagSemver(tag);
      if (version === null) return false;
      if (range !== undefined && !semver.satisfies(version, range)) return false;
    }
    if (sort === 'numeric' && !DECIMAL.test(tag)) return false;
    return true;
  };

  const compare = comparatorFor(sort);

  const newestOf = <T extends TagInfo>(sorted: readonly T[]): T | undefined => {
    const last = sorted[sorted.length - 1];
    if (last === undefined) return undefined;
    if (sort === 'pushed' && pushTime(last) === undefined) return undefined;
    return last;
  };

  const filter = <T extends TagInfo>(tags: readonly T[]): T[] => tags.filter((tag) => accepts(tag.tag)).sort(compare);

  return {
    sort,
    semver: range === undefined ? undefined : options.semver,
    accepts,
    compare,
    filter,
    newest: (tags) => newestOf(filter(tags)),
    latestTarget: (tags, alias = 'latest') => {
      if (latest === undefined) return undefined;
      const candidates = filter(tags).filter((tag) => tag.tag !== alias && (latest.pattern === undefined || latest.pattern.test(tag.tag)));
      return newestOf(candidates);
    },
  };
}

const DECIMAL = /^\d+(?:\.\d+)?$/;

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'string' ? JSON.stringify(value) : `a ${typeof value}`;
}

/** Compiles one pattern; `(?i)` at the start becomes the `i` flag. */
function compilePattern(option: string, pattern: unknown, where: ConfigLocation): RegExp {
  if (typeof pattern !== 'string') {
    throw new ConfigError(`${option} pattern must be a string, got ${describe(pattern)}`, where);
  }
  const caseless = pattern.startsWith('(?i)');
  try {
    return new RegExp(caseless ? pattern.slice(4) : pattern, caseless ? 'i' : '');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError(`invalid ${option} pattern ${JSON.stringify(pattern)}: ${reason}`, where);
  }
}

function compilePatterns(option: string, patterns: unknown, where: ConfigLocation): RegExp[] {
  if (patterns === undefined || patterns === null) return [];
  const list = Array.isArray(patterns) ? patterns : [patterns];
  return list.map((pattern) => compilePattern(option, pattern, where));
}

function compileRange(range: unknown, where: ConfigLocation): Range | undefined {
  if (range === undefined || range === null) return undefined;
  if (typeof range !== 'string' || range.trim() === '') {
    throw new ConfigError(`semver must be a non-empty range such as ">=1.2 <2", got ${describe(range)}`, where);
  }
  try {
    return new semver.Range(range, { loose: true });
  } catch {
    throw new ConfigError(`invalid semver range ${JSON.stringify(range)}: expected a range such as ">=1.2 <2", "^3" or "~1.2"`, where);
  }
}

function checkSort(sort: unknown, hasRange: boolean, where: ConfigLocation): TagSort {
  if (sort === undefined || sort === null) return hasRange ? 'semver' : 'version';
  if (typeof sort === 'string' && (SORTS as readonly string[]).includes(sort)) return sort as TagSort;
  throw new ConfigError(`invalid sort ${describe(sort)}: expected one of ${SORTS.join(', ')}`, where);
}

function compileLatest(latest: unknown, where: ConfigLocation): { pattern: RegExp | undefined } | undefined {
  if (latest === undefined || latest === null) return undefined;
  if (typeof latest !== 'object' || Array.isArray(latest)) {
    throw new ConfigError(`latest must be a mapping such as { pattern: "-py36$" }, got ${describe(latest)}`, where);
  }
  const pattern = (latest as { pattern?: unknown }).pattern;
  return {
    pattern: pattern === undefined || pattern === null ? undefined : compilePattern('latest', pattern, where),
  };
}

/** Milliseconds since the epoch, or `undefined` for a missing or unparsable time. */
function pushTime(tag: TagInfo): number | undefined {
  const { pushedAt } = tag;
  if (pushedAt === undefined || pushedAt === null) return undefined;
  const time = pushedAt instanceof Date ? pushedAt.getTime() : Date.parse(pushedAt);
  return Number.isFinite(time) ? time : undefined;
}

/** Decimal numbers by value, exactly (no float rounding): integer part, then fraction. */
function compareDecimal(a: string, b: string): number {
  const [ai = '', af = ''] = a.split('.');
  const [bi = '', bf = ''] = b.split('.');
  const aInt = ai.replace(/^0+/, '');
  const bInt = bi.replace(/^0+/, '');
  if (aInt.length !== bInt.length) return aInt.length - bInt.length;
  if (aInt !== bInt) return aInt < bInt ? -1 : 1;
  const width = Math.max(af.length, bf.length);
  const aFrac = af.padEnd(width, '0');
  const bFrac = bf.padEnd(width, '0');
  return aFrac < bFrac ? -1 : aFrac > bFrac ? 1 : 0;
}

function comparatorFor(sort: TagSort): (a: TagInfo, b: TagInfo) => number {
  const byVersion = (a: TagInfo, b: TagInfo): number => compareTagVersions(a.tag, b.tag);
  switch (sort) {
    case 'version':
      return byVersion;
    case 'alphabetical':
      return (a, b) => (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0);
    case 'numeric':
      return (a, b) => {
        const da = DECIMAL.test(a.tag);
        const db = DECIMAL.test(b.tag);
        // Only accepted (decimal) tags are sorted by `filter`; others sort first.
        if (da && db) return compareDecimal(a.tag, b.tag) || byVersion(a, b);
        if (da !== db) return da ? 1 : -1;
        return byVersion(a, b);
      };
    case 'semver':
      return (a, b) => {
        const va = tagSemver(a.tag);
        const vb = tagSemver(b.tag);
        if (va && vb) return semver.compare(va, vb) || byVersion(a, b);
        // Only accepted tags are sorted by `filter`; for others, unreadable sorts first.
        if (va) return 1;
        if (vb) return -1;
        return byVersion(a, b);
      };
    case 'pushed':
      return (a, b) => {
        const ta = pushTime(a);
        const tb = pushTime(b);
        if (ta !== undefined && tb !== undefined && ta !== tb) return ta - tb;
        if (ta === undefined && tb !== undefined) return -1;
        if (ta !== undefined && tb === undefined) return 1;
        return byVersion(a, b);
      };
  }
}
