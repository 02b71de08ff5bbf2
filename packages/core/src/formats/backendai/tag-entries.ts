/**
 * Reading a Backend.AI `tags:` list. Each live entry is a pair `[tag, value]` where the
 * value is one of:
 *
 * | value                 | kind          | meaning                                  |
 * | --------------------- | ------------- | ---------------------------------------- |
 * | `":3.6-ubuntu"`       | `alias`       | this tag is another name for `3.6-ubuntu` |
 * | `"x"`, `""`, nothing  | `placeholder` | declared, not built yet                  |
 * | `"ca7b9f52b6c2"`, `sha256:…` | `id`   | the image id (or manifest digest)        |
 * | anything else         | `unknown`     | left alone and reported                  |
 */
import { isValidDigest, isImageId12 } from '../../image-ref/grammar.js';

export type TagEntryKind = 'alias' | 'placeholder' | 'id' | 'unknown';

/** One live entry of a tags list. `index` is its position in the list (mutable: the list is edited). */
export interface TagEntry {
  index: number;
  tag: string;
  value: string;
  kind: TagEntryKind;
  /** For aliases: the tag pointed to, without the colon. */
  target?: string;
}

/** Classifies a value written in the second position of a tag pair. */
export function entryKind(value: string): TagEntryKind {
  if (value.startsWith(':')) return 'alias';
  if (value === '' || value === 'x') return 'placeholder';
  if (isImageId12(value) || isValidDigest(value)) return 'id';
  return 'unknown';
}

/**
 * The entries of a plain `tags` value (as `getIn` returns it). Items that are not pairs
 * with a string tag are skipped and returned in `skipped` by index, so they can be
 * reported: an unquoted `- [3.10, x]` reads as the number 3.1, and guessing the tag from it
 * would be wrong.
 */
export function readTagEntries(tags: readonly unknown[]): { entries: TagEntry[]; skipped: number[] } {
  const entries: TagEntry[] = [];
  const skipped: number[] = [];
  tags.forEach((data, index) => {
    const item = data as unknown[];
    if (!Array.isArray(data) || typeof item[0] !== 'string') {
      skipped.push(index);
      return;
    }
    const raw = item[1];
    if (raw !== undefined && raw !== null && typeof raw !== 'string') {
      skipped.push(index);
      return;
    }
    const value = raw ?? '';
    const kind = entryKind(value);
    entries.push(kind === 'alias' ? { index, tag: item[0], value, kind, target: value.slice(1) } : { index, tag: item[0], value, kind });
  });
  return { entries, skipped };
}
