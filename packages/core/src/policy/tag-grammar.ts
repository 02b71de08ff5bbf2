/**
 * The grammar of what a registry may hand us: tags, digests and the short image ids that
 * Backend.AI writes. Everything imgsync writes into a file passes through these checks
 * first, so that a misbehaving registry (or a proxy answering with an HTML page) can never
 * put garbage into a user's repository: invalid registry data is rejected, never written.
 *
 * Sources: the OCI Distribution Spec (tag grammar) and the OCI Image Spec, "Descriptor /
 * Digests" (registered algorithms and their encodings).
 */

/** OCI tag grammar: `[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}` (at most 128 characters). */
const TAG_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

/**
 * Registered digest algorithms and the exact encoding the OCI Image Spec requires for
 * each: lowercase hex of the hash's full length. (`sha384` is accepted by go-digest but is
 * not registered by the image spec, so it is not listed here.)
 */
const DIGEST_ENCODINGS = {
  sha256: /^[a-f0-9]{64}$/,
  sha512: /^[a-f0-9]{128}$/,
} as const;

/** A digest algorithm registered by the OCI Image Spec. */
export type DigestAlgorithm = keyof typeof DIGEST_ENCODINGS;

/** Options of {@link isValidDigest}. */
export interface DigestCheckOptions {
  /**
   * Algorithms to accept. Default `['sha256']`.
   *
   * Why sha512 is off by default: the OCI Image Spec registers `sha256` (required) and
   * `sha512` (optional: "implementations MAY implement SHA-512"), and the Distribution Spec
   * only requires registries to support sha256. Every registry imgsync talks to answers
   * with sha256, Docker's image ids are sha256, and Backend.AI's 12-hex ids are cut from
   * sha256 config digests. A sha512 digest from a registry is therefore more likely a
   * surprise than a value a user wants written, so a caller has to opt in.
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
export function isValidTag(tag: string): boolean {
  return typeof tag === 'string' && TAG_PATTERN.test(tag);
}

/**
 * Whether `digest` is `algorithm:hex` with a registered algorithm and exactly its hex
 * length in lowercase: `sha256:` + 64 hex by default, `sha512:` + 128 hex on request
 * (see {@link DigestCheckOptions.algorithms} for why sha512 is opt-in). Uppercase hex is
 * rejected, as the OCI spec and go-digest do.
 *
 * @example
 * isValidDigest('sha256:' + 'ab'.repeat(32))                           // true
 * isValidDigest('sha256:' + 'AB'.repeat(32))                           // false: uppercase
 * isValidDigest('sha512:' + 'ab'.repeat(64))                           // false by default
 * isValidDigest('sha512:' + 'ab'.repeat(64), { algorithms: ['sha512'] }) // true
 */
export function isValidDigest(digest: string, options: DigestCheckOptions = {}): boolean {
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
 * Whether `value` is a 12-hex short image id as Docker prints it and Backend.AI stores it
 * (`ca7b9f52b6c2`): exactly twelve lowercase hex digits, no algorithm prefix.
 *
 * @example
 * isImageId12('ca7b9f52b6c2') // true
 * isImageId12('x')            // false: Backend.AI's "not built yet" placeholder
 */
export function isImageId12(value: string): boolean {
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
export function matchesImageId12(
  imageId12: string,
  digest: string,
  options: DigestCheckOptions = {},
): boolean {
  return isImageId12(imageId12) && toImageId12(digest, options) === imageId12;
}
