/**
 * The one grammar of the names and ids imgsync reads and writes: tags, digests, repository
 * paths, and the short image ids that Backend.AI writes. The reference parser
 * (`parse.ts`) is built from these patterns, and everything a registry hands us passes
 * these checks before it reaches a file, so that a misbehaving registry (or a proxy
 * answering with an HTML page) can never put garbage into a user's repository: invalid
 * registry data is rejected, never written.
 *
 * Sources: the OCI Distribution Spec (tag and repository grammar), the OCI Image Spec,
 * "Descriptor / Digests" (registered algorithms and their encodings), and Docker's
 * github.com/distribution/reference, whose `regexp.go` the patterns follow.
 *
 * The predicates take `unknown` and narrow to `string`, so that they check JSON from a
 * server as well as strings from a file.
 */

/** OCI tag grammar, as a pattern source: `[A-Za-z0-9_][A-Za-z0-9._-]{0,127}` (at most 128 characters). */
export const TAG_SOURCE = '[A-Za-z0-9_][A-Za-z0-9._-]{0,127}';

/**
 * One path component of a repository name, as a pattern source: lowercase alphanumerics,
 * joined by `.`, `_`, `__` or runs of `-` (`kernel-python`, `my__app`).
 */
export const PATH_COMPONENT_SOURCE = '[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*';

/** A repository path, as a pattern source: components joined by `/` (`lablup/kernel-python`). */
export const REPOSITORY_SOURCE = `${PATH_COMPONENT_SOURCE}(?:/${PATH_COMPONENT_SOURCE})*`;

/** The longest repository name (registry host and path) the distribution spec allows. */
export const NAME_TOTAL_LENGTH_MAX = 255;

const TAG = new RegExp(`^${TAG_SOURCE}$`);
const REPOSITORY = new RegExp(`^${REPOSITORY_SOURCE}$`);

/**
 * Digest algorithms and the exact encoding each requires: lowercase hex of the hash's full
 * length. The OCI Image Spec registers `sha256` (required) and `sha512` (optional);
 * `sha384` is not registered there, but go-digest, and so Docker, accepts it in a
 * reference. Which ones a caller accepts is its choice ({@link DigestCheckOptions}).
 */
const DIGEST_ENCODINGS = {
  sha256: /^[a-f0-9]{64}$/,
  sha384: /^[a-f0-9]{96}$/,
  sha512: /^[a-f0-9]{128}$/,
} as const;

/** A digest algorithm with a known encoding. */
export type DigestAlgorithm = keyof typeof DIGEST_ENCODINGS;

/**
 * The algorithms Docker accepts in an image reference (go-digest's registered ones): a
 * reference a user wrote is parsed as Docker parses it, whichever of these it uses.
 */
export const REFERENCE_DIGEST_ALGORITHMS: readonly DigestAlgorithm[] = ['sha256', 'sha384', 'sha512'];

/** Options of {@link isValidDigest}. */
export interface DigestCheckOptions {
  /**
   * Algorithms to accept. Default `['sha256']`.
   *
   * Why only sha256 by default: the OCI Image Spec registers `sha256` (required) and
   * `sha512` (optional: "implementations MAY implement SHA-512"), and the Distribution Spec
   * only requires registries to support sha256. Every registry imgsync talks to answers
   * with sha256, Docker's image ids are sha256, and Backend.AI's 12-hex ids are cut from
   * sha256 config digests. Another algorithm from a registry is therefore more likely a
   * surprise than a value a user wants written, so a caller has to opt in (the reference
   * parser does, with {@link REFERENCE_DIGEST_ALGORITHMS}, for what a user wrote).
   */
  algorithms?: readonly DigestAlgorithm[];
}

/** Twelve lowercase hex digits: Docker's short image id. */
const IMAGE_ID_12_PATTERN = /^[a-f0-9]{12}$/;

