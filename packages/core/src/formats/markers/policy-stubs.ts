/**
 * The policies a file's setter markers name, as starting points for a configuration
 * (`imgsync init`): one per policy name, with the repository its markers show and tag
 * options that keep the current tag's shape and never go back.
 *
 * Where the repository comes from, by marker field:
 *
 * | marker on | repository |
 * | --- | --- |
 * | a whole reference (`image: ghcr.io/x/y:1.0 # {"$imagepolicy": "ns:y"}`) | the reference's, as written (`ghcr.io/x/y`) |
 * | `:name` (`repository: ghcr.io/x/y # {"$imagepolicy": "ns:y:name"}`) | the value |
 * | `:tag` / `:digest` | a sibling `repository:` (with `registry:`, as Helm values split them), if any |
 *
 * A `:tag` marker with no repository anywhere near leaves `repository` undefined: the user
 * has to say which repository the tag follows.
 */
import { parseImageRef } from '../../image-ref/parse.js';
import type { YamlFile } from '../../yaml/index.js';
import { type Marker, findMarkers } from './find-markers.js';

/**
 * A `policies:` entry `imgsync init` writes for a marker found in a file (`# {"$imagepolicy": "ns:name"}`), to be filled in by the user.
 */
export interface MarkerPolicyStub {
  /** As the markers write it: `flux-system:podinfo`, `redis`. */
  name: string;
  /** `[registry/]repository`, or `undefined` when no marker shows it. */
  repository: string | undefined;
  /** The tag the file holds now, when a marker shows one. */
  currentTag: string | undefined;
  /**
   * Tag options for the policy: tags shaped like `currentTag` (`^\d+\.\d+\.\d+$` for
   * `5.0.0`) and not older than it; `undefined` for a tag without a leading version.
   */
  tags: { include: string; semver: string } | undefined;
  /** How many markers name the policy. */
  markers: number;
  /** 1-based line of the first of them. */
  line: number;
}

const LEADING_VERSION = /^(v?)(\d+(?:\.\d+)*)(.*)$/;

/**
 * @example
 * markerPolicyStubs(parseYaml('image: ghcr.io/stefanprodan/podinfo:5.0.0 # {"$imagepolicy": "flux-system:podinfo"}\n'))
 * // [{ name: 'flux-system:podinfo', repository: 'ghcr.io/stefanprodan/podinfo', currentTag: '5.0.0',
 * //    tags: { include: '^\\d+\\.\\d+\\.\\d+$', semver: '>=5.0.0' }, markers: 1, line: 1 }]
 */
export function markerPolicyStubs(file: YamlFile): MarkerPolicyStub[] {
  const text = file.toString();
  const stubs = new Map<string, MarkerPolicyStub>();
  for (const marker of findMarkers(file)) {
    let stub = stubs.get(marker.policy);
    if (!stub) {
      const offset = marker.site.node.range?.[0] ?? 0;
      stub = { name: marker.policy, repository: undefined, currentTag: undefined, tags: undefined, markers: 0, line: text.slice(0, offset).split('\n').length };
      stubs.set(marker.policy, stub);
    }
    stub.markers++;
    const seen = shownBy(file, marker);
    stub.repository ??= seen.repository;
    if (stub.currentTag === undefined && seen.tag !== undefined) {
      stub.currentTag = seen.tag;
      stub.tags = tagOptions(seen.tag);
    }
  }
  return [...stubs.values()];
}

/** What one marker's scalar (and, for a tag, its siblings) says about the image. */
function shownBy(file: YamlFile, marker: Marker): { repository?: string; tag?: string } {
  const { site } = marker;
  switch (marker.field) {
    case 'ref': {
      const ref = parseImageRef(site.text);
      if (!ref) return {};
      return { repository: ref.registry ? `${ref.registry}/${ref.repository}` : ref.repository, ...(ref.tag !== undefined && { tag: ref.tag }) };
    }
    case 'name':
      return parseImageRef(site.text)?.tag === undefined ? { repository: site.text } : {};
    case 'tag':
    case 'digest': {
      const parent = site.path.slice(0, -1);
      const doc = file.documents[site.document]!;
      const repository = doc.getIn([...parent, 'repository']);
      const registry = doc.getIn([...parent, 'registry']);
      const written =
        typeof repository === 'string' && repository !== ''
          ? typeof registry === 'string' && registry !== ''
            ? `${registry}/${repository}`
            : repository
          : undefined;
      const ref = written === undefined ? undefined : parseImageRef(written);
      return {
        ...(ref && ref.tag === undefined && ref.digest === undefined && { repository: written }),
        ...(marker.field === 'tag' && { tag: site.text }),
      };
    }
  }
}

/** Tags shaped like `tag`, from `tag` on: `1.25-alpine` → `^\d+\.\d+-alpine$`, `>=1.25.0`. */
function tagOptions(tag: string): MarkerPolicyStub['tags'] {
  const match = LEADING_VERSION.exec(tag);
  if (!match) return undefined;
  const [, prefix, version, suffix] = match as unknown as [string, string, string, string];
  const numbers = version
    .split('.')
    .map(() => '\\d+')
    .join('\\.');
  const rest = suffix
    .split(/(\d+)/)
    .map((part, i) => (i % 2 ? '\\d+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return { include: `^${prefix}${numbers}${rest}$`, semver: `>=${version.split('.').slice(0, 3).join('.')}` };
}
