/**
 * Finding a node of the CST by a key path, the way `Document.getIn` does, while keeping
 * track of what the path went through: every collection and item on the way, and whether
 * any of them is shared with other entries through an anchor, an alias or a merge key.
 *
 * Why the sharing check: in Backend.AI's file `slots: &default {cpu: 1, ...}` is merged
 * into dozens of entries with `<<: *default`. Setting `images[3].slots.cpu` there would
 * have to edit the anchored mapping, which silently changes every entry that merges it.
 * The editor refuses such edits unless the caller passes `{ shared: true }`.
 */
import { CST } from 'yaml';
import { YamlEditError } from '../errors.js';
import {
  type Collection,
  type CollectionItem,
  type Token,
  isCollection,
  isRealItem,
  isScalarToken,
  isSequence,
} from './cst-tokens.js';

export type KeyPath = readonly (string | number)[];

/** One step down the tree: the collection, and the item of it that the key selected. */
export interface PathStep {
  collection: Collection;
  /** Index into `collection.items` (which also holds comment-only pseudo-items). */
  itemIndex: number;
  item: CollectionItem;
}

export interface ResolvedPath {
  steps: PathStep[];
  /** The token at the path; undefined for a key with an empty value (`key:`). */
  node: Token | undefined;
}

export interface MissingKey {
  /** The mapping that lacks the last key of the path. */
  collection: Collection;
  steps: PathStep[];
  key: string | number;
}

export interface SharingFacts {
  /** Anchor names that some alias in the document refers to. */
  aliasedAnchors: ReadonlySet<string>;
  /** Anchor name -> the token it is attached to. */
  anchors: ReadonlyMap<string, Token>;
}

export interface NavigateOptions {
  file: string;
  /** Allow edits that reach or change nodes shared through anchors, aliases and merge keys. */
  shared: boolean;
}

/** The scalar text of a mapping key, or undefined for a complex key. */
export function keyText(item: CollectionItem): string | undefined {
  if (!item.key || !isScalarToken(item.key)) return undefined;
  return CST.resolveAsScalar(item.key)?.value;
}

/** Anchor names attached to the value of `item` (`key: &a value`, `- &a value`). */
export function valueAnchors(collection: Collection, item: CollectionItem): string[] {
  const names: string[] = [];
  const props = isSequence(collection) ? item.start : afterIndicator(item.sep ?? [], 'map-value-ind');
  for (const t of props) if (t.type === 'anchor') names.push(t.source.slice(1));
  if (item.value?.type === 'block-scalar') {
    for (const p of item.value.props) if (p.type === 'anchor') names.push(p.source.slice(1));
  }
  return names;
}

function afterIndicator(tokens: CST.SourceToken[], type: CST.SourceToken['type']): CST.SourceToken[] {
  const i = tokens.findIndex((t) => t.type === type);
  return i < 0 ? [] : tokens.slice(i + 1);
}

/** Collects anchors and the names that aliases refer to, in one pass over a document. */
export function collectSharing(doc: CST.Document): SharingFacts {
  const aliasedAnchors = new Set<string>();
  const anchors = new Map<string, Token>();
  const noteDocStart = () => {
    for (const t of doc.start) if (t.type === 'anchor' && doc.value) anchors.set(t.source.slice(1), doc.value);
  };
  noteDocStart();
  const walk = (token: Token | null | undefined): void => {
    if (!token) return;
    if (token.type === 'alias') {
      aliasedAnchors.add(token.source.slice(1));
      return;
    }
    if (!isCollection(token)) return;
    for (const item of token.items) {
      if (item.value) for (const name of valueAnchors(token, item)) anchors.set(name, item.value);
      walk(item.key);
      walk(item.value);
    }
  };
  walk(doc.value);
  return { aliasedAnchors, anchors };
}

/** Anchor names defined anywhere inside `token` (including on its items' values). */
export function anchorsWithin(collection: Collection, item: CollectionItem): string[] {
  const names = [...valueAnchors(collection, item)];
  const walk = (token: Token | null | undefined): void => {
    if (!isCollection(token)) return;
    for (const it of token.items) {
      names.push(...valueAnchors(token, it));
      walk(it.key);
      walk(it.value);
    }
  };
  walk(item.value);
  return names;
}

/**
 * Walks `keyPath` from the document's root. Returns the node found, or a `MissingKey`
 * when only the last key is absent from a mapping. Throws `YamlEditError` when the path
 * leads through a scalar, an absent intermediate key, or (without `shared`) an alias, a
 * merge key or an anchored node that aliases refer to.
 */
