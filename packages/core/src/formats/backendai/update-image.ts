/**
 * Bringing one Backend.AI image entry's `tags:` list in step with its repository.
 *
 * Order of work, so that list positions stay known: values are rewritten in place first
 * (ids, placeholders, the `latest` alias), then vanished entries are removed (when
 * `prune: remove`), then new tags are inserted. A small model of the list (`entries`) is
 * kept in step with every edit; the paths in the returned changes are read from it at
 * the end, so they point into the edited file.
 */
import { compareTagVersions } from '../../policy/version-order.js';
import { digestForm } from '../../policy/digest-form.js';
import type { YamlFile } from '../../yaml/index.js';
import { guardedEdit } from '../guarded-edit.js';
import type { Change, RepositoryState, TagState, TargetOptions } from '../types.js';
import type { CommentedEntry } from './commented-entries.js';
import type { TagEntry } from './tag-entries.js';

export interface ImageContext {
  file: YamlFile;
  imageIndex: number;
  /** The repository as the user knows it, for changes. */
  image: string;
  entries: TagEntry[];
  /**
   * Items in the tags list when the work starts (pairs and skipped items alike). Kept in
   * step with every edit here, so the file is never re-read between edits: re-reading
   * composes the whole document again, which made a run quadratic in the number of images.
   */
  length: number;
  commented: readonly CommentedEntry[];
  state: RepositoryState;
  target: TargetOptions;
}

interface Pending {
  change: Change;
  entry?: TagEntry;
  /** Index into the value (1) or the whole entry (undefined). */
  valueSlot?: 1;
}

export function updateImage(ctx: ImageContext): Change[] {
  const { file, imageIndex, image, entries, state, target } = ctx;
  const policy = target.tagPolicy;
  const listPath = ['images', imageIndex, 'tags'];
  const pending: Pending[] = [];
  const fixed: Change[] = [];
  const base = { file: file.path, image };
  const report = (tag: string | undefined, message: string, entry?: TagEntry) => {
    const change: Change = { ...base, path: [...listPath], kind: 'reported', message };
    if (tag !== undefined) change.tag = tag;
    pending.push(entry ? { change, entry } : { change });
  };
  const valueFor = (tag: TagState): { value: string } | { error: string } => {
    const result = digestForm(tag, target.digest, target.platform);
    return result.ok ? { value: result.value } : { error: `${image}:${tag.tag}: ${result.message}; left alone` };
  };

  const registry = state.tags;
  const tracked = policy.filter([...registry.values()]);

  const removals: TagEntry[] = [];
  let length = ctx.length;

  // 1. ids and placeholders of tracked tags
  for (const entry of entries) {
    if (entry.kind === 'unknown') {
      report(
        entry.tag,
        `${image}:${entry.tag}: value ${JSON.stringify(entry.value)} is neither an image id, a placeholder ("x", "") nor an alias (":tag"); left alone`,
        entry,
      );
      continue;
    }
    if (entry.kind === 'alias' || !policy.accepts(entry.tag)) continue;
    const tag = registry.get(entry.tag);
    if (!tag) {
      if (entry.kind === 'id') prune(entry);
      continue;
    }
    const wanted = valueFor(tag);
    if ('error' in wanted) {
      report(entry.tag, wanted.error, entry);
      continue;
    }
    if (wanted.value === entry.value) continue;
    const outcome = guardedEdit(() => file.setIn([...listPath, entry.index, 1], wanted.value));
    if (!outcome.ok) {
      report(entry.tag, outcome.message, entry);
      continue;
    }
    const kind = entry.kind === 'placeholder' ? 'filled' : 'updated';
    pending.push({ change: { ...base, path: [], tag: entry.tag, kind, old: entry.value, new: wanted.value }, entry, valueSlot: 1 });
    entry.value = wanted.value;
    entry.kind = 'id';
  }

  // 2. prune
  function prune(entry: TagEntry): void {
    const message = `${image}:${entry.tag} is no longer in the registry`;
    if (target.prune === 'remove' || target.prune === 'comment') removals.push(entry);
    else report(entry.tag, message, entry);
  }
  for (const entry of [...removals].sort((a, b) => b.index - a.index)) {
    const path = [...listPath, entry.index];
    const outcome = guardedEdit(() => (target.prune === 'comment' ? file.commentOutIn(path, { marker: commentMarker(file) }) : file.deleteIn(path)));
    if (!outcome.ok) {
      report(entry.tag, outcome.message, entry);
      continue;
    }
    fixed.push({ ...base, path, tag: entry.tag, kind: target.prune === 'comment' ? 'commented' : 'removed', old: entry.value });
    length--;
    entries.splice(entries.indexOf(entry), 1);
    for (const other of entries) if (other.index > entry.index) other.index--;
  }

  // 3. new tags, in natural version order
  const listed = new Set(entries.map((entry) => entry.tag));
  const missing = tracked.filter((tag) => !listed.has(tag.tag)).sort((a, b) => compareTagVersions(a.tag, b.tag));
  const ordered = isAscending(entries.filter((entry) => entry.kind !== 'alias').map((entry) => entry.tag));
  for (const tag of missing) {
    const wanted = valueFor(tag);
    if ('error' in wanted) {
      report(tag.tag, wanted.error);
      continue;
    }
    const at = insertionIndex(entries, tag.tag, ordered, length);
    const outcome = guardedEdit(() => file.addIn(listPath, [tag.tag, wanted.value], at === undefined ? {} : { index: at }));
    if (!outcome.ok) {
      report(tag.tag, outcome.message);
      continue;
    }
    length++;
    const index = at ?? length - 1;
    for (const other of entries) if (other.index >= index) other.index++;
    const entry: TagEntry = { index, tag: tag.tag, value: wanted.value, kind: 'id' };
    entries.push(entry);
    const change: Change = { ...base, path: [], tag: tag.tag, kind: 'added', new: wanted.value };
    const commented = ctx.commented.find((c) => c.tag === tag.tag);
    if (commented) change.message = `the registry has ${tag.tag}; the commented-out entry for it is left as it is`;
    pending.push({ change, entry });
  }

  // 4. the latest alias, then aliases whose target is gone
  const aliasName = target.latest?.alias ?? 'latest';
  const live = new Set(entries.filter((entry) => entry.kind === 'id').map((entry) => entry.tag));
  const latest = policy.latestTarget(
    tracked.filter((tag) => live.has(tag.tag)),
    aliasName,
  );
  if (latest) {
    for (const entry of entries) {
      if (entry.kind !== 'alias' || entry.tag !== aliasName || entry.target === latest.tag) continue;
      const value = `:${latest.tag}`;
      const outcome = guardedEdit(() => file.setIn([...listPath, entry.index, 1], value));
      if (!outcome.ok) {
        report(entry.tag, outcome.message, entry);
        continue;
      }
      pending.push({ change: { ...base, path: [], tag: entry.tag, kind: 'repointed', old: entry.value, new: value }, entry, valueSlot: 1 });
      entry.value = value;
      entry.target = latest.tag;
    }
  }
  for (const entry of entries) {
    if (entry.kind !== 'alias') continue;
    const problem = aliasProblem(entries, entry);
    if (!problem) continue;
    // an alias left dangling by this run's own removal is said on the removal's line
    const removal = fixed.find((change) => change.tag === entry.target);
    if (removal) removal.message = `alias ${entry.tag} -> ${entry.value} now ${problem}; set tags.latest to re-point it`;
    else report(entry.tag, `${image}: alias ${entry.tag} -> ${entry.value} ${problem}`, entry);
  }

  for (const { change, entry, valueSlot } of pending) {
    if (entry && entries.includes(entry)) change.path = valueSlot ? [...listPath, entry.index, valueSlot] : [...listPath, entry.index];
    else if (change.path.length === 0) change.path = [...listPath];
  }
  return [...fixed, ...pending.map((p) => p.change)];
}

