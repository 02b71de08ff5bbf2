/**
 * Building the CST of a new collection item in the style of a sibling: same indentation,
 * same indicator spacing, same quote style per position, and — where the siblings are
 * hand-aligned, as in `- ["latest",     ":3.6-ubuntu"]` over `- ["3.6-ubuntu", "ca7b…"]` —
 * the same column for each element. Comments are never copied: they belong to the
 * sibling, not to the new entry.
 *
 * Values that have no template (a mapping under a list of scalars, say) are written by
 * the `yaml` package's own stringifier at the right indentation and parsed back into CST
 * tokens, so that later edits can reach into them like into any other node.
 */
import { CST, Parser, stringify } from 'yaml';
import {
  type Collection,
  type CollectionItem,
  type SourceToken,
  type Token,
  isCollection,
  isRealItem,
  isScalarToken,
  isSequence,
  ownSource,
  sourceToken,
} from './cst-tokens.js';
import { type ScalarValue, renderScalar, styleOfTokenType, tokenTypeOfStyle } from './render-scalar.js';

/**
 * A value the editor can add: a scalar, or a sequence or mapping of them (rendered in the style of a sibling).
 */
export type NewValue = ScalarValue | readonly NewValue[] | { readonly [key: string]: NewValue };

export interface ItemContext {
  collection: Collection;
  /** The real sibling used as a template, if the collection has one. */
  template: CollectionItem | undefined;
  /** Real siblings, for alignment. */
  siblings: CollectionItem[];
  newline: string;
}

export function isScalarValue(value: unknown): value is ScalarValue {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}

/** A scalar token for `value`, styled like `template` where that is safe. */
export function scalarToken(value: ScalarValue, template: Token | null | undefined, inFlow: boolean, indent: number): CST.FlowScalar {
  const style = template && isScalarToken(template) ? styleOfTokenType(template.type) : 'plain';
  const { source, style: used } = renderScalar(value, { inFlow, style });
  return { type: tokenTypeOfStyle(used), offset: -1, indent, source };
}

/** Printed width of tokens that sit on one line. */
function width(tokens: Iterable<SourceToken | Token>): number {
  let n = 0;
  for (const t of tokens) n += ownSource(t).length;
  return n;
}

/**
 * The spacing to put before a value so that it starts at the column its siblings'
 * values start at, when they are aligned; otherwise the template's own spacing.
 *
 * `columnOf(sibling)` gives the column of the aligned part in a sibling and `padOf` the
 * width of the padding before it. Siblings count as aligned when the template's column is
 * shared by another sibling that needed padding wider than one space to reach it.
 */
function alignedSpacing(
  siblings: CollectionItem[],
  template: CollectionItem | undefined,
  columnOf: (item: CollectionItem) => number | undefined,
  padOf: (item: CollectionItem) => number | undefined,
  prefixWidth: number,
): number {
  const templatePad = template ? (padOf(template) ?? 1) : 1;
  const column = template ? columnOf(template) : undefined;
  if (column === undefined) return Math.max(1, templatePad);
  const aligned = siblings.some((s) => columnOf(s) === column && (padOf(s) ?? 0) > 1);
  if (!aligned) return Math.max(1, templatePad);
  return Math.max(1, column - prefixWidth);
}

function spaceWidth(tokens: SourceToken[], afterType: SourceToken['type']): number | undefined {
  const i = tokens.findIndex((t) => t.type === afterType);
  if (i < 0) return undefined;
  const next = tokens[i + 1];
  return next?.type === 'space' ? next.source.length : 0;
}

interface FlowLayout {
  /** Column of each element, counted from the opening bracket. */
  columns: number[];
  /** Spaces between the comma and each element (0 for the first). */
  pads: number[];
}

function flowLayout(flow: CST.FlowCollection): FlowLayout {
  const columns: number[] = [];
  const pads: number[] = [];
  let col = flow.start.source.length;
  for (const item of flow.items) {
    if (!item.value) break;
    col += width(item.start);
    columns.push(col);
    pads.push(spaceWidth(item.start, 'comma') ?? 0);
    col += CST.stringify(item.value).length;
  }
  return { columns, pads };
}

