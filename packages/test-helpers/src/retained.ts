/**
 * How much heap a value keeps alive, measured between two full garbage collections: the
 * difference in used heap with and without it. For asserting that a structure holds only
 * what it should (a cache that keeps no file text, a CST without spare capacity), not for
 * timing. `gc` is exposed with V8's own flag at run time, as `node --expose-gc` would.
 *
 * @example
 * const bytes = await retainedBytes(async () => parseCompact(text));
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function usedAfterGc(): number {
  // twice: the first collection can leave what only finalizers released
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

export async function retainedBytes(make: () => unknown): Promise<number> {
  const before = usedAfterGc();
  let held: unknown = await make();
  const after = usedAfterGc();
  held = undefined;
  void held;
  return after - before;
}
