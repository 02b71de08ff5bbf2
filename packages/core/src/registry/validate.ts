/**
 * Registry data is input: a tag, digest or repository name from a server is checked
 * before it reaches a YAML file. These predicates are the single definition of "valid".
 */
import { isValidDigest as digestGrammar, isValidTag as tagGrammar } from '../policy/tag-grammar.js';
import { REPOSITORY_PATTERN } from './types.js';

/** A tag as the OCI distribution spec allows (see `policy/tag-grammar.ts`), for unknown input. */
export function isValidTag(tag: unknown): tag is string {
  return typeof tag === 'string' && tagGrammar(tag);
}

/** A sha256 digest, `sha256:` + 64 lowercase hex (see `policy/tag-grammar.ts`), for unknown input. */
export function isValidDigest(digest: unknown): digest is string {
  return typeof digest === 'string' && digestGrammar(digest);
}

/** A repository name as the OCI distribution spec allows (`lablup/python`, `library/redis`). */
export function isValidRepository(name: unknown): name is string {
  return typeof name === 'string' && name.length <= 255 && REPOSITORY_PATTERN.test(name);
}
