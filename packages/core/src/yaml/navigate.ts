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
  indexOfKey,
  isCollection,
  isPairEntry,
  isScalarToken,
  isSequence,
  realItemIndexes,
  sourceToken,
} from './cst-tokens.js';

/** A path into the data: mapping keys and sequence indexes, as `['images', 0, 'tags']`. */
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
  /** The tag written on the node (`!!str`, `!local`), if any. */
  tag?: string;
}

export interface MissingKey {
  /** The mapping that lacks the last key of the path. */
  collection: Collection;
  steps: PathStep[];
  key: string | number;
}

export interface SharingFacts {
  /** Anchor names that some alias in the document refers to. */
  aliasedAnchors: Set<string>;
  /** Alias token -> the token of its anchor: the last anchor of that name before it. */
  aliasTargets: Map<Token, Token>;
  /** Anchor name -> the last token anchored so (for aliases that edits add at the end). */
  anchors: Map<string, Token>;
}

export interface NavigateOptions {
  file: string;
  /** Allow edits that reach or change nodes shared through anchors, aliases and merge keys. */
  shared: boolean;
  /** Line and column of a CST offset, for the place an edit is refused at. */
  position?: (offset: number) => { line: number; col: number };
}

/** The scalar text of a mapping key ('' for an empty key, `: a`), or undefined for a complex key. */
export function keyText(item: CollectionItem): string | undefined {
  if (item.key === null) return '';
  if (!item.key || !isScalarToken(item.key)) return undefined;
  return CST.resolveAsScalar(item.key)?.value;
}

/** Anchors and tags attached to the value of `item` (`key: &a !t value`, `- &a value`). */
export function valueProps(collection: Collection, item: CollectionItem): CST.SourceToken[] {
  const props: CST.SourceToken[] = [];
  if (isSequence(collection)) {
    // a pair entry's start holds its key's props; its value is the pair mapping, which has none
    if (!isPairEntry(collection, item)) for (const t of item.start) if (t.type === 'anchor' || t.type === 'tag') props.push(t);
  } else {
    for (const t of afterIndicator(item.sep ?? [], 'map-value-ind')) if (t.type === 'anchor' || t.type === 'tag') props.push(t);
  }
  if (item.value?.type === 'block-scalar') {
    for (const p of item.value.props) if (p.type === 'anchor' || p.type === 'tag') props.push(p);
  }
  return props;
}

/** Anchor names attached to the value of `item`. */
export function valueAnchors(collection: Collection, item: CollectionItem): string[] {
  return valueProps(collection, item)
    .filter((t) => t.type === 'anchor')
    .map((t) => t.source.slice(1));
}

/** The tag written on the value of `item` (`!!str`, `!local`), if any. */
export function valueTag(collection: Collection, item: CollectionItem): string | undefined {
  return valueProps(collection, item).find((t) => t.type === 'tag')?.source;
}

/** Anchors and tags attached to the key of a mapping entry (or of a pair entry). */
function keyProps(collection: Collection, item: CollectionItem): CST.SourceToken[] {
  if (isSequence(collection) && !isPairEntry(collection, item)) return [];
  return item.start.filter((t) => t.type === 'anchor' || t.type === 'tag');
}

function afterIndicator(tokens: CST.SourceToken[], type: CST.SourceToken['type']): CST.SourceToken[] {
  const i = tokens.findIndex((t) => t.type === type);
  return i < 0 ? [] : tokens.slice(i + 1);
}

/** The props written before the root node (`--- &a !!map`). */
function rootProps(doc: CST.Document): CST.SourceToken[] {
  return doc.start.filter((t) => t.type === 'anchor' || t.type === 'tag');
}

const pairMappings = new WeakMap<CollectionItem, CST.FlowCollection>();

/**
 * The one-pair mapping a pair entry of a flow sequence stands for (see `isPairEntry`), as
 * a collection whose only item is the entry itself: edits of its key's value change the
 * entry in place. It has no text of its own (empty `{` and `}`), so adding or removing
 * pairs, which would have to write one, is refused (see {@link isPairMapping}).
 */
