/**
 * Everything the data model addresses, the editor addresses: for every scalar of every
 * valid case of the YAML test suite, `setIn` at the path the data gives it either writes
 * the value (the text re-parses to the old data with only that value changed) or refuses
 * with a reason that names what the editor does not support. It never takes a mapping
 * for a scalar, and never breaks the file.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { YamlEditError, parseYaml } from '../../src/index.js';
import { yamlTestSuiteDir } from '@imgsync/test-helpers/fixtures.js';

type Path = (string | number)[];

/** Paths of the scalars of plain data, as `getIn` takes them (sets, maps and binaries excluded). */
function scalarPaths(data: unknown, at: Path = [], out: Path[] = []): Path[] {
  if (data instanceof Set || data instanceof Map || data instanceof Uint8Array) return out;
  if (Array.isArray(data)) data.forEach((v, i) => scalarPaths(v, [...at, i], out));
  else if (data && typeof data === 'object') for (const [k, v] of Object.entries(data)) scalarPaths(v, [...at, k], out);
  else if (at.length) out.push(at);
  return out;
}

/** !!binary values are Buffers, which structuredClone turns into Uint8Arrays: compare their bytes. */
function bytesAsArrays(data: unknown): unknown {
  if (data instanceof Uint8Array) return [...data];
  if (Array.isArray(data)) return data.map(bytesAsArrays);
  if (data instanceof Set || data instanceof Map) return data;
  if (data && typeof data === 'object') return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, bytesAsArrays(v)]));
  return data;
}

function withValue(data: unknown, path: Path, value: unknown): unknown {
  const copy = structuredClone(data) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path[path.length - 1]!] = value;
  return copy;
}

/** What the editor may say it does not support; anything else is a failure to reach. */
const UNSUPPORTED = /anchored as|through the alias|through the merge key|it is tagged|keys that are collections|!!set, !!omap or !!pairs/;

const suite = readdirSync(yamlTestSuiteDir)
  .filter((n) => n.endsWith('.yaml'))
  .sort();

describe('setIn at every scalar path of the data model', () => {
  it.each(suite)('yaml-test-suite %s: writes it or says what it does not support', (name) => {
    const text = readFileSync(join(yamlTestSuiteDir, name), 'utf8');
    const data = parseYaml(text, { path: name }).getIn([]);
    const tally = { written: 0, refused: 0 };
    for (const path of scalarPaths(data)) {
      const file = parseYaml(text, { path: name });
      try {
        file.setIn(path, 'zz9');
      } catch (error) {
        expect(error).toBeInstanceOf(YamlEditError);
        expect((error as Error).message).toMatch(UNSUPPORTED);
        expect(file.toString()).toBe(text);
        tally.refused++;
        continue;
      }
      const after = parseYaml(file.toString(), { path: name }).getIn([]);
      expect(bytesAsArrays(after)).toEqual(bytesAsArrays(withValue(data, path, 'zz9')));
      tally.written++;
    }
    expect(tally.written + tally.refused).toBe(scalarPaths(data).length);
  });
});

