/**
 * The four manifest media types a registry may answer with, and how to read the facts
 * imgsync needs from each: for an index (OCI image index, Docker manifest list) its
 * platforms and their manifest digests; for an image manifest (OCI, Docker v2 schema 2)
 * its config digest, which is the image id.
 *
 * Attestation and other non-image entries of an index (BuildKit writes
 * `unknown/unknown` platforms with a `vnd.docker.reference.type` annotation) are not
 * platforms and are left out. Entries with an invalid digest are skipped with a warning.
 */
import { samePlatform } from '../policy/digest-form.js';
import { isValidDigest } from '../image-ref/grammar.js';
import type { Platform, PlatformImage, RegistryWarning } from './types.js';

export const MEDIA_TYPES = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
} as const;

/** Accept header for manifest requests: all four, so the registry never down-converts. */
export const MANIFEST_ACCEPT = [MEDIA_TYPES.ociIndex, MEDIA_TYPES.dockerList, MEDIA_TYPES.ociManifest, MEDIA_TYPES.dockerManifest].join(', ');

export function isIndexMediaType(mediaType: string): boolean {
  return mediaType === MEDIA_TYPES.ociIndex || mediaType === MEDIA_TYPES.dockerList;
}

export function isImageMediaType(mediaType: string): boolean {
  return mediaType === MEDIA_TYPES.ociManifest || mediaType === MEDIA_TYPES.dockerManifest;
}

/** What one manifest document says, reduced to what imgsync keeps. */
export type ManifestSummary =
  { kind: 'index'; mediaType: string; platforms: Array<Omit<PlatformImage, 'imageId'>> } | { kind: 'image'; mediaType: string; configDigest: string };

/**
 * Reads a manifest document. `headerMediaType` is the response's Content-Type, used when
 * the document has no `mediaType` field (allowed for OCI). Returns undefined for a document
 * of no known kind; the caller reports it.
 */
export function summarizeManifest(document: unknown, headerMediaType: string | null, warn: (warning: RegistryWarning) => void): ManifestSummary | undefined {
  if (!document || typeof document !== 'object') return undefined;
  const doc = document as { mediaType?: unknown; manifests?: unknown; config?: unknown };
  const declared = typeof doc.mediaType === 'string' ? doc.mediaType : (headerMediaType ?? '').split(';')[0]!.trim();
  const mediaType = declared || (Array.isArray(doc.manifests) ? MEDIA_TYPES.ociIndex : MEDIA_TYPES.ociManifest);
  if (isIndexMediaType(mediaType) || (Array.isArray(doc.manifests) && !doc.config)) {
    const platforms: Array<Omit<PlatformImage, 'imageId'>> = [];
    for (const entry of Array.isArray(doc.manifests) ? doc.manifests : []) {
      const item = entry as { digest?: unknown; platform?: Partial<Record<string, unknown>>; annotations?: Record<string, unknown> };
      if (item.annotations?.['vnd.docker.reference.type'] !== undefined) continue;
      const platform = item.platform;
      const os = typeof platform?.os === 'string' ? platform.os : undefined;
      const architecture = typeof platform?.architecture === 'string' ? platform.architecture : undefined;
      if (!os || !architecture || os === 'unknown' || architecture === 'unknown') continue;
      if (!isValidDigest(item.digest)) {
        warn({ code: 'invalid-digest', message: `skipped platform ${os}/${architecture}: invalid digest ${JSON.stringify(item.digest)}` });
        continue;
      }
      platforms.push({
        os,
        architecture,
        ...(typeof platform?.variant === 'string' && platform.variant ? { variant: platform.variant } : {}),
        manifestDigest: item.digest,
      });
    }
    return { kind: 'index', mediaType, platforms };
  }
  const config = doc.config as { digest?: unknown } | undefined;
  if (config && typeof config === 'object') {
    if (!isValidDigest(config.digest)) {
      warn({ code: 'invalid-digest', message: `manifest config has an invalid digest ${JSON.stringify(config.digest)}` });
      return undefined;
    }
    return { kind: 'image', mediaType, configDigest: config.digest };
  }
  return undefined;
}

/**
 * Picks the platform entry for `wanted`: the first that is the same platform once both are
 * normalized as containerd does (`arm64` = `arm64/v8` = `aarch64`, `arm` = `arm/v7`), which
 * is the entry whose image id `digestForm` writes, so the one whose manifest is fetched.
 */
export function choosePlatform<T extends Platform>(platforms: readonly T[], wanted: Platform): T | undefined {
  return platforms.find((p) => samePlatform(p, wanted));
}
