/**
 * The tag a marker is set from: the policy's newest accepted tag, as Flux chooses it, but
 * within the target's update level (`policy/update-level.ts`) measured from the version the
 * file holds, and never a version in place of a tag that is not one.
 *
 * The version the file holds is the marked reference's tag (`:5.0.0` of a whole
 * reference), the marked tag, or for a `:name` or `:digest` marker the `:tag` marker of
 * the same policy beside it in the same mapping (Flux's `repository`/`tag`/`digest`
 * triple). A `:digest` marker with no such neighbour has no version to stay within: only
 * `update: major` (or a policy with a `semver` range) lets the policy pick its tag. A
 * whole reference without a tag means `latest`, which is not a version.
 */
import { parseImageRef } from '../../image-ref/parse.js';
import type { RepositoryName } from '../../policy/ignore-rules.js';
import type { TagPolicy } from '../../policy/tag-policy.js';
import { allowsMove, levelNeeded, type UpdateLevel } from '../../policy/update-level.js';
import { candidateTags, heldMessage, type HeldTag } from '../tag-bump.js';
import type { RepositoryState, TagState, TargetOptions } from '../types.js';
import type { Marker } from './find-markers.js';

export type MarkerChoice = { ok: true; tag: TagState; held: HeldTag | undefined } | { ok: false; message: string };

/** The tag the file holds for `marker`, as described in the file comment; `undefined`: none or unknown. */
export function heldVersion(marker: Marker, markers: readonly Marker[]): string | undefined {
  switch (marker.field) {
    case 'ref':
      return parseImageRef(marker.site.text)?.tag;
    case 'tag':
      return marker.site.text;
    default: {
      const parent = JSON.stringify(marker.site.path.slice(0, -1));
      const sibling = markers.find(
        (other) =>
          other.field === 'tag' &&
          other.policy === marker.policy &&
          other.site.document === marker.site.document &&
          JSON.stringify(other.site.path.slice(0, -1)) === parent,
      );
      return sibling?.site.text;
    }
  }
}

/**
 * Chooses the tag for `marker` (see the file comment). `ok: false` says why nothing
 * qualifies; `held` is a newer tag the level held back.
 */
export function chooseMarkerTag(
  marker: Marker,
  current: string | undefined,
  state: RepositoryState,
  policy: TagPolicy,
  level: UpdateLevel,
  rules: { repository: string; names: readonly RepositoryName[]; target: Pick<TargetOptions, 'ignore'> },
): MarkerChoice {
  const accepted = policy.filter(candidateTags(state, rules));
  const newest = policy.newest(accepted);
  if (!newest) return { ok: false, message: `policy ${marker.policy} accepts none of ${rules.repository}'s tags; left alone` };
  if (marker.field === 'name') return { ok: true, tag: accepted.find((tag) => tag.tag === current) ?? newest, held: undefined };
  if (current === undefined && marker.field === 'digest') {
    if (level === 'major') return { ok: true, tag: newest, held: undefined };
    return {
      ok: false,
      message: `${rules.repository}: no :tag marker of policy ${marker.policy} beside this :digest marker tells its version, so update: ${level} has nothing to stay within; left alone (update: major lets the policy choose)`,
    };
  }
  const allowed = accepted.filter((tag) => tag.tag === current || allowsMove(level, current, tag.tag, policy));
  const chosen = policy.newest(allowed);
  const needed = current === undefined ? undefined : levelNeeded(current, newest.tag);
  const held = newest !== chosen && needed ? { tag: newest.tag, level: needed } : undefined;
  if (chosen) return { ok: true, tag: chosen, held };
  if (held) return { ok: false, message: heldMessage(rules.repository, held) };
  const what = current === undefined ? `${marker.site.text} names no tag` : `${current} is not a version`;
  return { ok: false, message: `${rules.repository}: ${newest.tag} available, but ${what} and is never replaced by a version; left alone` };
}
