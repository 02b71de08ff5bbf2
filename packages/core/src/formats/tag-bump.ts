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
 *
 * Within that, the target's update level (`policy/update-level.ts`) says how far: by
 * default within the major version. A newer tag the level holds back is returned as
 * `held`, for the adapter to report. Versions an `ignore:` range names are never chosen
 * (and never reported).
 */
import { digestForm } from '../policy/digest-form.js';
import { NO_IGNORE_RULES, type RepositoryName } from '../policy/ignore-rules.js';
import type { TagPolicy } from '../policy/tag-policy.js';
import { allowsMove, effectiveUpdateLevel, levelNeeded, type UpdateLevel } from '../policy/update-level.js';
import type { RepositoryState, TagState, TargetOptions } from './types.js';

const SHAPE = /^(v?)(\d+(?:\.\d+)*)(.*)$/;

function shapeOf(tag: string): string | undefined {
  const match = SHAPE.exec(tag);
  if (!match) return undefined;
  return `${match[1]}|${match[2]!.split('.').length}|${match[3]!.replace(/\d+/g, '#')}`;
}

/** A newer tag that the update level held back, and the level that would take it. */
export interface HeldTag {
  tag: string;
  level: UpdateLevel;
}

/** Where a tag moves: `tag` (undefined: it stays) and what was held back. */
export interface TagChoice {
  tag: string | undefined;
  held: HeldTag | undefined;
}

/** What, besides the policy, decides a move. */
export interface MoveRules {
  level: UpdateLevel;
  /** The repository's names, for the target's `ignore:` ranges. */
  names: readonly RepositoryName[];
  target: Pick<TargetOptions, 'ignore'>;
}

/** The registry's tags that the target's `ignore:` ranges leave as candidates. */
export function candidateTags(state: RepositoryState, rules: Pick<MoveRules, 'names' | 'target'>): TagState[] {
  const ignore = rules.target.ignore ?? NO_IGNORE_RULES;
  return [...state.tags.values()].filter((tag) => !ignore.ignoresTag(rules.names, tag.tag));
}

/**
 * The newest tag of `state` that the policy accepts, shaped like `current`, newer than it
 * and within the update level; and the newest one the level held back, if any.
 *
 * @example
 * nextTag('7.16.1', state, policy, { level: 'minor', names, target })
 * // { tag: '7.17.28', held: { tag: '8.1.0', level: 'major' } } when the registry has both
 */
export function nextTag(current: string, state: RepositoryState, policy: TagPolicy, rules: MoveRules): TagChoice {
  const shape = shapeOf(current);
  if (shape === undefined) return { tag: undefined, held: undefined };
  // the current tag with its registry data, so that `sort: pushed` compares push times
  const here = state.tags.get(current) ?? { tag: current };
  const sameShape = candidateTags(state, rules).filter((tag) => shapeOf(tag.tag) === shape);
  const ahead = policy.filter(sameShape).filter((tag) => policy.compare(tag, here) > 0);
  const newest = policy.newest(ahead);
  const chosen = policy.newest(ahead.filter((tag) => allowsMove(rules.level, current, tag.tag, policy)));
  const held = newest && newest !== chosen ? { tag: newest.tag, level: levelNeeded(current, newest.tag) ?? 'major' } : undefined;
  return { tag: chosen?.tag, held };
}

/** Where a reference should point; `problems` say what could not be resolved. */
export interface ReferencePlan {
  tag: string | undefined;
  digest: string | undefined;
  /** A newer tag the update level held back (report it). */
  held: HeldTag | undefined;
  problems: string[];
}

/** How to plan one reference. */
export interface PlanOptions {
  /** The repository's names, for `ignore:` ranges. */
  names: readonly RepositoryName[];
  /** Write a digest where the reference has none: the target pins and the file can hold one. */
  addDigest: boolean;
}

/**
 * The tag and digest a reference `{tag, digest}` should have: the tag bumped (unless
 * `bumpTags: false`) within the update level, and the digest refreshed to the (new) tag's
 * manifest digest when the reference has one or `addDigest` is set. A digest always goes
 * with its tag: when the new tag's digest is unknown, neither changes.
 */
export function planReference(
  current: { tag: string | undefined; digest: string | undefined },
  state: RepositoryState,
  target: TargetOptions,
  options: PlanOptions,
): ReferencePlan {
  const problems: string[] = [];
  let tag = current.tag;
  let held: HeldTag | undefined;
  if (tag !== undefined && target.bumpTags !== false) {
    const level = effectiveUpdateLevel(target.update, target.tagPolicy);
    const choice = nextTag(tag, state, target.tagPolicy, { level, names: options.names, target });
    tag = choice.tag ?? tag;
    held = choice.held;
  }
  let digest = current.digest;
  if ((current.digest !== undefined || options.addDigest) && tag !== undefined) {
    const tagState = state.tags.get(tag);
    const result = tagState ? digestForm(tagState, 'manifest') : undefined;
    if (result?.ok) digest = result.value;
    else {
      problems.push(tagState ? (result as { message: string }).message : `the registry has no tag ${tag} to take a digest from`);
      return { tag: current.tag, digest: current.digest, held, problems };
    }
  }
  return { tag, digest, held, problems };
}

/**
 * The report of a held-back tag: `elasticsearch: 8.1.0 available; update: major allows it`.
 */
export function heldMessage(image: string, held: HeldTag): string {
  return `${image}: ${held.tag} available; update: ${held.level} allows it`;
}