function pairMapping(sequence: Collection, item: CollectionItem): CST.FlowCollection {
  let map = pairMappings.get(item);
  if (!map) {
    map = { type: 'flow-collection', offset: -1, indent: sequence.indent, start: sourceToken('flow-map-start', ''), items: [item], end: [] };
    pairMappings.set(item, map);
  }
  return map;
}

/** Whether `collection` is the stand-in for a pair entry of a flow sequence (`[a: b]`). */
export function isPairMapping(collection: Collection): boolean {
  return collection.items.length === 1 && pairMappings.get(collection.items[0]!) === collection;
}

/**
 * Collects anchors and the names that aliases refer to, in one pass over a document, in
 * document order (an anchor's props before its node, a key before its value), so that
 * each alias is tied to the last anchor of its name before it, as YAML defines it.
 */
export function collectSharing(doc: CST.Document): SharingFacts {
  const facts: SharingFacts = { aliasedAnchors: new Set(), aliasTargets: new Map(), anchors: new Map() };
  const anchor = (props: CST.SourceToken[], node: Token | null | undefined) => {
    for (const t of props) if (t.type === 'anchor' && node) facts.anchors.set(t.source.slice(1), node);
  };
  anchor(rootProps(doc), doc.value);
  noteSharing(facts, doc.value);
  return facts;
}

/** Adds the anchors and aliases of `token` (met after everything noted so far) to `facts`. */
export function noteSharing(facts: SharingFacts, token: Token | CollectionItem | null | undefined, within?: Collection): void {
  const anchor = (props: CST.SourceToken[], node: Token | null | undefined) => {
    for (const t of props) if (t.type === 'anchor' && node) facts.anchors.set(t.source.slice(1), node);
  };
  const walkItem = (collection: Collection, item: CollectionItem): void => {
    anchor(keyProps(collection, item), item.key);
    walk(item.key);
    anchor(valueProps(collection, item), item.value);
    walk(item.value);
  };
  const walk = (t: Token | null | undefined): void => {
    if (!t) return;
    if (t.type === 'alias') {
      const name = t.source.slice(1);
      facts.aliasedAnchors.add(name);
      const target = facts.anchors.get(name);
      if (target) facts.aliasTargets.set(t, target);
      return;
    }
    if (isCollection(t)) for (const item of t.items) walkItem(t, item);
  };
  if (token && !('type' in token)) {
    if (within) walkItem(within, token);
  } else walk(token);
}

/** Anchor names defined anywhere inside `item` (including on its value). */
export function anchorsWithin(collection: Collection, item: CollectionItem): string[] {
  const names = [
    ...valueAnchors(collection, item),
    ...keyProps(collection, item)
      .filter((t) => t.type === 'anchor')
      .map((t) => t.source.slice(1)),
  ];
  const walk = (token: Token | null | undefined): void => {
    if (!isCollection(token)) return;
    for (const it of token.items) {
      names.push(
        ...valueAnchors(token, it),
        ...keyProps(token, it)
          .filter((t) => t.type === 'anchor')
          .map((t) => t.source.slice(1)),
      );
      walk(it.key);
      walk(it.value);
    }
  };
  walk(item.key);
  walk(item.value);
  return names;
}

/** `!!set`, `!!omap` and `!!pairs`: collections whose data does not follow their text's shape. */
const SPECIAL_COLLECTION_TAG = /^!!(set|omap|pairs)$|^!<tag:yaml\.org,2002:(set|omap|pairs)>$/;

/**
 * Walks `keyPath` from the document's root. Returns the node found, or a `MissingKey`
 * when only the last key is absent from a mapping. Throws `YamlEditError` when the path
 * leads through a scalar, an absent intermediate key, a `!!set` / `!!omap` / `!!pairs`,
 * or (without `shared`) an alias, a merge key or an anchored node that aliases refer to.
 *
 * A pair entry of a flow sequence (`[a: b]`) is a one-pair mapping, as in the data: the
 * path `[0, 'a']` leads to `b`.
 */
