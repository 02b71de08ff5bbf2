/**
 * Choosing the tag a reference moves to, and the digest it is pinned to.
 *
 * A bump stays within the tag's shape, much as Renovate's Docker versioning does: the new
 * tag has the same `v` prefix, the same number of version components and the same suffix
 * up to the numbers in it (`1.25-alpine` moves to `1.27-alpine`, never to `1.27` or
 * `2-bookworm`; Bitnami's `7.2.4-debian-12-r9` may move to `7.2.5-debian-12-r0`; so may
 * `-cuda11` to `-cuda12`, which a policy's include pattern can prevent), and it is newer
 * by the tag policy's order. A tag without a leading version (`latest`, `alpine`,
 * `stable`) never moves; it can still be pinned. Markers name their policy explicitly and
 * do not use this rule.
 */
import { digestForm } from '../policy/digest-form.js';
import type { TagPolicy } from '../policy/tag-policy.js';
import { registryTags } from './registry-tags.js';
import type { RepositoryState, TargetOptions } from './types.js';

const SHAPE = /^(v?)(\d+(?:\.\d+)*)(.*)$/;

function shapeOf(tag: string): string | undefined {
  const match = SHAPE.exec(tag);
  if (!match) return undefined;
  return `${match[1]}|${match[2]!.split('.').length}|${match[3]!.replace(/\d+/g, '#')}`;
}

/**
 * The newest tag of `state` that the policy accepts, shaped like `current` and newer than
 * it; `undefined` when there is none.
 *
 * @example
 * nextTag('1.25-alpine', state, policy) // '1.27-alpine' when the registry has it
 */
export function nextTag(current: string, state: RepositoryState, policy: TagPolicy): string | undefined {
  const shape = shapeOf(current);
  if (shape === undefined) return undefined;
  const candidates = registryTags(state).filter((tag) => shapeOf(tag.name) === shape);
  const newest = policy.newest(candidates);
  if (!newest || newest.name === current) return undefined;
  return policy.compare(newest, { name: current }) > 0 ? newest.name : undefined;
}

/** Where a reference should point; `problems` say what could not be resolved. */
export interface ReferencePlan {
  tag: string | undefined;
  digest: string | undefined;
  problems: string[];
}

/**
 * The tag and digest a reference `{tag, digest}` should have: the tag bumped (unless
 * `bumpTags: false`), and the digest refreshed to the (new) tag's manifest digest when the
 * reference has one or `pin` is set. A digest always goes with its tag: when the new tag's
 * digest is unknown, neither changes.
 */
export function planReference(
  current: { tag: string | undefined; digest: string | undefined },
  state: RepositoryState,
  target: TargetOptions,
): ReferencePlan {
  const problems: string[] = [];
  let tag = current.tag;
  if (tag !== undefined && target.bumpTags !== false) tag = nextTag(tag, state, target.tagPolicy) ?? tag;
  let digest = current.digest;
  if ((current.digest !== undefined || target.pin) && tag !== undefined) {
    const tagState = state.tags.get(tag);
    const result = tagState ? digestForm(tagState, 'manifest') : undefined;
    if (result?.ok) digest = result.value;
    else {
      problems.push(tagState ? (result as { message: string }).message : `the registry has no tag ${tag} to take a digest from`);
      return { tag: current.tag, digest: current.digest, problems };
    }
  }
  return { tag, digest, problems };
}
