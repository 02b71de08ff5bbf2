/**
 * The registry's tags as the tag policy takes them. Tags outside the OCI grammar are
 * dropped here already (the policy would drop them too), so nothing downstream can write
 * one.
 */
import type { TagInfo } from '../policy/tag-policy.js';
import { isValidTag } from '../policy/tag-grammar.js';
import type { RepositoryState, TagState } from './types.js';

/** A registry tag with its state, in the shape `TagPolicy` sorts. */
export interface RegistryTag extends TagInfo {
  state: TagState;
}

/** The valid tags of `state`, in the registry's order. */
export function registryTags(state: RepositoryState): RegistryTag[] {
  const out: RegistryTag[] = [];
  for (const [name, tagState] of state.tags) {
    if (!isValidTag(name)) continue;
    out.push(tagState.pushedAt === undefined ? { name, state: tagState } : { name, pushedAt: tagState.pushedAt, state: tagState });
  }
  return out;
}
