/**
 * Input built to exhaust the parser: nesting past any real file, aliases without anchors,
 * merge keys that expand without bound. Each is a YamlSyntaxError naming the file, line and
 * column, never a stack overflow, a crash of the process or an out-of-memory.
 * (How the time grows with anchors and size is measured in bench/, not here.)
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { YamlSyntaxError, parseYaml } from '../../src/index.js';
import { corpusFiles, yamlTestSuiteDir } from '@imgsync/test-helpers/fixtures.js';

function syntaxError(run: () => unknown): YamlSyntaxError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(YamlSyntaxError);
    return error as YamlSyntaxError;
  }
  throw new Error('no error');
}

describe('nesting', () => {
  it('100,000 nested [ is "nested too deeply" at the bracket past the limit', () => {
    const error = syntaxError(() => parseYaml('['.repeat(100_000), { path: 'deep.yml' }));
    expect(error.message).toBe('deep.yml:1:257: nested too deeply: more than 256 levels of collections');
  });

  it.each([
    ['closed flow sequences', '['.repeat(5000) + ']'.repeat(5000), 1, 257],
    ['flow mappings', '{a: '.repeat(5000) + '1' + '}'.repeat(5000), 1, 4 * 256 + 1],
    ['block sequences on one line', '- '.repeat(100_000) + 'x\n', 1, 2 * 256 + 1],
    ['indented block mappings', Array.from({ length: 300 }, (_, i) => `${' '.repeat(i)}k:`).join('\n') + ' v\n', 257, 257],
  ])('%s past the limit are refused at their line and column', (_what, text, line, col) => {
    const error = syntaxError(() => parseYaml(text, { path: 'deep.yml' }));
    expect(error.reason).toMatch(/^nested too deeply/);
    expect([error.line, error.col]).toEqual([line, col]);
  });

  it('refuses it with allowErrors too (nothing can be composed past the limit)', () => {
    expect(() => parseYaml('['.repeat(100_000), { allowErrors: true })).toThrow(/nested too deeply/);
  });

  it('accepts 256 levels, round-trips them and edits inside', () => {
    const text = `${'['.repeat(255)}[a]${']'.repeat(255)}\n`;
    const file = parseYaml(text);
    expect(file.toString()).toBe(text);
    file.setIn([...Array(255).fill(0), 0], 'b');
    expect(file.toString()).toBe(text.replace('[a]', '[b]'));
  });
});

describe('aliases and merge keys', () => {
  it('an alias with no anchor before it is a syntax error at the alias', () => {
    const error = syntaxError(() => parseYaml('- *x\n- &x 1\n', { path: 'f.yml' }));
    expect(error.message).toBe('f.yml:1:3: the alias *x has no anchor &x before it');
  });

  it('a merge of something that is not a mapping is a syntax error', () => {
    expect(() => parseYaml('a: &x 1\nb:\n  <<: *x\n', { path: 'f.yml' })).toThrow('f.yml:3:7: merge sources must be mappings or aliases of mappings');
  });

  it('merges that would expand without bound are refused, not run out of memory', () => {
    // each mapping merges the one before and adds a key: the data grows with the square
    let text = 'm0: &m0 {k0: 0}\n';
    for (let i = 1; i < 3000; i++) text += `m${i}: &m${i} {<<: *m${i - 1}, k${i}: ${i}}\n`;
    const file = parseYaml(text, { path: 'bomb.yml' });
    expect(() => file.getIn([])).toThrow(/^bomb\.yml:\d+:\d+: merge keys \(<<\) expand this file's data past \d+ merged entries/);
  });

  it('a billion laughs of aliases is shared, not copied', () => {
    let text = 'l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n';
    for (let i = 1; i < 9; i++)
      text += `l${i}: &l${i} [${Array(10)
        .fill(`*l${i - 1}`)
        .join(', ')}]\n`;
    const data = parseYaml(text).getIn([]) as Record<string, unknown[]>;
    expect(data.l8![0]).toBe(data.l7);
  });
});

describe('the data of a document', () => {
  // the same as the `yaml` package's toJS, which is quadratic in aliases (see plain-data.ts)
  const suite = readdirSync(yamlTestSuiteDir)
    .filter((n) => n.endsWith('.yaml'))
    .map((name) => ({ name, text: readFileSync(join(yamlTestSuiteDir, name), 'utf8') }));
  const corpus = corpusFiles((n) => !n.includes('__templates__'));
  it.each([...suite, ...corpus].map((f) => [f.name, f.text] as const))('of %s is what yaml’s toJS gives', (name, text) => {
    let file;
    try {
      file = parseYaml(text, { path: name });
    } catch {
      return; // a case our stricter parse refuses (duplicate keys): covered by round-trip.test.ts
    }
    const expected = parseAllDocuments(text, { merge: true, uniqueKeys: false });
    if (!Array.isArray(expected)) throw new Error('an empty stream');
    const quiet = process.emitWarning;
    process.emitWarning = () => {}; // toJS warns about collection keys
    try {
      expect(file.documents.map((d) => d.getIn([]))).toEqual(expected.map((d) => d.toJS({ maxAliasCount: -1 })));
    } finally {
      process.emitWarning = quiet;
    }
  });
});