/**
 * How this file writes a commented-out entry: `#- [...]` (Backend.AI's own style) or
 * `# - [...]`, whichever its commented-out flow pairs use most; `# ` when it has none.
 * Found once per file (entries imgsync comments out only add to the winner), not once per
 * pruned entry, which rescanned the whole text each time.
 */
const commentMarkers = new WeakMap<YamlFile, string>();
function commentMarker(file: YamlFile): string {
  let marker = commentMarkers.get(file);
  if (marker === undefined) commentMarkers.set(file, (marker = commentMarkerOf(file.toString())));
  return marker;
}

function commentMarkerOf(text: string): string {
  const counts = new Map<string, number>();
  for (const match of text.matchAll(/^[ \t]*(#[ \t]*)-[ \t]*\[/gm)) counts.set(match[1]!, (counts.get(match[1]!) ?? 0) + 1);
  let best = '# ';
  let most = 0;
  for (const [marker, count] of counts) if (count > most) [best, most] = [marker, count];
  return best;
}

/** Why an alias does not lead to a live entry, or `undefined` when it does. */
function aliasProblem(entries: readonly TagEntry[], alias: TagEntry): string | undefined {
  const seen = new Set<string>([alias.tag]);
  let current = alias;
  for (;;) {
    const target = current.target!;
    if (seen.has(target)) return 'goes round in a circle';
    seen.add(target);
    const next = entries.find((entry) => entry.tag === target);
    if (!next) return `points to a tag that has no entry`;
    if (next.kind !== 'alias') return undefined;
    current = next;
  }
}

/** Whether the tags are in ascending natural version order (fewer than two count as unordered). */
function isAscending(tags: readonly string[]): boolean {
  if (tags.length < 2) return false;
  return tags.every((tag, i) => i === 0 || compareTagVersions(tags[i - 1]!, tag) < 0);
}

/**
 * Where a new tag goes: in an ordered list, before the first real entry that sorts after
 * it; otherwise right after the last real entry (aliases that follow it stay last). Undefined
 * means "append at the end".
 */
function insertionIndex(entries: readonly TagEntry[], tag: string, ordered: boolean, length: number): number | undefined {
  const real = entries.filter((entry) => entry.kind !== 'alias').sort((a, b) => a.index - b.index);
  if (ordered) {
    const after = real.find((entry) => compareTagVersions(tag, entry.tag) < 0);
    if (after) return after.index;
  }
  const last = real[real.length - 1];
  if (!last) return undefined;
  return last.index === length - 1 ? undefined : last.index + 1;
}
