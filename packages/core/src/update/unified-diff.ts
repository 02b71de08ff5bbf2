/**
 * A unified diff of one file, as `git diff` prints it, in time near-linear in the file.
 *
 * The `diff` package's line diff is Myers' algorithm, O(N·D): with one changed line per
 * image of a 20 MB Backend.AI file (N and D both in the hundreds of thousands) it would
 * run for hours. The edits imgsync makes are small and scattered, and almost every line
 * they touch sits among lines that occur once in the file (image names, ids), so the
 * diff is anchored as patience diff does: the lines that occur exactly once in both
 * texts and keep their order (a longest increasing subsequence, O(k log k)) are taken as
 * unchanged, and only the short runs between them are diffed with Myers, bounded: a run
 * whose edit distance passes {@link MAX_RUN_EDITS} is shown as removed and re-added,
 * which is still a correct diff, just not a minimal one. Hunks are formatted by the
 * `diff` package (`formatPatch`), so the text is what `createTwoFilesPatch` prints.
 */
import { diffArrays, formatPatch, type StructuredPatch, type StructuredPatchHunk } from 'diff';

/** Edit distance beyond which a run between anchors is shown as replaced as a whole. */
const MAX_RUN_EDITS = 200;
const CONTEXT = 3;

interface LineChange {
  kind: 'equal' | 'removed' | 'added';
  lines: string[];
}

/**
 * @example
 * unifiedDiff('images.yml', 'a: 1\n', 'a: 2\n');
 * // ===...\n--- a/images.yml\n+++ b/images.yml\n@@ -1,1 +1,1 @@\n-a: 1\n+a: 2\n
 */
export function unifiedDiff(path: string, before: string, after: string): string {
  if (before === after) return '';
  const patch: StructuredPatch = {
    oldFileName: `a/${path}`,
    newFileName: `b/${path}`,
    oldHeader: '',
    newHeader: '',
    hunks: hunksOf(lineChanges(splitLines(before), splitLines(after))),
  };
  return formatPatch(patch);
}

/** Lines with their line ends, as the `diff` package splits them. */
function splitLines(text: string): string[] {
  const lines: string[] = [];
  let start = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) {
    lines.push(text.slice(start, i + 1));
    start = i + 1;
  }
  if (start < text.length) lines.push(text.slice(start));
  return lines;
}

/** The changes that turn `a` into `b`, equal runs included, in order. */
export function lineChanges(a: readonly string[], b: readonly string[]): LineChange[] {
  const out: LineChange[] = [];
  const emit = (kind: LineChange['kind'], lines: readonly string[]): void => {
    if (!lines.length) return;
    const last = out[out.length - 1];
    if (last?.kind === kind) for (const l of lines) last.lines.push(l);
    else out.push({ kind, lines: [...lines] });
  };

  /** Diffs a[aLo, aHi) against b[bLo, bHi) between two anchors. */
  const run = (aLo: number, aHi: number, bLo: number, bHi: number): void => {
    let head = 0;
    while (aLo + head < aHi && bLo + head < bHi && a[aLo + head] === b[bLo + head]) head++;
    emit('equal', a.slice(aLo, aLo + head));
    aLo += head;
    bLo += head;
    let tail = 0;
    while (aHi - tail > aLo && bHi - tail > bLo && a[aHi - tail - 1] === b[bHi - tail - 1]) tail++;
    const tailLines = a.slice(aHi - tail, aHi);
    aHi -= tail;
    bHi -= tail;
    if (aLo < aHi && bLo < bHi) {
      const parts = diffArrays(a.slice(aLo, aHi), b.slice(bLo, bHi), { maxEditLength: MAX_RUN_EDITS });
      if (parts) for (const p of parts) emit(p.added ? 'added' : p.removed ? 'removed' : 'equal', p.value);
      else {
        emit('removed', a.slice(aLo, aHi));
        emit('added', b.slice(bLo, bHi));
      }
    } else {
      emit('removed', a.slice(aLo, aHi));
      emit('added', b.slice(bLo, bHi));
    }
    emit('equal', tailLines);
  };

  let aAt = 0;
  let bAt = 0;
  for (const [ai, bi] of uniqueAnchors(a, b)) {
    run(aAt, ai, bAt, bi);
    emit('equal', [a[ai]!]);
    aAt = ai + 1;
    bAt = bi + 1;
  }
  run(aAt, a.length, bAt, b.length);
  return out;
}