describe('single-pair flow mappings (a pair as an entry of a flow sequence)', () => {
  // The yaml-test-suite cases of issue 14, with the path into the pair and the text after.
  it.each([
    ['CN3R', [0, 'a'], '&flowseq [\n a: zz9,\n &c c: d,'],
    ['CN3R', [1, 'c'], ' &c c: zz9,\n'],
    ['8UDB', [4, 'single'], 'single: zz9,\n'],
    ['9MMW', [0, 0, 'YAML'], '- [ YAML : zz9 ]\n'],
    ['9MMW', [1, 0, 'JSON like'], '- [ "JSON like":zz9 ]\n'],
    ['QF4Y', [0, 'foo'], '[\nfoo: zz9\n]\n'],
    ['CT4Q', [0, 'foo bar'], '[\n? foo\n bar : zz9\n]\n'],
    ['87E4', ['implicit block key', 0, 'implicit flow key'], "  'implicit flow key' : zz9,\n"],
    ['L9U5', ['implicit block key', 0, 'implicit flow key'], '  implicit flow key : zz9,\n'],
    ['LQZ7', ['implicit block key', 0, 'implicit flow key'], '  "implicit flow key" : zz9,\n'],
  ] as const)('%s: setIn %j writes the value in place', (name, path, expected) => {
    const text = readFileSync(join(yamlTestSuiteDir, `${name}.yaml`), 'utf8');
    const file = parseYaml(text, { path: `${name}.yaml` });
    expect(file.setIn([...path], 'zz9')).toBe(true);
    expect(file.toString()).toContain(expected);
    expect(parseYaml(file.toString()).getIn([...path])).toBe('zz9');
  });

  it('fills a pair without a value: `[ ? foo ]` and `{ a }`', () => {
    const seq = parseYaml('[ ? foo ]\n');
    seq.setIn([0, 'foo'], 'bar');
    expect(seq.toString()).toBe('[ ? foo : bar ]\n');
    const map = parseYaml('{ a, b: c }\n');
    map.setIn(['a'], 'x');
    expect(map.toString()).toBe('{ a: x, b: c }\n');
  });

  it('removes the whole entry, but refuses to add or remove the pair itself, saying why', () => {
    const text = '- [ YAML : separate ]\n';
    const file = parseYaml(text, { path: 'f.yml' });
    expect(() => file.addIn([0, 0], ['more', 'x'])).toThrow(/one-pair mapping written as an entry of a flow sequence/);
    expect(() => file.setIn([0, 0, 'other'], 'x')).toThrow(/one-pair mapping .*not add or remove its pair/);
    expect(() => file.deleteIn([0, 0, 'YAML'])).toThrow(/one-pair mapping/);
    expect(file.toString()).toBe(text);
    file.deleteIn([0, 0]);
    expect(file.toString()).toBe('- []\n');
  });
});

describe('keys without a value and tagged values', () => {
  it('gives a block explicit key a `: value` line under its `?`', () => {
    const file = parseYaml('a: 1\n? b\n&anchor c: 3\n');
    file.setIn(['b'], 'two');
    expect(file.toString()).toBe('a: 1\n? b\n: two\n&anchor c: 3\n');
  });

  it('writes after a tag with nothing after it, keeping the tag', () => {
    const file = parseYaml('{\n  foo : !!str,\n  !!str : bar,\n}\n');
    file.setIn(['foo'], 'x');
    file.setIn([''], 'z');
    expect(file.toString()).toBe('{\n  foo : !!str x,\n  !!str : z,\n}\n');
  });

  it('refuses a value whose tag a new value would contradict', () => {
    const file = parseYaml('a: !!int 1\nb: !local x\n', { path: 'f.yml' });
    expect(() => file.setIn(['a'], 2)).toThrow('f.yml: cannot edit a: it is tagged !!int; the editor writes only untagged values and strings tagged !!str');
    expect(() => file.setIn(['b'], 'y')).toThrow(/it is tagged !local/);
  });

  it('refuses inside a !!set, whose data is not shaped like its text', () => {
    const file = parseYaml('--- !!set\n? a\n? b\n', { path: 'f.yml' });
    expect(() => file.setIn(['a'], 'x')).toThrow(/!!set, whose data is not shaped like its text/);
  });
});

describe('aliases', () => {
  it('follow the last anchor of their name before them, as YAML defines it', () => {
    const file = parseYaml('a: &x {k: 1}\nb: *x\nc: &x {k: 2}\nd: *x\n');
    file.setIn(['b', 'k'], 5, { shared: true });
    expect(file.toString()).toBe('a: &x {k: 5}\nb: *x\nc: &x {k: 2}\nd: *x\n');
    expect(file.getIn([])).toEqual({ a: { k: 5 }, b: { k: 5 }, c: { k: 2 }, d: { k: 2 } });
  });
});