export function navigate(doc: CST.Document, keyPath: KeyPath, sharing: () => SharingFacts, opts: NavigateOptions): ResolvedPath | MissingKey {
  const steps: PathStep[] = [];
  let node: Token | undefined = doc.value;
  let tag = rootProps(doc).find((t) => t.type === 'tag')?.source;
  const fail = (depth: number, reason: string): never => {
    // the node the walk stopped at, where it is in the text as read (edits make tokens with no place)
    const offset = node && 'offset' in node ? node.offset : depth < 0 ? doc.offset : -1;
    const where = offset >= 0 ? opts.position?.(offset) : undefined;
    throw new YamlEditError(opts.file, keyPath.slice(0, depth + 1), reason, where);
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
      const alias = node;
      node = followAlias(alias, sharing, () => fail(depth - 1, `the alias ${alias.source} has no anchor`));
    }
    if (!isCollection(node)) {
      return fail(depth - 1, node ? 'it is a scalar, not a collection' : 'it is empty, not a collection');
    }
    if (tag && SPECIAL_COLLECTION_TAG.test(tag))
      fail(depth - 1, `it is a ${tag}, whose data is not shaped like its text; the editor does not edit inside !!set, !!omap or !!pairs`);
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
          tag = valueTag(merged.step.collection, merged.step.item);
          node = merged.step.item.value;
          continue;
        }
        const map = node;
        if (realItemIndexes(map).some((i) => keyText(map.items[i]!) === undefined))
          fail(depth, 'no such key, and the mapping has keys that are collections, which the editor cannot address (it edits only scalar keys)');
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
    tag = valueTag(node, item);
    node = isSequence(node) && isPairEntry(node, item) ? pairMapping(node, item) : (item.value ?? undefined);
  }
  return { steps, node, ...(tag && { tag }) };
}

function followAlias(alias: CST.FlowScalar, sharing: () => SharingFacts, onMissing: () => never): Token {
  const facts = sharing();
  return facts.aliasTargets.get(alias) ?? facts.anchors.get(alias.source.slice(1)) ?? onMissing();
}

/** Index into `collection.items` of the item selected by `key`, or -1. */
export function findItem(collection: Collection, key: string | number): number {
  if (isSequence(collection)) {
    if (typeof key !== 'number' || !Number.isInteger(key) || key < 0) return -1;
    return realItemIndexes(collection)[key] ?? -1;
  }
  return indexOfKey(collection, String(key), keyText);
}

function findThroughMerge(
  map: Collection,
  key: string | number,
  sharing: () => SharingFacts,
  seen = new Set<Collection>(),
): { step: PathStep; via: string } | undefined {
  if (seen.has(map)) return undefined; // a merge cycle through aliases
  seen.add(map);
  const mergeAt = indexOfKey(map, '<<', keyText);
  if (mergeAt < 0) return undefined;
  for (const item of realItemIndexes(map).map((i) => map.items[i]!)) {
    if (keyText(item) !== '<<' || !item.value) continue;
    const sources: Token[] = [];
    if (item.value.type === 'alias') sources.push(item.value);
    else if (isCollection(item.value)) for (const i of item.value.items) if (i.value) sources.push(i.value);
    for (const source of sources) {
      if (source.type !== 'alias') continue;
      const target = followAlias(source, sharing, () => undefined as never);
      if (!isCollection(target) || isSequence(target)) continue;
      const idx = findItem(target, key);
      if (idx >= 0) return { step: { collection: target, itemIndex: idx, item: target.items[idx]! }, via: source.source };
      const deeper = findThroughMerge(target, key, sharing, seen);
      if (deeper) return deeper;
    }
  }
  return undefined;
}
