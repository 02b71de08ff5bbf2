/**
 * Natural version order of container tags, the order a person would list them in:
 *
 * ```
 * latest < latest-gpu < 1.9-py36 < 1.10-py36 < 1.10-py36-cuda9 < 2.0-py36
 * 1.2.3-rc1 < 1.2.3 < 1.2.4      3.6-ubuntu < 3.6-ubuntu18.04
 * ```
 *
 * How two tags compare. A leading `v` before a digit is dropped (`v1.2.3` ~ `1.2.3`), then
 * each tag is cut into tokens: runs of ASCII digits (numbers) and runs of ASCII letters
 * (words); everything else (`.`, `-`, `_`, any other character) only separates tokens. The
 * token lists are compared position by position, a shorter list being padded with an
 * "end" token, over this ranking of tokens:
 *
 *   pre-release word  <  end  <  other word  <  number
 *
 * - numbers compare by value (`10` > `9`, `04` = `4`, any length; no precision limit);
 * - words compare case-insensitively;
 * - pre-release words are `dev`, `snapshot`, `nightly`, `canary` < `alpha`/`a` <
 *   `beta`/`b` < `pre`/`preview` < `rc`. Because they rank below "end", `1.2.3-rc1` comes
 *   before `1.2.3`; because other words rank above it, a variant suffix comes after
 *   (`3.6` < `3.6-ubuntu`): in Docker tags a hyphen usually starts a variant, not a
 *   semver pre-release;
 * - a word ranks below a number, so plain words (`latest`, `alpine`, `beta`) sort before
 *   every version and are never the "highest version", and `1.2-alpine` < `1.2.1`.
 *
 * Tags with equal token lists (`18.04` / `18.4`, `v1.2` / `1.2`, `1.2.3` / `1-2-3`) are
 * ordered by their raw UTF-16 code units, so the order is total: the comparator returns 0
 * only for identical strings, never throws, and is deterministic for any input.
 */

/** Pre-release words and their rank among themselves (lower = earlier). */
const PRERELEASE_RANK: ReadonlyMap<string, number> = new Map([
  ['dev', 0],
  ['snapshot', 0],
  ['nightly', 0],
  ['canary', 0],
  ['alpha', 1],
  ['a', 1],
  ['beta', 2],
  ['b', 2],
  ['pre', 3],
  ['preview', 3],
  ['rc', 4],
]);

/**
 * The rank of a pre-release word (`rc` → 4), or `undefined` for any other word.
 * Case-insensitive. Shared with the semver reading of tags so both agree on what a
 * pre-release is.
 *
 * @example
 * prereleaseRank('RC')     // 4
 * prereleaseRank('ubuntu') // undefined
 */
export function prereleaseRank(word: string): number | undefined {
  return PRERELEASE_RANK.get(word.toLowerCase());
}

/** Token classes, in ascending order (see the file comment). */
const PRERELEASE = 0;
const END = 1;
const WORD = 2;
const NUMBER = 3;

interface Token {
  readonly kind: typeof PRERELEASE | typeof WORD | typeof NUMBER;
  /** Lowercased word, or the number's digits without leading zeros (`''` for zero). */
  readonly text: string;
  /** Pre-release rank; 0 for other kinds. */
  readonly rank: number;
}

const END_TOKEN = { kind: END, text: '', rank: 0 } as const;

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function isLetter(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

function tokenize(tag: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  if (tag.length > 1 && (tag[0] === 'v' || tag[0] === 'V') && isDigit(tag.charCodeAt(1))) i = 1;
  while (i < tag.length) {
    const code = tag.charCodeAt(i);
    if (isDigit(code)) {
      let j = i;
      while (j < tag.length && isDigit(tag.charCodeAt(j))) j++;
      let start = i;
      while (start < j && tag.charCodeAt(start) === 48) start++;
      tokens.push({ kind: NUMBER, text: tag.slice(start, j), rank: 0 });
      i = j;
    } else if (isLetter(code)) {
      let j = i;
      while (j < tag.length && isLetter(tag.charCodeAt(j))) j++;
      const word = tag.slice(i, j).toLowerCase();
      const rank = PRERELEASE_RANK.get(word);
      tokens.push(rank === undefined ? { kind: WORD, text: word, rank: 0 } : { kind: PRERELEASE, text: word, rank });
      i = j;
    } else {
      i++;
    }
  }
  return tokens;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareTokens(a: Token | typeof END_TOKEN, b: Token | typeof END_TOKEN): number {
  if (a.kind !== b.kind) return a.kind - b.kind;
  switch (a.kind) {
    case NUMBER:
      return a.text.length - b.text.length || compareStrings(a.text, b.text);
    case PRERELEASE:
      return a.rank - b.rank || compareStrings(a.text, b.text);
    default:
      return compareStrings(a.text, b.text);
  }
}

/**
 * Compares two tags in natural version order (see the file comment for the rules).
 * Suitable for `Array.prototype.sort`: ascending, oldest first. Total and consistent:
 * returns 0 only when `a === b`.
 *
 * @example
 * ['2.0-py36', 'latest', '1.10-py36', '1.9-py36'].sort(compareTagVersions)
 * // → ['latest', '1.9-py36', '1.10-py36', '2.0-py36']
 * compareTagVersions('1.2.3-rc1', '1.2.3') // < 0
 */
export function compareTagVersions(a: string, b: string): number {
  if (a === b) return 0;
  const ta = tokenize(a);
  const tb = tokenize(b);
  const n = Math.max(ta.length, tb.length);
  for (let i = 0; i < n; i++) {
    const order = compareTokens(ta[i] ?? END_TOKEN, tb[i] ?? END_TOKEN);
    if (order !== 0) return order < 0 ? -1 : 1;
  }
  return compareStrings(a, b);
}
