/**
 * The checks that make a composed document's data well defined, done once at parse time
 * in one pass, so that malformed YAML fails with file, line and column before anything
 * is edited: a key repeated in a mapping, an alias with no anchor before it, a merge key
 * (`<<`) whose source is not a mapping.
 *
 * Why here and not in the `yaml` package: its duplicate-key check compares each key with
 * every key before it in the mapping (quadratic in a mapping's size), and it reports
 * aliases and merge sources only when the data is built (`toJS`, also super-linear; see
 * `plain-data.ts`). Here each mapping keeps a set of its keys, and anchors are followed
 * in document order (key before value), as YAML defines an alias: the last anchor of that
 * name before it.
 */
import { type Document, type Node, Scalar, isAlias, isMap, isPair, isScalar, isSeq } from 'yaml';

export interface DocumentProblem {
  offset: number;
  reason: string;
}

/**
 * The first problem of a composed document, or undefined.
 *
 * @example
 * documentProblem(parseDocument('a: 1\na: 2\n', { uniqueKeys: false })); // { offset: 5, reason: 'Map keys must be unique' }
 */
export function documentProblem(doc: Document.Parsed): DocumentProblem | undefined {
  const anchors = new Map<string, Node>();
  let problem: DocumentProblem | undefined;
  const report = (node: Node | null | undefined, fallback: number, reason: string): void => {
    problem ??= { offset: node?.range?.[0] ?? fallback, reason };
  };

  const visit = (node: unknown, at: number): void => {
    if (problem || node === null || node === undefined) return;
    if (isAlias(node)) {
      if (!anchors.has(node.source)) report(node, at, `the alias *${node.source} has no anchor &${node.source} before it`);
      return;
    }
    const n = node as Node;
    if (n.anchor) anchors.set(n.anchor, n);
    if (isMap(n)) {
      const keys = new Set<unknown>();
      for (const pair of n.items) {
        const key = pair.key as Node | null;
        const keyAt = key?.range?.[0] ?? at;
        visit(key, keyAt);
        if (isMergeKey(key)) checkMergeSource(pair.value as Node | null, keyAt);
        else if (isScalar(key) && key.value !== null && !Number.isNaN(key.value)) {
          // the same keys as `uniqueKeys` in yaml-file.ts: scalars with equal values
          if (keys.has(key.value)) report(key, keyAt, 'Map keys must be unique');
          keys.add(key.value);
        }
        visit(pair.value, (pair.value as Node | null)?.range?.[0] ?? keyAt);
      }
    } else if (isSeq(n)) {
      for (const item of n.items) {
        if (isPair(item)) {
          visit(item.key, at);
          visit(item.value, at);
        } else visit(item, (item as Node | null)?.range?.[0] ?? at);
      }
    }
  };

  const checkMergeSource = (source: Node | null, at: number): void => {
    const sources = isSeq(source) ? source.items : [source];
    for (const s of sources) {
      const target = isAlias(s) ? anchors.get(s.source) : s;
      if (isAlias(s) && !target) return; // reported as an alias without anchor
      if (!isMap(target)) report(s as Node | null, at, 'merge sources must be mappings or aliases of mappings');
    }
  };

  visit(doc.contents, 0);
  return problem;
}

/** The `<<` of a merge: plain `<<`, or the merge tag's symbol (the `yaml` package's own test). */
export function isMergeKey(key: unknown): boolean {
  const is = (v: unknown) => v === '<<' || (typeof v === 'symbol' && v.description === '<<');
  return is(key) || (isScalar(key) && (!key.type || key.type === Scalar.PLAIN) && is(key.value));
}