/** A flow sequence `[a, b]` styled element by element like the template flow sequence. */
function flowSeqLike(values: readonly ScalarValue[], template: CST.FlowCollection, siblings: CollectionItem[], indent: number): CST.FlowCollection {
  const tplItems = template.items.filter((i) => i.value);
  const layouts = siblings
    .map((s) => s.value)
    .filter((v): v is CST.FlowCollection => v?.type === 'flow-collection' && v.start.type === 'flow-seq-start')
    .map(flowLayout);
  const tplLayout = flowLayout(template);
  const items: CollectionItem[] = [];
  let prefix = template.start.source.length;
  values.forEach((value, j) => {
    const tpl = tplItems[Math.min(j, tplItems.length - 1)];
    const start: SourceToken[] = [];
    if (j > 0) {
      start.push(sourceToken('comma', ',', indent));
      prefix += 1;
      const column = tplLayout.columns[j];
      const tplPad = tplLayout.pads[Math.min(j, tplLayout.pads.length - 1)] ?? 1;
      const aligned = column !== undefined && layouts.some((l) => l.columns[j] === column && (l.pads[j] ?? 0) > 1);
      const pad = aligned ? Math.max(1, column - prefix) : tplPad;
      if (pad > 0) start.push(sourceToken('space', ' '.repeat(pad), indent));
      prefix += pad;
    } else if (tpl) {
      for (const t of tpl.start) if (t.type === 'space') start.push({ ...t, offset: -1 });
      prefix += width(start);
    }
    const token = scalarToken(value, tpl?.value, true, indent);
    items.push({ start, value: token });
    prefix += token.source.length;
  });
  const closing = template.end.find((t) => t.type === 'flow-seq-end');
  return {
    type: 'flow-collection',
    offset: -1,
    indent,
    start: { ...template.start, offset: -1 },
    items,
    end: [closing ? { ...closing, offset: -1 } : sourceToken('flow-seq-end', ']', indent)],
  };
}

/**
 * Parses `text` (one collection item at its final indentation) and returns that item's
 * CST, so that generated content is made of real tokens.
 */
function parseItem(text: string, seq: boolean): CollectionItem {
  const [doc] = new Parser().parse(text);
  const value = doc?.type === 'document' ? doc.value : undefined;
  if (!isCollection(value)) throw new Error(`internal: generated item did not parse as a collection: ${text}`);
  const item = value.items.find((i) => isRealItem(value, i));
  if (!item) throw new Error(`internal: generated item has no entry: ${text}`);
  const indicator = seq ? 'seq-item-ind' : undefined;
  const from = indicator ? item.start.findIndex((t) => t.type === indicator) : item.start.length;
  item.start = item.start.slice(Math.max(0, from));
  if (doc?.type === 'document' && doc.end) {
    // trailing comments/newlines of the generated text belong to the item
    const last = lastEnd(item);
    last.push(...doc.end);
  }
  return item;
}

/** Adds `token` after everything else `item` prints. */
export function appendTrailing(item: CollectionItem, token: SourceToken): void {
  lastEnd(item).push(token);
}

function lastEnd(item: CollectionItem): SourceToken[] {
  let node: Token | CollectionItem = item;
  for (;;) {
    if (!('type' in node)) {
      if (node.value) node = node.value;
      else return node.sep ?? node.start;
      continue;
    }
    if (node.type === 'block-map' || node.type === 'block-seq') {
      const items: CollectionItem[] = node.items;
      const lastItem: CollectionItem | undefined = items[items.length - 1];
      if (!lastItem) return [];
      node = lastItem;
      continue;
    }
    if (node.type === 'flow-collection') return node.end;
    if ('end' in node) return (node.end ??= []);
    return [];
  }
}

function indentText(text: string, indent: number, newline: string): string {
  const pad = ' '.repeat(indent);
  return text
    .split('\n')
    .map((line) => (line ? pad + line : line))
    .join(newline);
}

/**
 * The CST of a new item for `ctx.collection`: for a sequence `value` is the entry, for a
 * mapping `value` is `[key, entryValue]`. Block items end with the file's newline.
 */
