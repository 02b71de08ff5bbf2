import { applyPatch, createTwoFilesPatch } from 'diff';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { unifiedDiff } from '../../src/update/unified-diff.js';
import { backendAiFile, corpusFile } from '@imgsync/test-helpers/fixtures.js';

describe('unifiedDiff', () => {
  it('prints what createTwoFilesPatch prints for an edit of the Backend.AI file', () => {
    const before = corpusFile(backendAiFile);
    const after = before
      .replace('"ca7b9f52b6c2"', '"deadbeef0001"')
      .replace(/(\n {2}- name: python\n)/, '$1    # a comment line\n')
      .replace(/\n$/, '');
    expect(unifiedDiff('images.yml', before, after)).toBe(createTwoFilesPatch('a/images.yml', 'b/images.yml', before, after, '', '', { context: 3 }));
  });

  it('is empty for equal texts', () => {
    expect(unifiedDiff('f.yml', 'a\n', 'a\n')).toBe('');
  });

  it('is a patch that turns the old text into the new one, for any line edits', () => {
    const line = fc.constantFrom('a', 'b', 'c', '- x', '', '  k: v', 'unique-1', 'unique-2', 'z\r');
    const text = fc.array(line, { maxLength: 40 }).chain((lines) => fc.boolean().map((nl) => lines.join('\n') + (nl && lines.length ? '\n' : '')));
    fc.assert(
      fc.property(text, text, (before, after) => {
        const patch = unifiedDiff('f.yml', before, after);
        expect(before === after ? after : applyPatch(before, patch)).toBe(after);
      }),
      { seed: 14, numRuns: 500 },
    );
  });

  it('stays correct where the runs between unchanged lines are too different to diff line by line', () => {
    const before = Array.from({ length: 3000 }, (_, i) => `same\nold ${i % 7}\n`).join('');
    const after = Array.from({ length: 3000 }, (_, i) => `same\nnew ${i % 5}\n`).join('');
    expect(applyPatch(before, unifiedDiff('f.yml', before, after))).toBe(after);
  });
});
