/**
 * Replacing one scalar's value in place. The token keeps its place, its trailing spaces
 * and comment (`cpu: 1    # cores`), and its quote style when the new value allows it;
 * block scalars (`|`, `>`) stay block scalars. An alias at the path is replaced by a
 * scalar, which changes only this entry.
 */
import { CST } from 'yaml';
import { type CollectionItem, type Collection, type Token, endsLine, isPairEntry, isSequence, ownSource, sourceToken, sourceTokensOf } from './cst-tokens.js';
import { type ScalarValue, renderScalar, styleOfTokenType, tokenTypeOfStyle } from './render-scalar.js';

/** Sets the scalar `token` to `value`; returns false when the text would not change. */
export function setScalarToken(token: CST.FlowScalar | CST.BlockScalar, value: ScalarValue, inFlow: boolean, newline = '\n'): boolean {
  if (token.type === 'block-scalar') {
    const before = token.source;
    if (typeof value !== 'string') {
      // a number or boolean cannot live in a block scalar: write it as a plain scalar
      const flow = token as unknown as CST.FlowScalar & { props?: unknown };
      delete flow.props;
      flow.type = 'scalar';
      flow.source = renderScalar(value, { inFlow, style: 'plain' }).source;
      flow.end = [sourceToken('newline', newline)];
      return true;
    }
    const header = token.props.find((p) => p.type === 'block-scalar-header');
    const folded = header && 'source' in header && header.source.startsWith('>');
    // afterKey: the content must be indented deeper than the key or dash that owns it
    CST.setScalarValue(token, value, { type: folded ? 'BLOCK_FOLDED' : 'BLOCK_LITERAL', afterKey: true });
    if (newline !== '\n') token.source = token.source.replace(/\r?\n/g, newline);
    return token.source !== before;
  }
  const style = token.type === 'alias' ? 'plain' : styleOfTokenType(token.type);
  const { source, style: used } = renderScalar(value, { inFlow, style });
  const type = tokenTypeOfStyle(used);
  if (token.type === type && token.source === source) return false;
  token.type = type;
  token.source = source;
  return true;
}

/**
 * Gives `item` a scalar value where it has none: `key:`, `-`, an empty scalar after a tag
 * (`key: !!str`), or a key written without `:` at all (`? key` in a block mapping, `{ key }`
 * or `[ ? key ]` in flow), which gains one: on the next line at the mapping's indentation
 * after a block explicit key, right after the key in flow.
 */
export function fillEmptyValue(collection: Collection, item: CollectionItem, value: ScalarValue, inFlow: boolean, newline = '\n'): void {
  const seqEntry = isSequence(collection) && !isPairEntry(collection, item);
  if (!seqEntry && !(item.sep ?? []).some((t) => t.type === 'map-value-ind')) return addValueIndicator(collection, item, value, inFlow, newline);
  const holder = seqEntry ? item.start : (item.sep ??= []);
  const ind = holder.findIndex((t) => t.type === 'map-value-ind' || t.type === 'seq-item-ind');
  const tail = holder.splice(ind + 1);
  const props = tail.filter((t) => t.type === 'anchor' || t.type === 'tag');
  holder.push(sourceToken('space', ' ', collection.indent));
  for (const p of props) holder.push(p, sourceToken('space', ' ', collection.indent));
  const rest = tail.filter((t) => t.type !== 'anchor' && t.type !== 'tag');
  while (rest[0]?.type === 'space' && rest[1]?.type !== 'comment') rest.shift();
  const { source, style } = renderScalar(value, { inFlow, style: 'plain' });
  const emptyEnd = item.value && 'end' in item.value && Array.isArray(item.value.end) ? item.value.end : [];
  const token: Token = { type: tokenTypeOfStyle(style), offset: -1, indent: collection.indent, source, end: [...rest, ...emptyEnd] };
  item.value = token;
}

function addValueIndicator(collection: Collection, item: CollectionItem, value: ScalarValue, inFlow: boolean, newline: string): void {
  const { source, style } = renderScalar(value, { inFlow, style: 'plain' });
  const sep = (item.sep ??= []);
  const end: CST.SourceToken[] = [];
  if (collection.type === 'flow-collection') {
    // `{ key }` -> `{ key: v }`; `[ ? key ]` -> `[ ? key : v ]` (spaces before the next `,` or `}` stay after the value)
    const trailing = sep.splice(0);
    const explicit = item.start.some((t) => t.type === 'explicit-key-ind');
    if (explicit) sep.push(sourceToken('space', ' '));
    sep.push(sourceToken('map-value-ind', ':'), sourceToken('space', ' '));
    end.push(...trailing);
  } else {
    // `? key` (its line break in `sep`, or inside a block key) -> a `: v` line under the `?`;
    // the indentation of the line after it, when filed here, moves after the new line
    const indentOfNext: CST.SourceToken[] = [];
    while (sep.length && sep[sep.length - 1]!.type === 'space' && sep.length > 1 && endsLine(sep[sep.length - 2]!)) indentOfNext.unshift(sep.pop()!);
    const printed = [...sourceTokensOf({ start: [], key: item.key, sep })].filter((t) => ownSource(t) !== '');
    const last = printed[printed.length - 1];
    const endsItsLine = !!last && endsLine(last);
    if (!endsItsLine) sep.push(sourceToken('newline', newline));
    sep.push(sourceToken('space', ' '.repeat(collection.indent)), sourceToken('map-value-ind', ':'), sourceToken('space', ' '));
    if (endsItsLine) end.push(sourceToken('newline', newline));
    end.push(...indentOfNext);
  }
  item.value = { type: tokenTypeOfStyle(style), offset: -1, indent: collection.indent, source, end };
}
