/**
 * Commented-out tag entries (`#- ["mro-latest", ""]  # Microsoft R Open`, or a note such
 * as `# TODO: update kernel runner for ["2.7-debian", ""]`). imgsync never edits them and
 * never revives one as a live entry on its own: a live entry is added only when the
 * registry really has the tag, and the change then says that a commented-out one exists.
 *
 * The comments are read, not edited: the text between the `tags:` list and the next key
 * of the image entry is scanned line by line for a flow pair whose first element is a
 * string.
 */
import { isMap, isPair, isScalar, isSeq, type Document } from 'yaml';
import { parseYaml } from '../../yaml/index.js';
import { lineIndex } from '../../yaml/line-index.js';

/** A tag named by a commented-out entry, with its 1-based line. */
export interface CommentedEntry {
  tag: string;
  line: number;
}

const PAIR_IN_COMMENT = /#.*?(\[[^\]]*\])/;

/**
 * The commented-out entries inside the `tags:` list of image `imageIndex`.
 *
 * @example
 * commentedEntries(doc, text, 13) // [{ tag: 'mro-latest', line: 143 }, { tag: 'mro-3.3', line: 144 }]
 */
export function commentedEntries(doc: Document.Parsed, text: string, imageIndex: number, lineOf = lineIndex(text)): CommentedEntry[] {
  const image = doc.getIn(['images', imageIndex], true);
  if (!isMap(image)) return [];
  const at = image.items.findIndex((pair) => isPair(pair) && isScalar(pair.key) && pair.key.value === 'tags');
  const pair = image.items[at];
  if (!pair || !isSeq(pair.value) || !pair.value.range) return [];
  const start = pair.value.range[0];
  const nextKey = image.items[at + 1]?.key;
  const end = isScalar(nextKey) && nextKey.range ? nextKey.range[0] : (image.range?.[2] ?? text.length);
  const found: CommentedEntry[] = [];
  let line = lineOf(start).line;
  for (const lineText of text.slice(start, end).split('\n')) {
    const match = lineText.trimStart().startsWith('#') ? PAIR_IN_COMMENT.exec(lineText) : null;
    if (match) {
      const tag = firstString(match[1]!);
      if (tag !== undefined) found.push({ tag, line });
    }
    line++;
  }
  return found;
}

function firstString(flow: string): string | undefined {
  try {
    const value = parseYaml(flow).getIn([]);
    return Array.isArray(value) && typeof value[0] === 'string' ? value[0] : undefined;
  } catch {
    return undefined;
  }
}
