/**
 * A bound on how deeply collections nest, checked on the CST before anything recursive
 * runs over it.
 *
 * The `yaml` package's composer, its `CST.stringify` and the editor's own walks recurse
 * once per level of nesting. A hostile file of 100,000 `[` (100 KB) overflows the call
 * stack there: the composer reports "Maximum call stack size exceeded" at a column that
 * has nothing to do with it, and near 800 levels V8 can even abort the process while
 * compiling a regular expression on the exhausted stack. The parser itself keeps its own
 * stack, so the CST is built whatever the depth; this walk over it uses an explicit stack
 * too, and names the first collection that goes past the limit.
 */
import type { CST } from 'yaml';

/**
 * Deepest nesting of collections accepted. Real files stay far below (Kubernetes CRDs with
 * OpenAPI schemas reach ~40); the composer overflows a default Node stack at ~800.
 */
export const MAX_NESTING_DEPTH = 256;

export interface TooDeep {
  /** Offset of the collection that opens level `MAX_NESTING_DEPTH + 1`. */
  offset: number;
  depth: number;
}

/**
 * The first collection nested deeper than `limit` in a document, or undefined.
 *
 * @example
 * const [doc] = new Parser().parse('['.repeat(300));
 * tooDeep(doc, 256); // { offset: 256, depth: 257 }
 */
export function tooDeep(doc: CST.Token, limit = MAX_NESTING_DEPTH): TooDeep | undefined {
  const stack: { token: CST.Token | null | undefined; depth: number }[] = [{ token: doc, depth: 0 }];
  while (stack.length) {
    const { token, depth } = stack.pop()!;
    if (!token) continue;
    if (token.type === 'document') {
      stack.push({ token: token.value, depth });
      continue;
    }
    if (token.type !== 'block-map' && token.type !== 'block-seq' && token.type !== 'flow-collection') continue;
    const level = depth + 1;
    if (level > limit) return { offset: token.offset, depth: level };
    for (let i = token.items.length - 1; i >= 0; i--) {
      const item = token.items[i]!;
      stack.push({ token: item.value, depth: level });
      stack.push({ token: item.key, depth: level });
    }
  }
  return undefined;
}
