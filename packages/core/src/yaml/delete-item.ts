/**
 * Removing an entry together with its own line(s), and nothing else.
 *
 * Comment lines above the entry stay (they sit in the entry's `start` tokens and are
 * handed to the next entry); the entry's trailing comment on its own line goes with it.
 * The indentation before an entry can live in a token of another node (the parent's
 * `sep`, or the comment-holding pseudo-item of a nested list above it), so the entry's
 * line is found in document order, over all source tokens, and the tokens on it are
 * blanked. A block collection that loses its last entry becomes `[]` / `{}`, since an
 * empty block collection would read back as null.
 */
import type { CST } from 'yaml';
import {
  type Collection,
  type CollectionItem,
  type SourceToken,
  type Token,
  endsLine,
  forgetItemIndex,
  isRealItem,
  isSequence,
  ownSource,
  sourceToken,
  sourceTokensOf,
  trailingIndentation,
} from './cst-tokens.js';

/**
 * Removes entry `itemIndex` of `collection` with its own line(s). `replacement` tokens
 * (whole lines, each ending with a line break) take its place, after the comment lines
 * that stood above it. `scope` is the entry that holds `collection` (its key's line holds
 * the first entry's indentation): searching its tokens rather than the whole document's
 * keeps pruning many entries of a big file linear; the document is searched when the
 * entry is not found there.
 */
export function deleteItem(doc: CST.Document, collection: Collection, itemIndex: number, replacement: SourceToken[] = [], scope?: CollectionItem): void {
  const item = collection.items[itemIndex]!;
  forgetItemIndex(collection);
  if (collection.type === 'flow-collection') return deleteFlowItem(collection, itemIndex);

  // Comment lines before the entry's indicator belong to the neighbourhood: keep them.
  const indicator = item.start.findIndex((t) => t.type === (isSequence(collection) ? 'seq-item-ind' : 'explicit-key-ind'));
  const firstOwn = indicator >= 0 ? indicator : item.start.length;
  let lastBreak = -1;
  for (let i = 0; i < firstOwn; i++) if (item.start[i]!.type === 'newline') lastBreak = i;
  const kept = item.start.slice(0, lastBreak + 1);
  const own = new Set<SourceToken | Token>(sourceTokensOf({ ...item, start: item.start.slice(lastBreak + 1) }));
  kept.push(...replacement);
  // The indentation of the line after the entry may be filed under it: that line stays.
  const indentOfNext = trailingIndentation(item);
  if (indentOfNext) {
    own.delete(indentOfNext);
    kept.push(sourceToken('space', indentOfNext.source, indentOfNext.indent));
  }

  let flat = scope ? [...sourceTokensOf(scope)] : [];
  let first = flat.findIndex((t) => own.has(t));
  if (first < 0) {
    flat = [...sourceTokensOf(doc)];
    first = flat.findIndex((t) => own.has(t));
  }
  let last = -1;
  for (let i = flat.length - 1; i >= 0; i--)
    if (own.has(flat[i]!)) {
      last = i;
      break;
    }

  // Indentation before the entry on its line, wherever it is held.
  const blank: (SourceToken | Token)[] = [];
  let i = first - 1;
  while (i >= 0 && !own.has(flat[i]!) && flat[i]!.type === 'space') blank.push(flat[i--]!);
  const startsLine = i < 0 || endsLine(flat[i]!) || flat[i]!.type === 'doc-start' || flat[i]!.type === 'byte-order-mark';
  if (!startsLine) {
    if (replacement.length) throw new Error('internal: an entry that shares its line cannot be replaced by lines');
    blank.length = 0;
  }
  // An entry that is the last thing of a file without a final newline takes the newline before it.
  const lastOwn = [...own].filter((t) => ownSource(t) !== '').pop();
  // (with indentOfNext the entry did end its line)
  const endsWithBreak = (!!lastOwn && endsLine(lastOwn)) || !!indentOfNext;
  if (!endsWithBreak && startsLine && i >= 0 && flat[i]!.type === 'newline' && !kept.length) {
    const after = flat.slice(last + 1).some((t) => ownSource(t) !== '');
    if (!after) blank.push(flat[i]!);
  }

  const realCount = collection.items.filter((it) => isRealItem(collection, it)).length;
  collection.items.splice(itemIndex, 1);
  for (const t of blank) (t as SourceToken).source = '';
  if (!startsLine && realCount > 1) {
    // `- name: x` lost its first key: the next key moves up onto the dash's line
    const next = collection.items[itemIndex];
    if (next) while (next.start[0]?.type === 'space') next.start.shift();
  }
  if (kept.length) {
    const next = collection.items[itemIndex];
    if (next) next.start = [...kept, ...next.start];
    else collection.items.splice(itemIndex, 0, { start: kept });
  }
  forgetItemIndex(collection);
  if (realCount === 1) emptyBlockCollection(doc, collection, endsWithBreak);
}

