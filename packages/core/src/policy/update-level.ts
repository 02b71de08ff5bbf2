/**
 * How far a version tag may move on its own: the `update` setting of a target.
 *
 * - `patch`: within the tag's major.minor (`7.16.1` → `7.16.4`; Bitnami's revision bumps
 *   `7.2.4-debian-12-r9` → `7.2.4-debian-12-r10` too, they share 7.2.4);
 * - `minor`: within its major (`7.16.1` → `7.17.28`), the default without a semver range;
 * - `major`: anywhere the tag policy allows (`7.16.1` → `8.1.0`), the default when the tag
 *   policy has an explicit `semver` range: the range then says which majors are welcome.
 *
 * Versions are the tags' semver readings (`tag-semver.ts`): `1.25-alpine` is 1.25.0, `v5`
 * is 5.0.0, `2` is 2.0.0. Two tags without such a reading are not versions and no level
 * applies to them (a Flux-style `main-1a2b3c-1700000000` policy picks them freely). Under
 * `sort: numeric` tags are build numbers or dates (`20240131`), not versions, and no
 * level applies either.
 */
import type { TagPolicy } from './tag-policy.js';
import { tagSemver } from './tag-semver.js';

/** How far a tag may move: within its patch, minor or major version (`update:`). */
export type UpdateLevel = 'major' | 'minor' | 'patch';

export const UPDATE_LEVELS: readonly UpdateLevel[] = ['major', 'minor', 'patch'];

const RANK: Record<UpdateLevel, number> = { patch: 0, minor: 1, major: 2 };

/**
 * The level that applies to a policy: the target's explicit `update`, else `major` when
 * the policy has a `semver` range, else `minor`.
 *
 * @example
 * effectiveUpdateLevel(undefined, createTagPolicy({}))                  // 'minor'
 * effectiveUpdateLevel(undefined, createTagPolicy({ semver: '>=8' }))   // 'major'
 * effectiveUpdateLevel('patch', createTagPolicy({ semver: '>=8' }))     // 'patch'
 */
export function effectiveUpdateLevel(explicit: UpdateLevel | undefined, policy: TagPolicy): UpdateLevel {
  return explicit ?? (policy.semver !== undefined ? 'major' : 'minor');
}

/**
 * The smallest level that allows moving from `current` to `candidate`: `major` when the
 * major version differs, `minor` when the minor does, else `patch`. `undefined` when
 * either tag has no version reading (no level applies, see the file comment).
 *
 * @example
 * levelNeeded('7.16.1', '7.17.28') // 'minor'
 * levelNeeded('7.16.1', '8.1.0')   // 'major'
 * levelNeeded('latest', '8.1.0')   // undefined
 */
export function levelNeeded(current: string, candidate: string): UpdateLevel | undefined {
  const a = tagSemver(current);
  const b = tagSemver(candidate);
  if (!a || !b) return undefined;
  if (a.major !== b.major) return 'major';
  if (a.minor !== b.minor) return 'minor';
  return 'patch';
}

/**
 * Whether `level` lets a reference move from `current` to `candidate` under `policy`.
 * A tag that is not a version (`latest`, `stable`, or no tag at all) is never replaced by
 * a version, whatever the level; a version may become a non-version only under `major`.
 *
 * @example
 * allowsMove('minor', '7.16.1', '7.17.28', policy) // true
 * allowsMove('minor', '7.16.1', '8.1.0', policy)   // false
 * allowsMove('major', 'latest', '8.1.0', policy)   // false
 */
export function allowsMove(level: UpdateLevel, current: string | undefined, candidate: string, policy: TagPolicy): boolean {
  const currentIsVersion = current !== undefined && tagSemver(current) !== null;
  const candidateIsVersion = tagSemver(candidate) !== null;
  if (!currentIsVersion && candidateIsVersion) return false;
  if (policy.sort === 'numeric' || !currentIsVersion) return true;
  if (!candidateIsVersion) return level === 'major';
  return RANK[levelNeeded(current, candidate)!] <= RANK[level];
}
