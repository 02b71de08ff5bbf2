/**
 * "Did you mean …?" for misspelt keys and values: the candidate closest to what was
 * written, by edit distance where swapping two neighbouring letters counts as one edit
 * (`backendia` → `backendai`), compared without case.
 */

/**
 * The closest candidate, or `undefined` when none is close enough: at most one edit per
 * three characters (at least one), or one being a prefix of the other (`pull` → `pull-request`).
 *
 * @example
 * closestMatch('backendia', ['backendai', 'image-refs']) // 'backendai'
 * closestMatch('xyz', ['backendai', 'image-refs'])       // undefined
 */
export function closestMatch(input: string, candidates: readonly string[]): string | undefined {
  const wanted = input.toLowerCase();
  const nearest = closestOf(wanted, candidates);
  if (nearest.candidate !== undefined && nearest.distance <= Math.max(1, Math.floor(wanted.length / 3))) return nearest.candidate;
  if (wanted.length < 3) return undefined;
  // Far by edits but a prefix either way: `repo` → `repository`, `pull` → `pull-request`.
  const prefixed = candidates.filter((candidate) => {
    const lower = candidate.toLowerCase();
    return lower.startsWith(wanted) || wanted.startsWith(lower);
  });
  return closestOf(wanted, prefixed).candidate;
}

function closestOf(wanted: string, candidates: readonly string[]): { candidate: string | undefined; distance: number } {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(wanted, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return { candidate: best, distance: bestDistance };
}

/** Optimal string alignment distance: insertions, deletions, substitutions, adjacent swaps. */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    const row: number[] = [i];
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        row.push(j);
        continue;
      }
      const above = rows[i - 1]!;
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(above[j]! + 1, row[j - 1]! + 1, above[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, rows[i - 2]![j - 2]! + 1);
      }
      row.push(value);
    }
    rows.push(row);
  }
  return rows[a.length]![b.length]!;
}
