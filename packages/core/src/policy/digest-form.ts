/**
 * Digest forms: which of a tag's digests imgsync writes into a file.
 *
 * | form          | written value                                  | example              |
 * | ------------- | ---------------------------------------------- | -------------------- |
 * | `image-id-12` | first 12 hex of the platform's config digest    | `ca7b9f52b6c2`       |
 * | `image-id`    | the platform's full config digest (image id)    | `sha256:ca7b9f52…`   |
 * | `manifest`    | digest of the tag's manifest or index           | `sha256:3f1c…`       |
 *
 * `image-id-12` is what Backend.AI stores and what `docker images` prints; `manifest` is
 * what `image@sha256:…` pins need, because pulling by digest resolves a manifest or an
 * index, never a config.
 *
 * A multi-platform tag (an image index / manifest list) has one image id per platform, so
 * the image-id forms pick the requested platform's entry (default `linux/amd64`); a
 * single-platform tag carries its image id directly. Platforms are matched after the
 * normalisation containerd applies (`aarch64` = `arm64`, `arm64/v8` = `arm64`,
 * `arm` = `arm/v7`, `x86_64` = `amd64`), so `linux/arm64` finds an entry listed as
 * `linux/arm64/v8`.
 */
import { ConfigError } from '../errors.js';
import type { ConfigLocation } from './tag-policy.js';
import { isValidDigest, toImageId12 } from '../image-ref/grammar.js';

/** See the file comment. */
export type DigestForm = 'image-id-12' | 'image-id' | 'manifest';

const DIGEST_FORMS: readonly DigestForm[] = ['image-id-12', 'image-id', 'manifest'];

/**
 * Checks a digest form read from configuration. Throws {@link ConfigError} naming the
 * allowed forms.
 *
 * @example
 * parseDigestForm('manifest') // 'manifest'
 * parseDigestForm('short')    // throws ConfigError
 */
export function parseDigestForm(text: unknown, where: ConfigLocation = {}): DigestForm {
  if (typeof text === 'string' && (DIGEST_FORMS as readonly string[]).includes(text)) return text as DigestForm;
  const shown = typeof text === 'string' ? JSON.stringify(text) : String(text);
  throw new ConfigError(`invalid digest form ${shown}: expected one of ${DIGEST_FORMS.join(', ')}`, where);
}

/** An OCI platform, as found in an image index or written as `linux/arm64/v8`. */
export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

/** The platform whose image id is written, and whose manifest is fetched, when none is configured: `linux/amd64`. */
export const DEFAULT_PLATFORM: Readonly<Platform> = Object.freeze({ os: 'linux', architecture: 'amd64' });

/** One platform's image of a multi-platform tag (an entry of an OCI index or Docker manifest list). */
export interface PlatformImage extends Platform {
  /** Digest of the platform's own image manifest. */
  manifestDigest: string;
  /**
   * Digest of the platform's config blob, which is what `docker images` shows as IMAGE ID.
   * `undefined` when it was not fetched (see `imageIdsFor` in the registry client's options).
   */
  imageId?: string | undefined;
}

/**
 * The digests of one tag, which {@link digestForm} chooses from: what a registry resolved
 * (`ResolvedTag` of the registry module extends it), and what the format adapters see.
 */
export interface TagDigests {
  /** Digest of the tag's manifest, or of its index for a multi-platform tag. */
  manifestDigest: string;
  /** Config digest (image id) of a single-platform tag, or of the platform chosen. */
  imageId?: string | undefined;
  /** The index's entries for a multi-platform tag. */
  platforms?: readonly PlatformImage[];
}

/** Why no value could be written. */
export type DigestFormProblem = 'no-platform' | 'no-image-id' | 'invalid-digest';

/** The value to write, or why there is none (a message naming platform and digest). */
export type DigestFormResult = { ok: true; value: string } | { ok: false; problem: DigestFormProblem; message: string };

const PLATFORM_PART = /^[a-z0-9][a-z0-9._-]*$/;

/**
 * Parses `os/architecture[/variant]` (`linux/amd64`, `linux/arm64/v8`, `windows/amd64`),
 * lowercased and otherwise as written (see {@link normalizePlatform} for matching).
 * Throws {@link ConfigError} for anything else, with `where` as its location.
 *
 * @example
 * parsePlatform('linux/arm64/v8') // { os: 'linux', architecture: 'arm64', variant: 'v8' }
 * parsePlatform('linux')          // throws ConfigError: expected os/architecture[/variant]
 */
export function parsePlatform(text: string, where: ConfigLocation = {}): Platform {
  const parts = typeof text === 'string' ? text.trim().toLowerCase().split('/') : [];
  if (parts.length < 2 || parts.length > 3 || !parts.every((part) => PLATFORM_PART.test(part))) {
    throw new ConfigError(`invalid platform ${JSON.stringify(text)}: expected os/architecture[/variant], such as "linux/amd64" or "linux/arm64/v8"`, where);
  }
  const [os = '', architecture = '', variant] = parts;
  return variant === undefined ? { os, architecture } : { os, architecture, variant };
}

/**
 * `os/architecture[/variant]` for messages and configuration.
 *
 * @example
 * formatPlatform({ os: 'linux', architecture: 'arm', variant: 'v7' }) // 'linux/arm/v7'
 */