function deleteFlowItem(collection: CST.FlowCollection, itemIndex: number): void {
  const [removed] = collection.items.splice(itemIndex, 1);
  const next = collection.items[itemIndex];
  if (removed && next && !removed.start.some((t) => t.type === 'comma')) {
    // the first entry went: the next one takes its place and drops its comma
    next.start = removed.start.filter((t) => t.type !== 'comma');
  }
  forgetItemIndex(collection);
}

/**
 * Replaces a block collection that has no entries left by `[]` or `{}` written on the
 * line of its parent key or dash, so that it still reads back as an empty collection.
 */
function emptyBlockCollection(doc: CST.Document, collection: Collection, withBreak: boolean): void {
  const seq = isSequence(collection);
  const flow: CST.FlowCollection = {
    type: 'flow-collection',
    offset: -1,
    indent: collection.indent,
    start: sourceToken(seq ? 'flow-seq-start' : 'flow-map-start', seq ? '[' : '{', collection.indent),
    items: [],
    end: [sourceToken(seq ? 'flow-seq-end' : 'flow-map-end', seq ? ']' : '}', collection.indent)],
  };
  const leftovers = collection.items.flatMap((it) => it.start);
  const owner = findOwner(doc, collection);
  if (!owner) {
    if (doc.value !== collection) return;
    flow.end.push(...(withBreak ? [sourceToken('newline', '\n')] : []), ...leftovers);
    doc.value = flow;
    return;
  }
  const props = owner.sep ?? owner.start;
  // Move line breaks and indentation after the indicator to after the new `[]`.
  const ind = props.findIndex((t) => t.type === 'map-value-ind' || t.type === 'seq-item-ind');
  const tail = props.splice(ind + 1);
  const inline = tail.filter((t) => t.type === 'anchor' || t.type === 'tag');
  const trailing = tail.filter((t) => t.type === 'comment' || t.type === 'newline' || t.type === 'space');
  props.push(sourceToken('space', ' ', collection.indent), ...inline.flatMap((t) => [t, sourceToken('space', ' ', collection.indent)]));
  const breakIdx = trailing.findIndex((t) => t.type === 'newline');
  const keepTrailing = breakIdx >= 0 ? trailing.slice(0, breakIdx + 1) : withBreak ? [sourceToken('newline', '\n')] : [];
  flow.end.push(...keepTrailing.filter((t) => t.type !== 'space' || keepTrailing.some((k) => k.type === 'comment')), ...leftovers);
  owner.value = flow;
}

function findOwner(doc: CST.Document, target: Collection): CollectionItem | undefined {
  const walk = (token: Token | null | undefined): CollectionItem | undefined => {
    if (!token || !('items' in token)) return undefined;
    for (const item of token.items) {
      if (item.value === target) return item;
      const found = walk(item.value) ?? walk(item.key);
      if (found) return found;
    }
    return undefined;
  };
  return walk(doc.value);
}