/**
 * Pairs (index in a, index in b) of lines that occur exactly once in each, the longest
 * chain of them in the same order in both (patience sorting).
 */
function uniqueAnchors(a: readonly string[], b: readonly string[]): [number, number][] {
  const seen = new Map<string, { inA: number; aIndex: number; inB: number; bIndex: number }>();
  a.forEach((line, i) => {
    const s = seen.get(line);
    if (s) s.inA++;
    else seen.set(line, { inA: 1, aIndex: i, inB: 0, bIndex: -1 });
  });
  b.forEach((line, i) => {
    const s = seen.get(line);
    if (!s) return;
    s.inB++;
    s.bIndex = i;
  });
  const pairs: [number, number][] = [];
  for (const s of seen.values()) if (s.inA === 1 && s.inB === 1) pairs.push([s.aIndex, s.bIndex]);
  pairs.sort((x, y) => x[0] - y[0]);
  // longest increasing subsequence of the b indexes
  const tails: number[] = []; // tails[k]: index into pairs of the smallest tail of a chain of length k+1
  const prev = new Array<number>(pairs.length).fill(-1);
  pairs.forEach(([, bi], i) => {
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (pairs[tails[mid]!]![1] < bi) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) prev[i] = tails[lo - 1]!;
    tails[lo] = i;
  });
  const chain: [number, number][] = [];
  for (let i = tails.length ? tails[tails.length - 1]! : -1; i >= 0; i = prev[i]!) chain.push(pairs[i]!);
  return chain.reverse();
}

/**
 * Hunks with {@link CONTEXT} lines of context, as the `diff` package's `structuredPatch`
 * builds them from its own changes (same merging of close changes, same "\ No newline at
 * end of file" lines).
 */
function hunksOf(changes: LineChange[]): StructuredPatchHunk[] {
  const hunks: StructuredPatchHunk[] = [];
  let oldStart = 0;
  let newStart = 0;
  let current: string[] = [];
  let oldLine = 1;
  let newLine = 1;
  const context = (lines: readonly string[]) => lines.map((l) => ` ${l}`);
  changes.forEach((change, i) => {
    const { lines } = change;
    if (change.kind !== 'equal') {
      if (!oldStart) {
        const before = changes[i - 1];
        oldStart = oldLine;
        newStart = newLine;
        if (before) {
          current = context(before.lines.slice(-CONTEXT));
          oldStart -= current.length;
          newStart -= current.length;
        }
      }
      for (const line of lines) current.push((change.kind === 'added' ? '+' : '-') + line);
      if (change.kind === 'added') newLine += lines.length;
      else oldLine += lines.length;
      return;
    }
    if (oldStart) {
      if (lines.length <= CONTEXT * 2 && i < changes.length - 1) {
        for (const line of context(lines)) current.push(line);
      } else {
        const size = Math.min(lines.length, CONTEXT);
        for (const line of context(lines.slice(0, size))) current.push(line);
        hunks.push({ oldStart, oldLines: oldLine - oldStart + size, newStart, newLines: newLine - newStart + size, lines: current });
        oldStart = 0;
        newStart = 0;
        current = [];
      }
    }
    oldLine += lines.length;
    newLine += lines.length;
  });
  if (oldStart) hunks.push({ oldStart, oldLines: oldLine - oldStart, newStart, newLines: newLine - newStart, lines: current });
  for (const hunk of hunks) {
    const lines: string[] = [];
    for (const line of hunk.lines) {
      if (line.endsWith('\n')) lines.push(line.slice(0, -1));
      else lines.push(line, '\\ No newline at end of file');
    }
    hunk.lines = lines;
  }
  return hunks;
}
