import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CST, LineCounter, Parser } from 'yaml';
import { parseCompact } from '../../src/yaml/compact-cst.js';
import { corpusFiles, yamlTestSuiteDir } from '@imgsync/test-helpers/fixtures.js';
import { retainedBytes } from '@imgsync/test-helpers/retained.js';

/** The tokens and line starts of the `yaml` package's own parse, and of the compacting one. */
function bothParses(text: string) {
  const plainLines = new LineCounter();
  const plain = [...new Parser(plainLines.addNewLine).parse(text)];
  const compactLines = new LineCounter();
  const compact = parseCompact(text, compactLines.addNewLine);
  return { plain, compact, plainLines: plainLines.lineStarts, compactLines: compactLines.lineStarts };
}

function backendAiList(images: number, tags: number, newline = '\n'): string {
  const lines = ['images:'];
  for (let i = 0; i < images; i++) {
    lines.push(`  - name: kernel-${i}  # entry ${i}`, '    tags:');
    for (let t = 0; t < tags; t++) lines.push(`      - ["1.${t}.0", "${String(i * tags + t).padStart(12, '0')}"]`);
    lines.push('    slots: &default', '      cpu: 1', '', '    # a comment between entries');
  }
  return `${lines.join(newline)}${newline}`;
}

describe('parseCompact: the CST the parser gives, compacted while it is built', () => {
  const cases: Array<[string, string]> = [
    ['a Backend.AI list (two flow-sequence items per line)', backendAiList(40, 20)],
    ['the same with CRLF line ends', backendAiList(10, 5, '\r\n')],
    ['multi-line flow collections and a flow key', 'a: [1,\n  2, {b: c,\n  d: e}]\n[x, y]: z\n? [p]\n: q\n'],
    [
      'indented comments after values, block scalars, several documents',
      'a:\n  - 1\n  # indented comment\n  - |\n    text\n\n    more\nb: c\n---\n- x\n...\n%YAML 1.2\n---\nd\n',
    ],
    ['YAML that is not valid (errors are tokens too)', 'a: [1, 2\nb: : :\n  - c\n'],
  ];
  it.each(cases)('%s: tokens and line starts equal to Parser.parse', (_name, text) => {
    const { plain, compact, plainLines, compactLines } = bothParses(text);
    expect(compact).toEqual(plain);
    expect(compactLines).toEqual(plainLines);
    expect(compact.map((token) => CST.stringify(token)).join('')).toBe(text);
  });

  it('gives the same tokens for every corpus file and yaml-test-suite case', () => {
    const texts = [
      ...corpusFiles().map((f) => f.text),
      ...readdirSync(yamlTestSuiteDir)
        .filter((n) => n.endsWith('.yaml'))
        .map((n) => readFileSync(join(yamlTestSuiteDir, n), 'utf8')),
    ];
    expect(texts.length).toBeGreaterThan(370);
    for (const text of texts) {
      const { plain, compact, plainLines, compactLines } = bothParses(text);
      expect(compact).toEqual(plain);
      expect(compactLines).toEqual(plainLines);
    }
  });

  it('keeps about half the memory of the CST the parser builds alone (no spare list capacity, no hash-table items)', async () => {
    const text = backendAiList(200, 20);
    const plain = await retainedBytes(() => [...new Parser().parse(text)]);
    const compact = await retainedBytes(() => parseCompact(text));
    // measured: 2.5 KiB against 1.3 KiB per tag line
    expect(compact).toBeLessThan(plain * 0.7);
  });

  it('stops compacting past the nesting limit, still giving the parser tokens (the file is refused after the parse)', () => {
    const deep = `${Array.from({ length: 400 }, (_, i) => `${' '.repeat(i)}- `).join('\n')}x\n`;
    const { plain, compact } = bothParses(deep);
    expect(compact).toEqual(plain);
  });
});