export function navigate(
  doc: CST.Document,
  keyPath: KeyPath,
  sharing: () => SharingFacts,
  opts: NavigateOptions,
): ResolvedPath | MissingKey {
  const steps: PathStep[] = [];
  let node: Token | undefined = doc.value;
  const fail = (depth: number, reason: string): never => {
    throw new YamlEditError(opts.file, keyPath.slice(0, depth + 1), reason);
  };
  if (!opts.shared) {
    for (const t of doc.start) {
      if (t.type === 'anchor' && sharing().aliasedAnchors.has(t.source.slice(1)))
        fail(-1, `the document root is anchored as ${t.source} and aliases refer to it`);
    }
  }
  for (let depth = 0; depth < keyPath.length; depth++) {
    const key = keyPath[depth]!;
    if (node?.type === 'alias') {
      if (!opts.shared)
        fail(
          depth - 1,
          `it is reached through the alias ${node.source}; editing it would change the anchored node and every other alias of it (pass { shared: true } to edit the anchor itself)`,
        );
      const alias = node.source;
      node = followAlias(alias, sharing, () => fail(depth - 1, `the alias ${alias} has no anchor`));
    }
    if (!isCollection(node)) {
      return fail(depth - 1, node ? 'it is a scalar, not a collection' : 'it is empty, not a collection');
    }
    const found = findItem(node, key);
    if (found < 0) {
      if (!isSequence(node)) {
        const merged = findThroughMerge(node, key, sharing);
        if (merged) {
          if (!opts.shared)
            fail(
              depth,
              `the key is reached only through the merge key \`<<: ${merged.via}\`; editing it would change the anchored mapping and every entry that merges it (override the key in this entry, or pass { shared: true })`,
            );
          steps.push(merged.step);
          node = merged.step.item.value;
          continue;
        }
      }
      if (depth === keyPath.length - 1 && !isSequence(node)) return { collection: node, steps, key };
      return fail(depth, isSequence(node) ? `index ${String(key)} is out of range` : 'no such key');
    }
    const item = node.items[found]!;
    steps.push({ collection: node, itemIndex: found, item });
    if (!opts.shared) {
      const aliased = valueAnchors(node, item).find((a) => sharing().aliasedAnchors.has(a));
      if (aliased)
        fail(
          depth,
          `it is anchored as &${aliased} and aliases refer to it; editing it would silently change every entry that uses *${aliased} (pass { shared: true } to do so)`,
        );
    }
    node = item.value;
  }
  return { steps, node };
}

function followAlias(source: string, sharing: () => SharingFacts, onMissing: () => never): Token {
  return sharing().anchors.get(source.slice(1)) ?? onMissing();
}

/** Index into `collection.items` of the item selected by `key`, or -1. */
export function findItem(collection: Collection, key: string | number): number {
  if (isSequence(collection)) {
    if (typeof key !== 'number' || !Number.isInteger(key) || key < 0) return -1;
    let n = 0;
    for (let i = 0; i < collection.items.length; i++) {
      if (!isRealItem(collection, collection.items[i]!)) continue;
      if (n === key) return i;
      n++;
    }
    return -1;
  }
  const wanted = String(key);
  let found = -1;
  collection.items.forEach((item, i) => {
    if (isRealItem(collection, item) && keyText(item) === wanted) found = i; // the last one wins, as in YAML 1.1 tools
  });
  return found;
}

function findThroughMerge(
  map: Collection,
  key: string | number,
  sharing: () => SharingFacts,
): { step: PathStep; via: string } | undefined {
  for (const item of map.items) {
    if (!isRealItem(map, item) || keyText(item) !== '<<' || !item.value) continue;
    const sources: Token[] = [];
    if (item.value.type === 'alias') sources.push(item.value);
    else if (isCollection(item.value)) for (const i of item.value.items) if (i.value) sources.push(i.value);
    for (const source of sources) {
      if (source.type !== 'alias') continue;
      const target = sharing().anchors.get(source.source.slice(1));
      if (!isCollection(target) || isSequence(target)) continue;
      const idx = findItem(target, key);
      if (idx >= 0) return { step: { collection: target, itemIndex: idx, item: target.items[idx]! }, via: source.source };
      const deeper = findThroughMerge(target, key, sharing);
      if (deeper) return deeper;
    }
  }
  return undefined;
}
