/**
 * Walking every document of a file in document order, over the composed `yaml` nodes,
 * with the key path of each node. Used by the adapters that look for image references
 * anywhere (image-refs, helm-values, markers).
 *
 * Alias nodes are not followed and merge keys (`<<`) are skipped: the anchored node is
 * visited where it is written, once, and an edit there is the editor's to allow or refuse.
 */
import { isAlias, isMap, isScalar, isSeq, type Node, type Scalar, type YAMLMap } from 'yaml';
import type { YamlFile } from '../yaml/index.js';
import { plainText } from '../plain-text.js';

export type KeyPathOut = (string | number)[];

/** A scalar with its place. `key` is the mapping key it is the value of, if any. */
export interface ScalarSite {
  document: number;
  path: KeyPathOut;
  key: string | undefined;
  node: Scalar;
  /** The scalar as written: strings as they are, other scalars by their source (`3.10`, not 3.1). */
  text: string;
}

/** A mapping with its place. `keyNode` is the key it is the value of, if any. */
export interface MapSite {
  document: number;
  path: KeyPathOut;
  node: YAMLMap;
  keyNode: Scalar | undefined;
}

/** The text of a scalar as the file writes it, or `undefined` for null. */
export function scalarText(node: Scalar): string | undefined {
  if (typeof node.value === 'string') return node.value;
  if (node.value === null || node.value === undefined) return undefined;
  return node.source ?? plainText(node.value);
}

function* walk(node: Node | null | undefined, document: number, path: KeyPathOut, key: string | undefined, keyNode?: Scalar): Generator<ScalarSite | MapSite> {
  if (!node || isAlias(node)) return;
  if (isMap(node)) {
    yield { document, path, node, keyNode };
    for (const pair of node.items) {
      if (!isScalar(pair.key)) continue;
      const name = String(pair.key.value);
      if (name === '<<') continue;
      yield* walk(pair.value as Node | null, document, [...path, name], name, pair.key);
    }
  } else if (isSeq(node)) {
    for (let i = 0; i < node.items.length; i++) yield* walk(node.items[i] as Node | null, document, [...path, i], undefined);
  } else if (isScalar(node)) {
    const text = scalarText(node);
    if (text !== undefined) yield { document, path, key, node, text };
  }
}

/** Every scalar of every document, in document order. */
export function* scalarSites(file: YamlFile): Generator<ScalarSite> {
  for (const doc of file.documents) {
    for (const site of walk(doc.composed().contents, doc.index, [], undefined)) if ('key' in site) yield site;
  }
}

/** Every mapping of every document, in document order. */
export function* mapSites(file: YamlFile): Generator<MapSite> {
  for (const doc of file.documents) {
    for (const site of walk(doc.composed().contents, doc.index, [], undefined)) if (!('key' in site)) yield site;
  }
}

/** A scalar value of a mapping by key, as written; `undefined` when absent or not a scalar. */
export function mapScalar(map: YAMLMap, key: string): { node: Scalar; text: string | undefined } | undefined {
  const pair = map.items.find((item) => isScalar(item.key) && item.key.value === key);
  return pair && isScalar(pair.value) ? { node: pair.value, text: scalarText(pair.value) } : undefined;
}

/** Whether a mapping has `key` at all (with any value). */
export function mapHas(map: YAMLMap, key: string): boolean {
  return map.items.some((item) => isScalar(item.key) && item.key.value === key);
}
