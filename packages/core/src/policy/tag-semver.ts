/**
 * Reading a container tag as a semantic version, so that semver ranges (`>=1.10 <2`) can
 * select tags and the `semver` sort can order them.
 *
 * Docker tags are rarely semver: `3.6-ubuntu`, `1.10-py36-cuda9`, `18.04`, `v1.2.3`,
 * `1.2.3-rc1`. Parsing them with `semver.parse(tag, { loose: true })` would turn every
 * variant suffix into a pre-release (`3.6.0-ubuntu`), which ranges then exclude; plain
 * `semver.coerce` finds a version anywhere in the string (`gcc6.3-alpine` → 6.3.0, the
 * compiler's version). imgsync therefore reads a tag like this:
 *
 * 1. The tag must start with `[v]MAJOR[.MINOR[.PATCH]]` (missing parts are 0). A
 *    fourth numeric part (`1.2.3.4`) is ignored.
 * 2. If what follows starts with a pre-release word (`alpha`, `a`, `beta`, `b`, `rc`,
 *    `pre`, `preview`, `dev`, `snapshot`, `nightly`, `canary`; optionally after `-`, `.`
 *    or `_`) and an optional number, the version is a pre-release: `1.2.3-rc1` →
 *    `1.2.3-rc.1`, `3.13.0a1` → `3.13.0-alpha.1`.
 * 3. Any other suffix is a variant and is dropped: `3.6-ubuntu` → `3.6.0`,
 *    `1.10-py36-cuda9` → `1.10.0`, `18.04` → `18.4.0`, `5.1-alpine` → `5.1.0`.
 *
 * Tags that do not start with a version (`latest`, `mro-3.3`, `gcc6.3-alpine`) have no
 * semver reading, and neither do numbers beyond `Number.MAX_SAFE_INTEGER`.
 */
import semver from 'semver';
import type { SemVer } from 'semver';
import { prereleaseRank } from './version-order.js';

const LEADING_VERSION = /^[vV]?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?![0-9])/;
const PRERELEASE_SUFFIX = /^[-._]?([A-Za-z]+)(?:[-._]?(\d+))?(?![A-Za-z])/;

/** Canonical spelling of the short pre-release words, so that `a1` and `alpha1` agree. */
const PRERELEASE_SPELLING: Readonly<Record<string, string>> = { a: 'alpha', b: 'beta' };

function numberPart(digits: string | undefined): string | undefined {
  if (digits === undefined) return '0';
  const value = Number(digits);
  return Number.isSafeInteger(value) ? String(value) : undefined;
}

/**
 * The semantic version a tag stands for (see the file comment), or `null` when it has
 * none. Never throws.
 *
 * @example
 * tagSemver('3.6-ubuntu')?.version      // '3.6.0'
 * tagSemver('1.10-py36-cuda9')?.version // '1.10.0'
 * tagSemver('v1.2.3-rc1')?.version      // '1.2.3-rc.1'
 * tagSemver('latest')                   // null
 */
export function tagSemver(tag: string): SemVer | null {
  const match = LEADING_VERSION.exec(tag);
  if (!match) return null;
  const major = numberPart(match[1]);
  const minor = numberPart(match[2]);
  const patch = numberPart(match[3]);
  if (major === undefined || minor === undefined || patch === undefined) return null;
  let version = `${major}.${minor}.${patch}`;
  const rest = tag.slice(match[0].length);
  const suffix = PRERELEASE_SUFFIX.exec(rest);
  if (suffix?.[1] !== undefined && prereleaseRank(suffix[1]) !== undefined) {
    const word = suffix[1].toLowerCase();
    version += `-${PRERELEASE_SPELLING[word] ?? word}`;
    if (suffix[2] !== undefined) {
      const n = numberPart(suffix[2]);
      if (n === undefined) return null;
      version += `.${n}`;
    }
  }
  try {
    return new semver.SemVer(version);
  } catch {
    return null;
  }
}
