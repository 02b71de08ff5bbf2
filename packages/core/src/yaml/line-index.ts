/**
 * Line numbers of text offsets, found from the line starts collected once (a binary search
 * per question), for messages that name `line:col` and for scans that must stay linear in
 * the size of a file.
 */

/** 1-based line and column of an offset. */
export interface LinePosition {
  line: number;
  col: number;
}

/**
 * @example
 * const position = lineIndex('a\nbc\n');
 * position(3) // { line: 2, col: 2 }
 */
export function lineIndex(text: string): (offset: number) => LinePosition {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return (offset) => {
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (starts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, col: offset - starts[low]! + 1 };
  };
}