export function formatPlatform(platform: Platform): string {
  const base = `${platform.os}/${platform.architecture}`;
  return platform.variant ? `${base}/${platform.variant}` : base;
}

/**
 * The canonical form containerd compares platforms in: lowercase, architecture aliases
 * resolved, default variants made explicit or dropped the way containerd does.
 *
 * @example
 * normalizePlatform({ os: 'linux', architecture: 'aarch64' })            // linux/arm64
 * normalizePlatform({ os: 'linux', architecture: 'arm64', variant: 'v8' }) // linux/arm64
 * normalizePlatform({ os: 'linux', architecture: 'arm' })                // linux/arm/v7
 */
export function normalizePlatform(platform: Platform): Platform {
  const os = platform.os.toLowerCase();
  let architecture = platform.architecture.toLowerCase();
  let variant = (platform.variant ?? '').toLowerCase();
  switch (architecture) {
    case 'i386':
      architecture = '386';
      variant = '';
      break;
    case 'x86_64':
    case 'x86-64':
    case 'amd64':
      architecture = 'amd64';
      if (variant === 'v1') variant = '';
      break;
    case 'aarch64':
    case 'arm64':
      architecture = 'arm64';
      if (variant === '8' || variant === 'v8' || variant === 'v8.0') variant = '';
      break;
    case 'armhf':
      architecture = 'arm';
      variant = 'v7';
      break;
    case 'armel':
      architecture = 'arm';
      variant = 'v6';
      break;
    case 'arm':
      if (variant === '' || variant === '7') variant = 'v7';
      else if (/^[5-8]$/.test(variant)) variant = `v${variant}`;
      break;
  }
  return variant ? { os, architecture, variant } : { os, architecture };
}

/**
 * Whether two platforms are the same once normalized ({@link normalizePlatform}).
 *
 * @example samePlatform({ os: 'linux', architecture: 'aarch64' }, { os: 'linux', architecture: 'arm64', variant: 'v8' }) // true
 */
export function samePlatform(a: Platform, b: Platform): boolean {
  const na = normalizePlatform(a);
  const nb = normalizePlatform(b);
  return na.os === nb.os && na.architecture === nb.architecture && (na.variant ?? '') === (nb.variant ?? '');
}

/**
 * The string to write for `tag` in `form`, for `platform` (a {@link Platform} or its
 * `os/arch[/variant]` text; default `linux/amd64`). Never throws for registry data: a
 * missing platform, a missing image id or a malformed digest give `{ ok: false }` with a
 * message, so the caller reports the entry instead of writing garbage. (A malformed
 * `platform` text is configuration and throws {@link ConfigError}.)
 *
 * @example
 * const tag = {
 *   manifestDigest: 'sha256:' + 'a'.repeat(64),
 *   platforms: [{ os: 'linux', architecture: 'amd64', manifestDigest: 'sha256:' + 'b'.repeat(64),
 *                 imageId: 'sha256:ca7b9f52b6c2' + '0'.repeat(52) }],
 * };
 * digestForm(tag, 'image-id-12')  // { ok: true, value: 'ca7b9f52b6c2' }
 * digestForm(tag, 'manifest')     // { ok: true, value: 'sha256:aaaa…' }
 * digestForm(tag, 'image-id', 'linux/arm64')
 * // { ok: false, problem: 'no-platform', message: 'no linux/arm64 image in … (has linux/amd64)' }
 */
export function digestForm(tag: TagDigests, form: DigestForm, platform: Platform | string = DEFAULT_PLATFORM): DigestFormResult {
  parseDigestForm(form);
  if (form === 'manifest') {
    return isValidDigest(tag.manifestDigest) ? { ok: true, value: tag.manifestDigest } : invalid('manifest digest', tag.manifestDigest);
  }
  const wanted = typeof platform === 'string' ? parsePlatform(platform) : platform;
  let imageId: string | undefined;
  if (tag.platforms && tag.platforms.length > 0) {
    const entry = tag.platforms.find((candidate) => samePlatform(candidate, wanted));
    if (!entry) {
      const available = tag.platforms.map(formatPlatform).join(', ');
      return {
        ok: false,
        problem: 'no-platform',
        message: `no ${formatPlatform(wanted)} image in ${tag.manifestDigest} (has ${available})`,
      };
    }
    imageId = entry.imageId;
    if (imageId === undefined) {
      return {
        ok: false,
        problem: 'no-image-id',
        message: `the ${formatPlatform(wanted)} image ${entry.manifestDigest} has no known config digest`,
      };
    }
  } else {
    imageId = tag.imageId;
    if (imageId === undefined) {
      return {
        ok: false,
        problem: 'no-image-id',
        message: `${tag.manifestDigest} has no known config digest (image id)`,
      };
    }
  }
  if (!isValidDigest(imageId)) return invalid('image id', imageId);
  return { ok: true, value: form === 'image-id' ? imageId : (toImageId12(imageId) as string) };
}

function invalid(what: string, value: unknown): DigestFormResult {
  const shown = typeof value === 'string' ? JSON.stringify(value.slice(0, 80)) : String(value);
  return {
    ok: false,
    problem: 'invalid-digest',
    message: `the registry's ${what} ${shown} is not sha256: followed by 64 lowercase hex digits`,
  };
}
