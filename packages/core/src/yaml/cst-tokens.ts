/**
 * Small helpers over the `yaml` package's CST tokens: walking the source tokens of a node
 * in output order, building new tokens, and telling real collection items from the
 * valueless "items" the parser uses to hold comment lines.
 *
 * The CST is lossless: `CST.stringify` of every top-level token, concatenated, is the
 * original text. Every helper here keeps that property — an edit changes or moves token
 * objects, it never re-serialises a node.
 */
import type { CST } from 'yaml';

export type Token = CST.Token;
export type SourceToken = CST.SourceToken;
export type CollectionItem = CST.CollectionItem;
export type Collection = CST.BlockMap | CST.BlockSequence | CST.FlowCollection;

export function isCollection(token: Token | null | undefined): token is Collection {
  return !!token && (token.type === 'block-map' || token.type === 'block-seq' || token.type === 'flow-collection');
}

export function isScalarToken(token: Token | null | undefined): token is CST.FlowScalar | CST.BlockScalar {
  return (
    !!token && (token.type === 'scalar' || token.type === 'single-quoted-scalar' || token.type === 'double-quoted-scalar' || token.type === 'block-scalar')
  );
}

/** True when `collection` is a sequence (`- a` or `[a]`), false for a mapping. */
export function isSequence(collection: Collection): boolean {
  if (collection.type === 'block-seq') return true;
  if (collection.type === 'block-map') return false;
  return collection.start.type === 'flow-seq-start';
}

/**
 * Whether an item of `collection` is a real entry. The parser also emits items that only
 * carry comment lines or indentation (a trailing `# - ["2.7", ""]` after the last tag,
 * for instance); those have no indicator, key or value and are not entries.
 */
export function isRealItem(collection: Collection, item: CollectionItem): boolean {
  if (collection.type === 'block-seq') return item.start.some((t) => t.type === 'seq-item-ind');
  if (item.value || item.key || item.sep) return true;
  return item.start.some((t) => t.type === 'explicit-key-ind');
}

/**
 * An entry of a flow sequence written as a pair (`[a: b]`, `[? a : b]`, `[: b]`), which
 * YAML reads as a mapping of that one pair: `- [ YAML : separate ]` is `[[{YAML: separate}]]`.
 */
export function isPairEntry(collection: Collection, item: CollectionItem): boolean {
  return (
    collection.type === 'flow-collection' &&
    collection.start.type === 'flow-seq-start' &&
    (item.key !== undefined || item.sep !== undefined || item.start.some((t) => t.type === 'explicit-key-ind'))
  );
}

interface ItemIndex {
  items: CollectionItem[];
  length: number;
  real: number[];
  /** Mapping key text -> index into `items` (the last of equal keys). */
  byKey?: Map<string, number>;
}

/**
 * Real-entry indexes per collection, so that finding entry `n` of a list or key `k` of a
 * mapping costs O(1) instead of a scan: an update that edits every entry of a 100,000-entry
 * list would otherwise be quadratic. Whatever changes a collection's `items` calls
 * {@link forgetItemIndex}; a changed length or array is caught anyway.
 */
const itemIndexes = new WeakMap<Collection, ItemIndex>();

function itemIndex(collection: Collection): ItemIndex {
  let index = itemIndexes.get(collection);
  if (!index || index.items !== collection.items || index.length !== collection.items.length) {
    const real: number[] = [];
    collection.items.forEach((item, i) => {
      if (isRealItem(collection, item)) real.push(i);
    });
    index = { items: collection.items, length: collection.items.length, real };
    itemIndexes.set(collection, index);
  }
  return index;
}

/** Array indexes (into `collection.items`) of the real entries, in order. */
export function realItemIndexes(collection: Collection): readonly number[] {
  return itemIndex(collection).real;
}

/**
 * Index into `collection.items` of the mapping entry whose key reads `key` (the last one
 * when a key repeats, as YAML 1.1 tools read it), or -1. `keyOf` gives an entry's key text.
 */
export function indexOfKey(collection: Collection, key: string, keyOf: (item: CollectionItem) => string | undefined): number {
  const index = itemIndex(collection);
  if (!index.byKey) {
    index.byKey = new Map();
    for (const i of index.real) {
      const text = keyOf(collection.items[i]!);
      if (text !== undefined) index.byKey.set(text, i);
    }
  }
  return index.byKey.get(key) ?? -1;
}

/** Drops the cached entry indexes of a collection whose `items` an edit changed. */
export function forgetItemIndex(collection: Collection): void {
  itemIndexes.delete(collection);
}

/** Every source token under `token`, in the order `CST.stringify` prints them. */
export function* sourceTokensOf(token: Token | CollectionItem): Generator<SourceToken | Token> {
  if (!('type' in token)) {
    yield* token.start;
    if (token.key) yield* sourceTokensOf(token.key);
    if (token.sep) yield* token.sep;
    if (token.value) yield* sourceTokensOf(token.value);
    return;
  }
  switch (token.type) {
    case 'document':
      yield* token.start;
      if (token.value) yield* sourceTokensOf(token.value);
      if (token.end) yield* token.end;
      return;
    case 'block-scalar':
      for (const prop of token.props) yield* sourceTokensOf(prop);
      yield token;
      return;
    case 'block-map':
    case 'block-seq':
      for (const item of token.items) yield* sourceTokensOf(item);
      return;
    case 'flow-collection':
      yield token.start;
      for (const item of token.items) yield* sourceTokensOf(item);
      yield* token.end;
      return;
    case 'alias':
    case 'scalar':
    case 'single-quoted-scalar':
    case 'double-quoted-scalar':
      yield token;
      if (token.end) yield* token.end;
      return;
    case 'doc-end':
      yield token;
      if (token.end) yield* token.end;
      return;
    default:
      yield token;
  }
}

/** The printed text of a source token on its own (scalars without their `end`). */
export function ownSource(token: SourceToken | Token): string {
  return 'source' in token && typeof token.source === 'string' ? token.source : '';
}

export function sourceToken(type: SourceToken['type'], source: string, indent = 0): SourceToken {
  return { type, offset: -1, indent, source };
}

/** The newline a file uses: `\r\n` when its first line break is one, else `\n`. */
export function detectNewline(text: string): string {
  const i = text.indexOf('\n');
  return i > 0 && text[i - 1] === '\r' ? '\r\n' : '\n';
}

/** Whether the printed text of `token` ends with a line break. */
export function endsWithNewline(token: Token | CollectionItem): boolean {
  let last: SourceToken | Token | undefined;
  for (const t of sourceTokensOf(token)) if (ownSource(t) !== '') last = t;
  return !!last && endsLine(last);
}

/** Whether a token's own text ends a line (a line break, or a block scalar's last line). */
export function endsLine(token: SourceToken | Token): boolean {
  return ownSource(token).endsWith('\n');
}

/**
 * The `space` token that ends `item` right after a line break, if any: the indentation
 * of the line after the item, which the parser files under the item when comment lines
 * come between them.
 */
export function trailingIndentation(item: CollectionItem): SourceToken | undefined {
  const printed = [...sourceTokensOf(item)].filter((t) => ownSource(t) !== '');
  const last = printed[printed.length - 1];
  const prev = printed[printed.length - 2];
  return last?.type === 'space' && prev && endsLine(prev) ? last : undefined;
}
