/**
 * Line and column of a key or value in the config file, for error messages.
 *
 * The validators work on plain data (`doc.toJS()`) and ask a {@link SourceLocator} where a
 * key path was written. The locator walks the `yaml` package's composed Document, whose
 * nodes carry byte ranges, and turns the start offset into a 1-based line and column.
 * Aliases are followed; keys that come in through a merge key (`<<: *base`) are looked up
 * in the merged mappings. When a path cannot be found (a default, or data shaped unlike
 * the text) the deepest node that was found is reported, so an error always points near
 * its cause.
 */
import { lineIndex } from '../yaml/line-index.js';
import { type Document, isAlias, isMap, isPair, isScalar, isSeq, type Node } from 'yaml';
import { plainText } from '../plain-text.js';

export type ConfigKeyPath = readonly (string | number)[];

export interface SourcePosition {
  line: number;
  col: number;
}

/** `key`: where the key of the last path segment starts; `value`: where its value starts. */
export type LocatePart = 'key' | 'value';

export interface SourceLocator {
  locate(keyPath: ConfigKeyPath, part?: LocatePart): SourcePosition | undefined;
}

/** A locator that knows nothing: for data that did not come from a text. */
export const NO_LOCATIONS: SourceLocator = { locate: () => undefined };

/**
 * @example
 * const locator = createSourceLocator(text, file.documents[0].composed());
 * locator.locate(['targets', 0, 'format'])        // { line: 3, col: 13 }
 * locator.locate(['targets', 0, 'format'], 'key') // { line: 3, col: 5 }
 */
export function createSourceLocator(text: string, doc: Document.Parsed): SourceLocator {
  const positionOf = lineIndex(text);
  // The yaml package counts a byte order mark as a character; editors do not show it.
  const bom = text.startsWith('\uFEFF') ? 1 : 0;

  const position = (offset: number): SourcePosition => {
    const { line, col } = positionOf(offset);
    return { line, col: Math.max(1, col - (line === 1 ? bom : 0)) };
  };

  const resolve = (node: unknown): unknown => (isAlias(node) ? node.resolve(doc) : node);

  /** The pair of `map` under `key`, searching merged mappings too. */
  const findPair = (map: unknown, key: string, depth = 0): { key: unknown; value: unknown } | undefined => {
    if (!isMap(map) || depth > 20) return undefined;
    const merged: unknown[] = [];
    for (const pair of map.items) {
      if (!isPair(pair)) continue;
      const keyValue = isScalar(pair.key) ? pair.key.value : undefined;
      // with merge keys on, the yaml package reads the `<<` key as a symbol
      if (keyValue === '<<' || (typeof keyValue === 'symbol' && keyValue.description === '<<')) merged.push(pair.value);
      else if (keyValue !== undefined && keyValue !== null && plainText(keyValue) === key) return pair;
    }
    for (const source of merged) {
      const resolved = resolve(source);
      const maps = isSeq(resolved) ? resolved.items.map(resolve) : [resolved];
      for (const candidate of maps) {
        const found = findPair(candidate, key, depth + 1);
        if (found) return found;
      }
    }
    return undefined;
  };

  const start = (node: unknown): SourcePosition | undefined => {
    const range = (node as Node | null | undefined)?.range;
    // `key:` with nothing after it has an empty scalar as value: report the key instead.
    if (!range || (isScalar(node) && node.value === null && range[0] === range[1])) return undefined;
    return position(range[0]);
  };

  return {
    locate(keyPath, part = 'value') {
      let node: unknown = doc.contents;
      let found = start(node);
      for (let i = 0; i < keyPath.length; i++) {
        const segment = keyPath[i]!;
        const collection = resolve(node);
        let keyNode: unknown;
        if (typeof segment === 'number' && isSeq(collection)) {
          node = collection.items[segment];
        } else {
          const pair = findPair(collection, String(segment));
          keyNode = pair?.key;
          node = pair?.value;
        }
        const isLast = i === keyPath.length - 1;
        if (isLast && part === 'key' && keyNode !== undefined) return start(keyNode) ?? found;
        const here = start(node) ?? start(keyNode);
        if (here === undefined) return found;
        found = here;
      }
      return found;
    },
  };
}
