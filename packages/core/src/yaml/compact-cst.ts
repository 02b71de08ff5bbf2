/**
 * Parsing to the `yaml` package's CST, stored compactly as it is built: the same tokens,
 * the same values, half the memory, and no moment at which the whole uncompacted tree exists.
 *
 * Two habits of the parser cost more memory than the tokens themselves. Every list it builds
 * by pushing (`items`, `start`, `end`, `sep`, `props`) keeps the spare room V8 gave it to
 * grow (17 slots for one element); and every item of a flow sequence (`["3.6",
 * "ca7b9f52b6c2"]`) has had its `key` and `sep` deleted (`fixFlowSeqItems`), which turns the
 * object into a hash table of ~430 bytes instead of ~40. A Backend.AI list has two such items
 * per tag line: at 10,000 tags the CST took 27 MiB, 14 MiB compacted. Compacting it only
 * once parsed would still build the 27 MiB first (and then copy it), so it is compacted
 * while it is built: measured on that file, the parse alone peaked at 115 MiB of process
 * memory, and at 108 MiB so.
 *
 * The parser is driven as its own documentation shows (a `Lexer`, `Parser.next()` per
 * lexeme, `Parser.end()`), and after each line the finished parts are compacted: each item
 * of a block collection on the parser's stack except the last (the parser only ever adds to
 * or edits the last item, or reaches the one before it through its properties), and every
 * token that left the stack since the previous line. Compacting copies each of those arrays
 * to its exact length and each collection item to a fresh object with the same keys in the
 * same order, reassigning the properties that hold them; token objects keep their identity.
 * Between two `next()` calls the parser holds nothing but its stack, so whatever it reaches
 * later, it reaches through those properties. `CST.stringify` gives the same text.
 *
 * Every walk uses an explicit stack (see `nesting-depth.ts`), and compaction stops for a
 * file nested deeper than {@link MAX_NESTING_DEPTH}, which is refused after the parse anyway.
 */
import { Lexer, Parser, type CST } from 'yaml';
import { MAX_NESTING_DEPTH } from './nesting-depth.js';

type Node = Record<string, unknown>;

const isBlockCollection = (token: CST.Token): token is CST.BlockMap | CST.BlockSequence => token.type === 'block-map' || token.type === 'block-seq';

/**
 * The tokens `new Parser(onNewLine).parse(text)` yields, compacted (see the file comment).
 *
 * @example
 * const lines = new LineCounter();
 * const tokens = parseCompact(text, lines.addNewLine);
 * tokens.map((token) => CST.stringify(token)).join('') === text; // true
 */
export function parseCompact(text: string, onNewLine?: (offset: number) => void): CST.Token[] {
  const parser = new Parser(onNewLine);
  const compactor = new Compactor();
  const tokens: CST.Token[] = [];
  onNewLine?.(0); // as Parser.parse does for the start of the input
  for (const lexeme of new Lexer().lex(text)) {
    for (const token of parser.next(lexeme)) tokens.push(token);
    if (lexeme === '\n' || lexeme === '\r\n') compactor.afterLine(parser.stack);
  }
  for (const token of parser.end()) tokens.push(token);
  compactor.afterLine(parser.stack);
  for (const token of tokens) compactor.finish(token as unknown as Node);
  return tokens;
}

class Compactor {
  /** Block collections seen on the stack: how many of their items are compacted. */
  readonly #done = new WeakMap<object, number>();
  /** Tokens compacted in full; a walk does not go into them again. */
  readonly #finished = new WeakSet<object>();
  /** The parser's stack after the previous line. */
  #previous: CST.Token[] = [];
  #off = false;

  afterLine(stack: readonly CST.Token[]): void {
    if (this.#off) return;
    if (stack.length > MAX_NESTING_DEPTH + 8) {
      this.#off = true;
      return;
    }
    // the stack only grows and shrinks at its top: past the common prefix, the previous
    // tokens have left it (a token the parser wraps in a new block map is replaced there)
    let common = 0;
    while (common < this.#previous.length && common < stack.length && this.#previous[common] === stack[common]) common++;
    for (let i = this.#previous.length - 1; i >= common; i--) this.finish(this.#previous[i] as unknown as Node);
    for (const token of stack) if (isBlockCollection(token)) this.#compactItems(token as unknown as Node, token.items.length - 1);
    this.#previous = stack.slice();
  }

  /** Compacts a token that the parser no longer builds, and everything under it. */
  finish(token: Node): void {
    if (this.#finished.has(token)) return;
    if (isBlockCollection(token as unknown as CST.Token)) {
      const items = token.items as Node[];
      this.#compactItems(token, items.length);
      token.items = items.slice();
      this.#finished.add(token);
      return;
    }
    this.#walk(token);
    this.#finished.add(token);
  }

  /** Compacts the items of a block collection up to (not including) `upto`, once each. */
  #compactItems(collection: Node, upto: number): void {
    const items = collection.items as Node[];
    let index = Math.min(this.#done.get(collection) ?? 0, items.length);
    for (; index < upto; index++) {
      const item = freshCopy(items[index]!);
      this.#walk(item);
      items[index] = item;
    }
    this.#done.set(collection, Math.max(index, this.#done.get(collection) ?? 0));
  }

  /** Copies every array under `root` to its exact length and every collection item to a fresh object. */
  #walk(root: Node): void {
    const pending: Node[] = [root];
    while (pending.length) {
      const node = pending.pop()!;
      for (const key of Object.keys(node)) {
        const value = node[key];
        if (Array.isArray(value)) {
          const copy: unknown[] = key === 'items' ? value.map((item: Node) => freshCopy(item)) : (value as unknown[]).slice();
          node[key] = copy;
          for (const element of copy) if (element && typeof element === 'object' && !this.#finished.has(element)) pending.push(element as Node);
        } else if (value && typeof value === 'object' && !this.#finished.has(value)) {
          pending.push(value as Node);
        }
      }
    }
  }
}

/** The same own keys, in the same order, on an object V8 stores with fast properties. */
function freshCopy(item: Node): Node {
  const copy: Node = {};
  for (const key of Object.keys(item)) copy[key] = item[key];
  return copy;
}
