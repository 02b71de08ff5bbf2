/**
 * Which string scalars are image references. Any string can look like one (`backend`,
 * `apps/base` and `8080:80` are valid Docker references), so a value counts when:
 *
 * - its key says it is an image (`image`, `initImage`, `node_image`, … — any key ending in
 *   `image`, or a workflow's `container:` string) and it has a tag or digest; or
 * - anywhere else, it passes the strict parse (a tag or digest, a letter in the name)
 *   *and* names its registry (`ghcr.io/stefanprodan/podinfo:6.14.1`).
 *
 * Values with unresolved variables (`${TAG}`, `{{ .Values.tag }}`) are never references.
 */
import { type ImageRef, checkImageRef } from '../../image-ref/parse.js';
import type { YamlFile } from '../../yaml/index.js';
import { type ScalarSite, scalarSites } from '../yaml-walk.js';

export interface ReferenceSite {
  site: ScalarSite;
  ref: ImageRef;
}

const IMAGE_KEY = /image$/i;

/** Whether a mapping key says its value is an image (`image`, `initImage`, a workflow's `container`). */
export function isImageKey(key: string | undefined): boolean {
  return key !== undefined && (IMAGE_KEY.test(key) || key === 'container');
}

function referenceAt(site: ScalarSite): ImageRef | undefined {
  if (typeof site.node.value !== 'string') return undefined;
  const byKey = isImageKey(site.key);
  const check = checkImageRef(site.text, { strict: !byKey });
  if (!check.ok) return undefined;
  if (check.ref.tag === undefined && check.ref.digest === undefined) return undefined;
  if (!byKey && check.ref.registry === undefined) return undefined;
  return check.ref;
}

/** The image references of every document, in document order. */
export function findReferences(file: YamlFile): ReferenceSite[] {
  const found: ReferenceSite[] = [];
  for (const site of scalarSites(file)) {
    const ref = referenceAt(site);
    if (ref) found.push({ site, ref });
  }
  return found;
}
