/**
 * Whether this process has the memory to edit a file, asked before the file is parsed.
 *
 * Editing a file holds the `yaml` package's CST of it, its composition and its data: about
 * 350 bytes of heap per YAML token for a Backend.AI file (some 110 bytes per byte of text;
 * 2.3 GiB for 20 MiB), up to ~460 for token-dense text such as thousands of aliases, which
 * `maxFileBytes` alone does not bound (20 MiB of `[a,a,a,…]` is 31 million tokens). A V8
 * heap that runs out aborts the process with no message, so a file whose tokens would not
 * fit in the heap left is refused instead, with a per-file error that says so. Tokens are
 * counted by the `yaml` lexer (no tokens are kept), and only for files with enough
 * characters to possibly need more than the room there is.
 */
import { getHeapStatistics } from 'node:v8';
import { Lexer } from 'yaml';
import { FileTooLargeError } from '../errors.js';

/** Peak heap per lexer token while a file is edited, with a margin (see bench/backendai-scale). */
export const HEAP_BYTES_PER_TOKEN = 500;

/** The heap this process may grow to, and what it uses now (garbage included). */
export interface HeapStatistics {
  limit: number;
  used: number;
}

export function currentHeap(): HeapStatistics {
  const stats = getHeapStatistics();
  return { limit: stats.heap_size_limit, used: stats.used_heap_size };
}

/**
 * A `FileTooLargeError` when editing `text` needs more heap than is left (90 % of the limit
 * minus what is in use), or undefined.
 *
 * @example
 * memoryProblem('huge.yml', text, { limit: 512 * 2 ** 20, used: 64 * 2 ** 20 });
 */
export function memoryProblem(path: string, text: string, heap: HeapStatistics): FileTooLargeError | undefined {
  const room = heap.limit * 0.9 - heap.used;
  const maxTokens = Math.max(0, Math.floor(room / HEAP_BYTES_PER_TOKEN));
  // the lexer yields at most three tokens per character (a scalar's marker, the scalar, a separator)
  if (text.length * 3 + 3 <= maxTokens) return undefined;
  let tokens = 0;
  for (const _ of new Lexer().lex(text)) if (++tokens > maxTokens) break;
  if (tokens <= maxTokens) return undefined;
  const mib = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MiB`;
  return new FileTooLargeError(
    path,
    `more than ${maxTokens} YAML tokens, which would need more than the ${mib(Math.max(0, room))} of memory left to this process (about ${HEAP_BYTES_PER_TOKEN} bytes each; heap limit ${mib(heap.limit)}: raise it with --max-old-space-size, or give the function more memory)`,
  );
}