/**
 * Whether `tag` is a tag a registry may hold, per the OCI tag grammar
 * `[A-Za-z0-9_][A-Za-z0-9._-]{0,127}`.
 *
 * @example
 * isValidTag('3.6-ubuntu18.04') // true
 * isValidTag('.hidden')         // false: must not start with '.' or '-'
 * isValidTag('a'.repeat(129))   // false: at most 128 characters
 */
export function isValidTag(tag: unknown): tag is string {
  return typeof tag === 'string' && TAG.test(tag);
}

/**
 * Whether `digest` is `algorithm:hex` with an accepted algorithm and exactly its hex
 * length in lowercase: `sha256:` + 64 hex by default, others on request (see
 * {@link DigestCheckOptions.algorithms} for why). Uppercase hex is rejected, as the OCI
 * spec and go-digest do.
 *
 * @example
 * isValidDigest('sha256:' + 'ab'.repeat(32))                           // true
 * isValidDigest('sha256:' + 'AB'.repeat(32))                           // false: uppercase
 * isValidDigest('sha512:' + 'ab'.repeat(64))                           // false by default
 * isValidDigest('sha512:' + 'ab'.repeat(64), { algorithms: ['sha512'] }) // true
 */
export function isValidDigest(digest: unknown, options: DigestCheckOptions = {}): digest is string {
  if (typeof digest !== 'string') return false;
  const colon = digest.indexOf(':');
  if (colon < 0) return false;
  const algorithm = digest.slice(0, colon);
  const allowed = options.algorithms ?? ['sha256'];
  if (!(allowed as readonly string[]).includes(algorithm)) return false;
  const encoding = DIGEST_ENCODINGS[algorithm as DigestAlgorithm];
  return encoding !== undefined && encoding.test(digest.slice(colon + 1));
}

/**
 * Whether `name` is a repository path as the distribution spec allows (`lablup/python`,
 * `library/redis`): path components of lowercase alphanumerics and separators, at most
 * {@link NAME_TOTAL_LENGTH_MAX} characters. No registry host: see `parse.ts` for whole
 * references.
 *
 * @example
 * isValidRepository('lablup/kernel-python') // true
 * isValidRepository('Lablup/Python')        // false: uppercase
 */
export function isValidRepository(name: unknown): name is string {
  return typeof name === 'string' && name.length <= NAME_TOTAL_LENGTH_MAX && REPOSITORY.test(name);
}

/**
 * Whether `value` is a 12-hex short image id as Docker prints it and Backend.AI stores it
 * (`ca7b9f52b6c2`): exactly twelve lowercase hex digits, no algorithm prefix.
 *
 * @example
 * isImageId12('ca7b9f52b6c2') // true
 * isImageId12('x')            // false: Backend.AI's "not built yet" placeholder
 */
export function isImageId12(value: unknown): value is string {
  return typeof value === 'string' && IMAGE_ID_12_PATTERN.test(value);
}

/**
 * The short image id of a digest: the first 12 hex digits after the algorithm, as Docker's
 * `stringid.TruncateID` cuts it. Returns `undefined` when `digest` is not valid per
 * {@link isValidDigest} with the same options, so garbage never becomes an id.
 *
 * @example
 * toImageId12('sha256:ca7b9f52b6c2' + '0'.repeat(52)) // 'ca7b9f52b6c2'
 * toImageId12('ca7b9f52b6c2')                         // undefined: not a digest
 */
export function toImageId12(digest: string, options: DigestCheckOptions = {}): string | undefined {
  if (!isValidDigest(digest, options)) return undefined;
  return digest.slice(digest.indexOf(':') + 1, digest.indexOf(':') + 13);
}

/**
 * Whether a stored short id (`ca7b9f52b6c2`) names the image of a full digest. False when
 * either side is malformed, so a placeholder (`x`, `""`) never matches.
 *
 * @example
 * matchesImageId12('ca7b9f52b6c2', 'sha256:ca7b9f52b6c2' + '0'.repeat(52)) // true
 */
export function matchesImageId12(imageId12: string, digest: string, options: DigestCheckOptions = {}): boolean {
  return isImageId12(imageId12) && toImageId12(digest, options) === imageId12;
}
