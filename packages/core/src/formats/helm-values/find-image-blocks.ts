/**
 * Image blocks of Helm values files: any mapping with a string `repository` and a `tag`
 * or `digest` key, at any depth (`image:`, `initContainers.image:`, `metrics.image:`):
 *
 * ```yaml
 * image:                       # Bitnami style
 *   registry: docker.io
 *   repository: bitnami/redis
 *   tag: 7.2.4-debian-12-r9
 *   digest: ""
 * image:                       # plain
 *   repository: ghcr.io/stefanprodan/podinfo
 *   tag: 6.14.1
 * ```
 *
 * The registry is the block's `registry`, else a non-empty top-level
 * `global.imageRegistry` (Bitnami's override), else whatever `repository` names.
 */
import type { Scalar, YAMLMap } from 'yaml';
import type { ImageRef } from '../../image-ref/parse.js';
import type { YamlFile } from '../../yaml/index.js';
import { uniqueWants, wantOfRepository } from '../image-want.js';
import type { ImageWant } from '../types.js';
import { type KeyPathOut, mapHas, mapScalar, mapSites } from '../yaml-walk.js';

export interface ImageBlock {
  document: number;
  path: KeyPathOut;
  node: YAMLMap;
  /** The key the block is the value of (`image:`), if any. */
  keyNode: Scalar | undefined;
  /** `registry/repository` as the chart would join them. */
  image: string;
  want: ImageWant;
  /** `want`, and the repository as the block writes it when that names another (a registry override): for `ignore:`. */
  names: ImageWant[];
  ref: ImageRef;
  /** The tag as written; `undefined` when absent or empty (the chart's appVersion applies). */
  tag: string | undefined;
  hasTag: boolean;
  /** The digest as written; `undefined` when absent or empty. */
  digest: string | undefined;
  hasDigest: boolean;
}

export function findImageBlocks(file: YamlFile): ImageBlock[] {
  const blocks: ImageBlock[] = [];
  for (const site of mapSites(file)) {
    const repository = mapScalar(site.node, 'repository');
    if (typeof repository?.node.value !== 'string' || repository.text === '') continue;
    const hasTag = mapHas(site.node, 'tag');
    const hasDigest = mapHas(site.node, 'digest');
    if (!hasTag && !hasDigest) continue;
    const registry = mapScalar(site.node, 'registry')?.text || globalRegistry(file, site.document);
    const image = registry ? `${registry}/${repository.text}` : repository.text!;
    const parsed = wantOfRepository(image);
    if (!parsed) continue;
    const written = wantOfRepository(repository.text!);
    const names = written ? uniqueWants([parsed.want, written.want]) : [parsed.want];
    const tag = mapScalar(site.node, 'tag')?.text || undefined;
    const digest = mapScalar(site.node, 'digest')?.text || undefined;
    blocks.push({
      document: site.document,
      path: site.path,
      node: site.node,
      keyNode: site.keyNode,
      image,
      want: parsed.want,
      names,
      ref: parsed.ref,
      tag,
      hasTag,
      digest,
      hasDigest,
    });
  }
  return blocks;
}

function globalRegistry(file: YamlFile, document: number): string | undefined {
  const value = file.documents[document]?.getIn(['global', 'imageRegistry']);
  return typeof value === 'string' && value !== '' ? value : undefined;
}
