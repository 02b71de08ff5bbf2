/**
 * Whether this process has the memory to edit a file, asked before the file is parsed.
 *
 * Editing a file holds the `yaml` package's CST of it, its composition and its data: about
 * 350 bytes of heap per lexer token for a Backend.AI file (some 110 bytes per byte of
 * text, 2.3 GiB for 20 MiB), each alias some 450 more (an Alias node and its CST token).
 * `maxFileBytes` alone does not bound that: 20 MiB of `[a,a,a,…]` is 31 million tokens.
 * A V8 heap that runs out aborts the process with no message, so a file whose estimate
 * does not fit in 85 % of the heap limit is refused instead, with a per-file error that
 * says so. (85 %: the run holds at most one big file's parse at a time, the rest is small;
 * the heap in use now is not asked, since it counts garbage not yet collected.) Tokens are
 * counted by the `yaml` lexer, which keeps none of them, and only for files with enough
 * characters to possibly need more than there is.
 */
import { getHeapStatistics } from 'node:v8';
import { Lexer } from 'yaml';
import { FileTooLargeError } from '../errors.js';

/** Peak heap per lexer token while a file is edited, measured on Backend.AI files (bench/backendai-scale) with a margin. */
export const HEAP_BYTES_PER_TOKEN = 360;
/** What an alias adds to that (measured on a list of 400,000 aliases). */
export const HEAP_BYTES_PER_ALIAS = 450;
const HEAP_SHARE = 0.85;

/** The heap this process may grow to (V8's `heap_size_limit`). */
export function heapLimit(): number {
  return getHeapStatistics().heap_size_limit;
}

/**
 * A `FileTooLargeError` when editing `text` would need more than 85 % of `limit` bytes of
 * heap, or undefined.
 *
 * @example
 * memoryProblem('huge.yml', text, 512 * 2 ** 20);
 */
export function memoryProblem(path: string, text: string, limit: number): FileTooLargeError | undefined {
  const room = limit * HEAP_SHARE;
  // the lexer yields at most three tokens per character (a scalar's marker, the scalar, a separator)
  if ((text.length * 3 + 3) * (HEAP_BYTES_PER_TOKEN + HEAP_BYTES_PER_ALIAS) <= room) return undefined;
  let need = 0;
  for (const token of new Lexer().lex(text)) {
    need += token[0] === '*' ? HEAP_BYTES_PER_TOKEN + HEAP_BYTES_PER_ALIAS : HEAP_BYTES_PER_TOKEN;
    if (need > room) break;
  }
  if (need <= room) return undefined;
  const mib = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MiB`;
  return new FileTooLargeError(
    path,
    `editing it would need more than ${mib(room)} of memory (${HEAP_BYTES_PER_TOKEN} bytes per YAML token), ${Math.round(HEAP_SHARE * 100)} % of this process's heap limit of ${mib(limit)}; raise the limit (node --max-old-space-size, or a function with more memory) or split the file`,
  );
}
