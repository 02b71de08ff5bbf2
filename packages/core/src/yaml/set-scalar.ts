/**
 * Replacing one scalar's value in place. The token keeps its place, its trailing spaces
 * and comment (`cpu: 1    # cores`), and its quote style when the new value allows it;
 * block scalars (`|`, `>`) stay block scalars. An alias at the path is replaced by a
 * scalar, which changes only this entry.
 */
import { CST } from 'yaml';
import { type CollectionItem, type Collection, type Token, isSequence, sourceToken } from './cst-tokens.js';
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

/** Gives `item` (a `key:` or `-` with nothing after it) a scalar value. */
export function fillEmptyValue(collection: Collection, item: CollectionItem, value: ScalarValue, inFlow: boolean): void {
  const holder = isSequence(collection) ? item.start : item.sep ?? item.start;
  const ind = holder.findIndex((t) => t.type === 'map-value-ind' || t.type === 'seq-item-ind');
  const tail = holder.splice(ind + 1);
  const props = tail.filter((t) => t.type === 'anchor' || t.type === 'tag');
  holder.push(sourceToken('space', ' ', collection.indent));
  for (const p of props) holder.push(p, sourceToken('space', ' ', collection.indent));
  const rest = tail.filter((t) => t.type !== 'anchor' && t.type !== 'tag');
  while (rest[0]?.type === 'space' && rest[1]?.type !== 'comment') rest.shift();
  const { source, style } = renderScalar(value, { inFlow, style: 'plain' });
  const token: Token = { type: tokenTypeOfStyle(style), offset: -1, indent: collection.indent, source, end: rest };
  item.value = token;
}
