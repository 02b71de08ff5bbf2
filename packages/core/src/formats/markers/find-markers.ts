/**
 * Setter comments that point a scalar at a named policy, on the scalar's own line:
 *
 * ```yaml
 * image: ghcr.io/stefanprodan/podinfo:6.0.0 # {"$imagepolicy": "flux-system:podinfo"}
 * tag: 6.0.0 # {"$imagepolicy": "flux-system:podinfo:tag"}
 * tag: 6.0.0 # imgsync: podinfo:tag
 * ```
 *
 * Flux's form names `namespace:policy`, imgsync's `policy`; both take an optional field
 * suffix: none (the whole reference), `:tag`, `:name` (the repository) or `:digest`.
 * The comment is only read; the scalar before it is what gets edited.
 */
import type { YamlFile } from '../../yaml/index.js';
import { type ScalarSite, scalarSites } from '../yaml-walk.js';

export type MarkerField = 'ref' | 'tag' | 'name' | 'digest';

export interface Marker {
  site: ScalarSite;
  /** The policy name to look up: `flux-system:podinfo` (Flux) or `podinfo` (imgsync). */
  policy: string;
  field: MarkerField;
  /** The comment as written, for messages. */
  comment: string;
}

const FLUX = /^[ \t]*#[ \t]*(\{.*\})[ \t]*\r?$/;
const IMGSYNC = /^[ \t]*#[ \t]*imgsync:[ \t]*(\S+)[ \t]*\r?$/;
const FIELDS = new Set(['tag', 'name', 'digest']);

/** Splits a trailing `:tag|:name|:digest` off `name`. */
function splitField(text: string): { policy: string; field: MarkerField } {
  const colon = text.lastIndexOf(':');
  const suffix = colon < 0 ? '' : text.slice(colon + 1);
  return FIELDS.has(suffix) ? { policy: text.slice(0, colon), field: suffix as MarkerField } : { policy: text, field: 'ref' };
}

function parseMarker(rest: string): { policy: string; field: MarkerField; comment: string } | undefined {
  const flux = FLUX.exec(rest);
  if (flux) {
    let setter: unknown;
    try {
      setter = JSON.parse(flux[1]!);
    } catch {
      return undefined;
    }
    const value = (setter as Record<string, unknown> | null)?.['$imagepolicy'];
    if (typeof value !== 'string') return undefined;
    const parts = value.split(':');
    if (parts.length < 2) return undefined;
    const field = parts.length >= 3 && FIELDS.has(parts[2]!) ? (parts[2] as MarkerField) : 'ref';
    return { policy: `${parts[0]}:${parts[1]}`, field, comment: flux[1]! };
  }
  const own = IMGSYNC.exec(rest);
  // `# imgsync: ignore` freezes a value (../ignore-comment.ts); it names no policy
  if (own && own[1] !== 'ignore') return { ...splitField(own[1]!), comment: `imgsync: ${own[1]}` };
  return undefined;
}

/** Every marked scalar of every document. */
export function findMarkers(file: YamlFile): Marker[] {
  const text = file.toString();
  const markers: Marker[] = [];
  for (const site of scalarSites(file)) {
    const end = site.node.range?.[1];
    if (end === undefined) continue;
    const lineEnd = text.indexOf('\n', end);
    const marker = parseMarker(text.slice(end, lineEnd < 0 ? text.length : lineEnd));
    if (marker) markers.push({ site, ...marker });
  }
  return markers;
}