export function renderItem(value: NewValue, ctx: ItemContext): CollectionItem {
  const { collection, template, siblings, newline } = ctx;
  const seq = isSequence(collection);
  const indent = collection.indent;
  const pairKey = seq ? undefined : (value as readonly NewValue[])[0];
  const entry = seq ? value : (value as readonly NewValue[])[1]!;

  if (collection.type === 'flow-collection') {
    const start: SourceToken[] = template
      ? template.start.filter((t) => t.type === 'comma' || t.type === 'space' || t.type === 'newline').map((t) => ({ ...t, offset: -1 }))
      : [];
    if (!start.some((t) => t.type === 'comma')) start.unshift(sourceToken('comma', ',', indent), sourceToken('space', ' ', indent));
    const valueToken = isScalarValue(entry) ? scalarToken(entry, template?.value, true, indent) : flowJsonToken(entry);
    if (seq) return { start, value: valueToken };
    const keyToken = scalarToken(keyText(pairKey), template?.key, true, indent);
    const sepSpace = template?.sep ? (spaceWidth(template.sep, 'map-value-ind') ?? 1) : 1;
    const sep = [sourceToken('map-value-ind', ':', indent)];
    if (sepSpace > 0) sep.push(sourceToken('space', ' '.repeat(sepSpace), indent));
    return { start, key: keyToken, sep, value: valueToken };
  }

  const nl = sourceToken('newline', newline, indent);
  const lead = sourceToken('space', ' '.repeat(indent), indent);
  if (seq) {
    const afterDash = template ? (spaceWidth(template.start, 'seq-item-ind') ?? 1) : 1;
    const start = [lead, sourceToken('seq-item-ind', '-', indent), sourceToken('space', ' '.repeat(Math.max(1, afterDash)), indent + 1)];
    const tplValue = template?.value;
    if (isScalarValue(entry)) {
      const token = scalarToken(entry, tplValue, false, indent + 2);
      token.end = [nl];
      return { start, value: token };
    }
    if (Array.isArray(entry) && entry.every(isScalarValue) && tplValue?.type === 'flow-collection' && tplValue.start.type === 'flow-seq-start') {
      const flow = flowSeqLike(entry, tplValue, siblings, indent + 2);
      flow.end.push(nl);
      return { start, value: flow };
    }
    if (Array.isArray(entry) && entry.every(isScalarValue) && tplValue?.type === 'flow-collection') {
      const flow = flowJsonToken(entry);
      (flow as CST.FlowCollection).end.push(nl);
      return { start, value: flow };
    }
    const item = parseItem(indentText(stringify([entry], { lineWidth: 0 }), indent, newline), true);
    item.start = [lead, ...item.start];
    return item;
  }

  // block mapping
  const keyToken = scalarToken(keyText(pairKey), template?.key, false, indent);
  if (isScalarValue(entry) || (Array.isArray(entry) && entry.length === 0)) {
    const valueToken: Token = isScalarValue(entry) ? scalarToken(entry, template?.value, false, indent) : flowJsonToken(entry);
    const prefix = indent + keyToken.source.length + 1;
    const valueColumn = (s: CollectionItem) =>
      s.key && s.sep && s.value && isScalarToken(s.value) ? collection.indent + width([s.key]) + width(s.sep) : undefined;
    const pad = alignedSpacing(siblings, template, valueColumn, (s) => (s.sep ? spaceWidth(s.sep, 'map-value-ind') : undefined), prefix);
    const sep = [sourceToken('map-value-ind', ':', indent), sourceToken('space', ' '.repeat(pad), indent)];
    (valueToken as CST.FlowScalar).end = [nl];
    return { start: [lead], key: keyToken, sep, value: valueToken };
  }
  const text = stringify({ [keyText(pairKey)]: entry }, { lineWidth: 0 });
  const item = parseItem(indentText(text, indent, newline), false);
  item.key = keyToken;
  item.start = [lead];
  return item;
}

/**
 * The CST of a new block item given as YAML text written at column 0 (`- name: x\n  tags: []`
 * for a sequence, `key: value` for a mapping), moved to the collection's indentation. The
 * text's own layout (quotes, flow pairs, comments, aliases) is kept as written.
 */
export function itemFromText(text: string, collection: Collection, newline: string): CollectionItem {
  if (collection.type === 'flow-collection') throw new Error('internal: itemFromText takes block collections');
  const seq = isSequence(collection);
  const lines = text.replace(/\r?\n$/, '').split(/\r?\n/);
  const body = indentText(lines.join('\n'), collection.indent, newline) + newline;
  const item = parseItem(body, seq);
  item.start = [sourceToken('space', ' '.repeat(collection.indent), collection.indent), ...item.start.filter((t) => t.type !== 'space' || seq)];
  return item;
}

/** A flow collection written as JSON, which is valid YAML flow syntax. */
function flowJsonToken(value: NewValue): Token {
  const [doc] = new Parser().parse(`${JSON.stringify(value)}`);
  if (doc?.type !== 'document' || !doc.value) throw new Error('internal: could not render flow value');
  return doc.value;
}

/** A new pair's key as text: a scalar as YAML reads it back, anything else as JSON. */
function keyText(key: unknown): string {
  return typeof key === 'object' && key !== null ? JSON.stringify(key) : String(key);
}
