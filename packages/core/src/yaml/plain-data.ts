/**
 * The plain JavaScript data of a composed document, in one pass: what `Document.toJS()`
 * returns (mappings as objects, `!!set` as a Set, `!!omap` as a Map, `!!pairs` as an
 * array of one-key objects, aliases as the anchored node's very value, merge keys
 * applied), in time and memory linear in the document.
 *
 * Why not `toJS`: in `yaml` 2.x each alias searches the list of every anchor and alias
 * of the document up to itself, and each merge key converts its source mapping again,
 * source merges included. 10,000 anchors in a 0.3 MB file took 17 s, and a chain of 3,000
 * `<<: *previous` merges over three minutes. Here every node is converted once, in
 * document order (key before value, as `yaml`'s own alias lookup orders them), so an
 * alias always finds its anchor's data already made and shares it, as `toJS` does.
 *
 * Merges are the one place where data is copied rather than shared: every merged key is
 * a new property. Chained merges can make that quadratic in the file (each mapping
 * copying all keys of the one before), so the copies are counted and a file whose
 * merges would expand past {@link mergeBudget} is refused with the position of the merge
 * that crossed it, instead of ending the run out of memory.
 */
import { Document, type Node, type Pair, isAlias, isMap, isPair, isScalar, isSeq, visit } from 'yaml';
import { YamlSyntaxError } from '../errors.js';
import { isMergeKey } from './document-checks.js';
import type { LinePosition } from './line-index.js';

const SET_TAG = 'tag:yaml.org,2002:set';
const OMAP_TAG = 'tag:yaml.org,2002:omap';

/** Merged entries allowed: a generous constant plus a multiple of the document's nodes. */
export function mergeBudget(nodes: number): number {
  return 100_000 + 16 * nodes;
}

export interface PlainDataOptions {
  path: string;
  /** Line and column of an offset of the text the document was composed from. */
  position: (offset: number) => LinePosition;
}

/**
 * @example
 * const doc = parseDocument('a: &x {b: 1}\nc: {<<: *x, d: 2}\n', { merge: true });
 * plainData(doc, { path: 'f.yml', position }); // { a: { b: 1 }, c: { b: 1, d: 2 } }
 */
export function plainData(doc: Document.Parsed, opts: PlainDataOptions): unknown {
  const anchors = new Map<string, Node>();
  const made = new Map<Node, unknown>();
  let nodes = 0;
  let merged = 0;
  let budget = Infinity;

  const fail = (node: Node | Pair, reason: string): never => {
    const offset = ('range' in node && node.range ? node.range[0] : undefined) ?? (isPair(node) && isScalar(node.key) ? node.key.range?.[0] : 0) ?? 0;
    const { line, col } = opts.position(offset);
    throw new YamlSyntaxError(opts.path, line, col, reason);
  };

  const value = (node: unknown): unknown => {
    if (node === null || node === undefined) return null;
    if (isAlias(node)) {
      const target = anchors.get(node.source);
      if (!target) return fail(node, `the alias *${node.source} has no anchor &${node.source} before it`);
      return made.has(target) ? made.get(target) : value(target);
    }
    const n = node as Node;
    if (n.anchor) anchors.set(n.anchor, n);
    if (isScalar(n)) {
      made.set(n, n.value);
      return n.value;
    }
    if (isMap(n)) {
      const out: Record<string, unknown> | Set<unknown> = n.tag === SET_TAG ? new Set() : {};
      made.set(n, out);
      for (const pair of n.items) addPair(out, pair);
      return out;
    }
    if (isSeq(n)) {
      if (n.tag === OMAP_TAG) {
        const out = new Map<unknown, unknown>();
        made.set(n, out);
        for (const item of n.items) {
          if (isPair(item)) {
            const key = value(item.key);
            out.set(key, value(item.value));
          } else out.set(value(item), undefined);
        }
        return out;
      }
      const out: unknown[] = [];
      made.set(n, out);
      for (const item of n.items) {
        if (isPair(item)) {
          const one: Record<string, unknown> = {};
          addPair(one, item);
          out.push(one);
        } else out.push(value(item));
      }
      return out;
    }
    return fail(n, 'internal: a node of an unknown kind');
  };

  const addPair = (map: Record<string, unknown> | Set<unknown>, pair: Pair): void => {
    if (isMergeKey(pair.key)) return merge(map, pair);
    const key = value(pair.key);
    if (map instanceof Set) {
      map.add(key);
      if (pair.value !== null) value(pair.value);
      return;
    }
    const name = stringKey(pair.key, key);
    setOwn(map, name, value(pair.value));
  };

  const merge = (map: Record<string, unknown> | Set<unknown>, pair: Pair): void => {
    const source = pair.value;
    const sources = isSeq(source) ? source.items : [source];
    const data = value(source); // converts inline sources (and anchors in them) in document order
    const datas = isSeq(source) ? (data as unknown[]) : [data];
    sources.forEach((node, i) => {
      const target = isAlias(node) ? anchors.get(node.source) : node;
      if (!isMap(target)) fail(pair, 'merge sources must be mappings or aliases of mappings');
      const from = datas[i];
      const entries = from instanceof Set ? [...from].map((k) => [String(k), null] as const) : Object.entries(from as Record<string, unknown>);
      if (budget === Infinity) budget = mergeBudget(countNodes(doc));
      merged += entries.length;
      if (merged > budget)
        fail(
          pair,
          `merge keys (<<) expand this file's data past ${budget} merged entries (16 per node of the file); imgsync refuses it rather than run out of memory`,
        );
      for (const [k, v] of entries) {
        if (map instanceof Set) map.add(k);
        else if (!Object.prototype.hasOwnProperty.call(map, k)) setOwn(map, k, v);
      }
    });
  };

  const countNodes = (d: Document.Parsed): number => {
    if (nodes) return nodes;
    const stack: unknown[] = [d.contents];
    while (stack.length) {
      const n = stack.pop();
      nodes++;
      if (isMap(n) || isSeq(n)) for (const item of n.items as unknown[]) stack.push(item);
      else if (isPair(n)) stack.push(n.key, n.value);
    }
    return nodes;
  };

  return value(doc.contents);
}

/** A property name for a mapping key, as `toJS` makes it (collections as flow YAML). */
function stringKey(keyNode: unknown, key: unknown): string {
  if (key === null) return '';
  if (typeof key === 'string') return key;
  if (typeof key === 'number' || typeof key === 'boolean' || typeof key === 'bigint' || key === undefined) return `${key}`;
  if (typeof key !== 'object') return typeof key === 'symbol' ? key.toString() : '';
  if (isAlias(keyNode)) return `*${keyNode.source}`;
  if (isMap(keyNode) || isSeq(keyNode)) {
    // as `toJS` prints it: flow style, without the key's own anchor, without comments
    const doc = new Document(null);
    const key = keyNode.clone();
    delete key.anchor;
    doc.contents = key as never;
    visit(doc, {
      Node: (_key, node) => {
        delete node.comment;
        delete node.commentBefore;
        delete node.spaceBefore;
      },
    });
    return doc.toString({ collectionStyle: 'flow', lineWidth: 0 }).trim();
  }
  return JSON.stringify(key);
}

/** Sets an own property, `__proto__` included, as `toJS` does. */
function setOwn(map: Record<string, unknown>, key: string, v: unknown): void {
  if (key in map) Object.defineProperty(map, key, { value: v, writable: true, enumerable: true, configurable: true });
  else map[key] = v;
}
