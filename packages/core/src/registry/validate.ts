/**
 * Registry data is input: a tag, digest or repository name from a server is checked
 * before it reaches a YAML file. These predicates are the single definition of "valid".
 */
import { DIGEST_PATTERN, REPOSITORY_PATTERN, TAG_PATTERN } from './types.js';

/** A tag as the OCI distribution spec allows: `[A-Za-z0-9_][A-Za-z0-9._-]{0,127}`. */
export function isValidTag(tag: unknown): tag is string {
  return typeof tag === 'string' && TAG_PATTERN.test(tag);
}

/** A sha256 digest, `sha256:` + 64 lowercase hex. Other algorithms are not accepted. */
export function isValidDigest(digest: unknown): digest is string {
  return typeof digest === 'string' && DIGEST_PATTERN.test(digest);
}

/** A repository name as the OCI distribution spec allows (`lablup/python`, `library/redis`). */
export function isValidRepository(name: unknown): name is string {
  return typeof name === 'string' && name.length <= 255 && REPOSITORY_PATTERN.test(name);
}
