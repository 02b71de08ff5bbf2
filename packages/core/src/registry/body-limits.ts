/**
 * How large a registry's answer may be, per kind of answer, and reading a body within
 * that bound. A registry's answers are small JSON documents; one that is not (a 100 MB tag
 * list, an endless stream) is refused as soon as it passes its kind's limit, without
 * reading the rest, with an error naming the registry, the kind and the limit.
 *
 * | kind | limit | why |
 * | --- | ---: | --- |
 * | tag list page | 8 MiB | 1,000 tags of the longest legal name are 130 KiB; registries that ignore `n` send every tag in one page |
 * | catalog page | 8 MiB | as for tag lists, repository names |
 * | image manifest | 1 MiB | a manifest of 127 layers is ~30 KiB |
 * | index (manifest list) | 4 MiB | the size registries must accept for any manifest (OCI distribution spec); ~10,000 entries |
 * | token | 256 KiB | a JWT with many scopes is a few KiB |
 * | Docker Hub API page | 4 MiB | 100 tags with their platforms are ~200 KiB |
 *
 * Error bodies (4xx) share the limit of what was asked for.
 */
import { RegistryError } from '../errors.js';
import { isIndexMediaType } from './manifest.js';

export type BodyKind = 'tag-list' | 'catalog' | 'manifest' | 'index' | 'token' | 'hub-api';

const MiB = 1024 * 1024;

export const BODY_LIMITS: Readonly<Record<BodyKind, number>> = {
  'tag-list': 8 * MiB,
  catalog: 8 * MiB,
  manifest: 1 * MiB,
  index: 4 * MiB,
  token: 256 * 1024,
  'hub-api': 4 * MiB,
};

const LABELS: Record<BodyKind, [one: string, many: string]> = {
  'tag-list': ['tag list', 'tag lists'],
  catalog: ['repository catalog', 'repository catalogs'],
  manifest: ['image manifest', 'image manifests'],
  index: ['image index', 'image indexes'],
  token: ['token answer', 'token answers'],
  'hub-api': ['Docker Hub API page', 'Docker Hub API pages'],
};

/** `8 MiB`, `256 KiB`, `512 B`. */
export function formatBytes(bytes: number): string {
  if (bytes >= MiB && bytes % MiB === 0) return `${bytes / MiB} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} B`;
}

/**
 * The kind of body a manifest GET returned: an index or an image manifest, by its
 * Content-Type (before the body is read).
 *
 * @example manifestBodyKind('application/vnd.oci.image.index.v1+json') // 'index'
 */
export function manifestBodyKind(contentType: string | null): BodyKind {
  return contentType && isIndexMediaType(contentType.split(';')[0]!.trim()) ? 'index' : 'manifest';
}

/** Thrown (and not retried) when a body passes its limit. */
export function bodyTooLarge(kind: BodyKind, limit: number, where: { registry: string; repository?: string; status?: number }): RegistryError {
  return new RegistryError(`the ${LABELS[kind][0]} is over the ${formatBytes(limit)} limit for ${LABELS[kind][1]}; it was not read further`, where);
}
