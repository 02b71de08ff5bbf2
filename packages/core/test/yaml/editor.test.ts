import { describe, expect, it } from 'vitest';
import { YamlEditError, YamlSyntaxError, parseYaml } from '../../src/index.js';
import { backendAiFile, corpusFile } from '@imgsync/test-helpers/fixtures.js';

/** Lines of `after` that are not in `before`, and lines of `before` gone from `after`. */
function lineDiff(before: string, after: string): { added: string[]; removed: string[] } {
  const a = before.split('\n');
  const b = after.split('\n');
  const count = (xs: string[]) => xs.reduce((m, x) => m.set(x, (m.get(x) ?? 0) + 1), new Map<string, number>());
  const ca = count(a);
  const cb = count(b);
  return {
    added: [...cb].flatMap(([l, n]) => Array(Math.max(0, n - (ca.get(l) ?? 0))).fill(l)),
    removed: [...ca].flatMap(([l, n]) => Array(Math.max(0, n - (cb.get(l) ?? 0))).fill(l)),
  };
}

describe('getIn', () => {
  const file = parseYaml(corpusFile(backendAiFile), { path: 'image-metadata.yml' });
  it('reads plain values by path', () => {
    expect(file.getIn(['images', 0, 'tags', 1, 1])).toBe('ca7b9f52b6c2');
    expect(file.getIn(['images', 0, 'name'])).toBe('python');
  });
  it('resolves merge keys and aliases', () => {
    expect(file.getIn(['images', 1, 'slots', 'cpu'])).toBe(1);
    expect(file.getIn(['images', 1, 'slots'])).toEqual(file.getIn(['images', 0, 'slots']));
  });
  it('returns undefined for a missing path', () => {
    expect(file.getIn(['images', 999, 'name'])).toBeUndefined();
    expect(file.getIn(['nope'])).toBeUndefined();
  });
});

describe('setIn', () => {
  it('replaces a quoted scalar and keeps its quotes, touching one line', () => {
    const text = corpusFile(backendAiFile);
    const file = parseYaml(text);
    expect(file.setIn(['images', 0, 'tags', 1, 1], 'deadbeef0001')).toBe(true);
    const out = file.toString();
    expect(lineDiff(text, out)).toEqual({
      added: ['      - ["3.6-ubuntu18.04", "deadbeef0001"]'],
      removed: ['      - ["3.6-ubuntu18.04", "ca7b9f52b6c2"]'],
    });
  });

  it('keeps trailing comments and alignment after the value', () => {
    const file = parseYaml('slots:\n  cpu: 1    # cores\n  mem: 1.0  # GiB\n');
    file.setIn(['slots', 'cpu'], 2);
    expect(file.toString()).toBe('slots:\n  cpu: 2    # cores\n  mem: 1.0  # GiB\n');
  });

  it.each([
    ['1.10', '"1.10"'],
    ['yes', '"yes"'],
    ['x: y', '"x: y"'],
    ['#', '"#"'],
    ['*ref', '"*ref"'],
    ['two\nlines', '"two\\nlines"'],
    ['', '""'],
    ['3.7-ubuntu', '3.7-ubuntu'],
  ])('writes %j safely into a plain scalar as %s', (value, written) => {
    const file = parseYaml('tag: old # note\n');
    file.setIn(['tag'], value);
    expect(file.toString()).toBe(`tag: ${written} # note\n`);
    expect(parseYaml(file.toString()).getIn(['tag'])).toBe(value);
  });

  it('keeps single quotes, doubling quotes inside', () => {
    const file = parseYaml("image: 'nginx:1.25'\n");
    file.setIn(['image'], "it's");
    expect(file.toString()).toBe("image: 'it''s'\n");
  });

  it('quotes a flow value that would break the flow collection', () => {
    const file = parseYaml('tags: [a, b]\n');
    file.setIn(['tags', 1], 'c, d');
    expect(file.toString()).toBe('tags: [a, "c, d"]\n');
  });

  it('adds a missing key to a mapping in the style of its siblings', () => {
    const file = parseYaml('image:\n  repository: nginx\n  tag: "1.25"\n');
    file.setIn(['image', 'digest'], 'sha256:abc');
    expect(file.toString()).toBe('image:\n  repository: nginx\n  tag: "1.25"\n  digest: "sha256:abc"\n');
  });

  it('refuses a key reached only through a merge key, and says why', () => {
    const text = corpusFile(backendAiFile);
    const file = parseYaml(text, { path: 'image-metadata.yml' });
    expect(() => file.setIn(['images', 1, 'slots', 'cpu'], 4)).toThrow(YamlEditError);
    expect(() => file.setIn(['images', 1, 'slots', 'cpu'], 4)).toThrow(/merge key `<<: \*default`/);
    expect(file.toString()).toBe(text);
  });

  it('refuses to change an anchored node that aliases use, unless asked', () => {
    const text = 'base: &b\n  cpu: 1\nother:\n  <<: *b\n';
    const file = parseYaml(text);
    expect(() => file.setIn(['base', 'cpu'], 2)).toThrow(/anchored as &b/);
    expect(file.toString()).toBe(text);
    file.setIn(['base', 'cpu'], 2, { shared: true });
    expect(file.getIn(['other', 'cpu'])).toBe(2);
  });

  it('replaces an alias at the path with a scalar, changing only this entry', () => {
    const file = parseYaml('a: &x 1\nb: *x\n');
    file.setIn(['b'], 5);
    expect(file.toString()).toBe('a: &x 1\nb: 5\n');
  });

  it('returns false and changes nothing when the value is already there', () => {
    const text = 'tag: "1.25"\n';
    const file = parseYaml(text);
    expect(file.setIn(['tag'], '1.25')).toBe(false);
    expect(file.toString()).toBe(text);
  });
});

describe('addIn', () => {
  it('appends a Backend.AI tag pair under the same indentation and quote style', () => {
    const text = corpusFile(backendAiFile);
    const file = parseYaml(text);
    file.addIn(['images', 0, 'tags'], ['3.7-ubuntu', '0123456789ab']);
    const out = file.toString();
    expect(out).toContain('      - ["3.6-ubuntu18.04", "ca7b9f52b6c2"]\n      - ["3.7-ubuntu", "0123456789ab"]\n    slots: &default\n');
    expect(lineDiff(text, out)).toEqual({ added: ['      - ["3.7-ubuntu", "0123456789ab"]'], removed: [] });
    expect(parseYaml(out).getIn(['images', 0, 'tags', 2])).toEqual(['3.7-ubuntu', '0123456789ab']);
  });

  it('keeps column alignment of aligned flow pairs', () => {
    const text = corpusFile('lablup__backend.ai-manager__sample-configs__image-metadata@e408a68b.yml');
    const file = parseYaml(text);
    const tags = file.getIn(['images', 1, 'tags']) as string[][];
    expect(tags.at(-1)![0]).toBe('1.4-py36-dense-gpu');
    file.addIn(['images', 1, 'tags'], ['1.5-py36-dense', '0123456789ab']);
    expect(file.toString()).toContain('      - ["1.4-py36-dense-gpu", "c5f63f2e5320"]\n      - ["1.5-py36-dense",     "0123456789ab"]\n');
  });

  it('copies the spacing of unaligned siblings', () => {
    const file = parseYaml('tags:\n  - ["a", "x"]\n  - ["bb",  "y"]\n  - ["ccc", "z"]\n');
    file.addIn(['tags'], ['dddd', 'w']);
    expect(file.toString().split('\n').at(-2)).toBe('  - ["dddd", "w"]');
  });

  it('goes before commented-out entries that follow the last live one', () => {
    const text = 'tags:\n  - ["3.6", "a"]\n  # - ["2.7", ""]\nslots: 1\n';
    const file = parseYaml(text);
    file.addIn(['tags'], ['3.7', 'b']);
    expect(file.toString()).toBe('tags:\n  - ["3.6", "a"]\n  - ["3.7", "b"]\n  # - ["2.7", ""]\nslots: 1\n');
  });

  it('appends to a flow sequence and to a flow mapping', () => {
    const file = parseYaml('a: [x, "y"]\nb: {k: v}\n');
    file.addIn(['a'], 'z');
    file.addIn(['b'], ['name', 'yes']);
    expect(file.toString()).toBe('a: [x, "y", "z"]\nb: {k: v, name: "yes"}\n');
  });

  it('appends a pair to a block mapping, aligned like its siblings', () => {
    const file = parseYaml('slots:\n  cpu: 1    # cores\n  mem:    1.0\n  gpu:    0\n');
    file.addIn(['slots'], ['tpu', 0]);
    expect(file.toString()).toBe('slots:\n  cpu: 1    # cores\n  mem:    1.0\n  gpu:    0\n  tpu:    0\n');
  });

  it('writes a mapping entry into a block sequence of mappings', () => {
    const file = parseYaml('images:\n  - name: python\n    tags: []\n');
    file.addIn(['images'], { name: 'r', tags: ['3.3'] });
    expect(file.getIn(['images', 1])).toEqual({ name: 'r', tags: ['3.3'] });
    expect(file.toString()).toBe('images:\n  - name: python\n    tags: []\n  - name: r\n    tags:\n      - "3.3"\n');
  });

  it('inserts at an index', () => {
    const file = parseYaml('l:\n  - a\n  - c\n');
    file.addIn(['l'], 'b', { index: 1 });
    file.addIn(['l'], '0', { index: 0 });
    expect(file.toString()).toBe('l:\n  - "0"\n  - a\n  - b\n  - c\n');
  });
});

describe('deleteIn', () => {
  it('removes an entry with its own line and keeps the comments around it', () => {
    const text = 'tags:\n  # the default\n  - ["latest", ":3.6"]   # alias\n  # python 3.6\n  - ["3.6", "a"]\n  - ["3.5", "b"]\n';
    const file = parseYaml(text);
    file.deleteIn(['tags', 1]);
    expect(file.toString()).toBe('tags:\n  # the default\n  - ["latest", ":3.6"]   # alias\n  # python 3.6\n  - ["3.5", "b"]\n');
  });

  it('leaves an empty collection as [] rather than null', () => {
    const file = parseYaml('tags:\n  - a\nnext: 1\n');
    file.deleteIn(['tags', 0]);
    expect(file.toString()).toBe('tags: []\nnext: 1\n');
    expect(file.getIn(['tags'])).toEqual([]);
  });

  it('refuses to delete an anchor that aliases still use', () => {
    const file = parseYaml(corpusFile(backendAiFile));
    expect(() => file.deleteIn(['images', 0])).toThrow(/anchor &default/);
  });
});

describe('commentOutIn', () => {
  it('turns an entry into a comment line at its indentation, keeping its text', () => {
    const file = parseYaml('tags:\n  - ["latest", ":3.6"]\n  - ["3.6", "ab12"]   # built\n  - ["3.7", "cd34"]\nslots: 1\n');
    file.commentOutIn(['tags', 1]);
    expect(file.toString()).toBe('tags:\n  - ["latest", ":3.6"]\n  # - ["3.6", "ab12"]   # built\n  - ["3.7", "cd34"]\nslots: 1\n');
    expect(file.getIn(['tags'])).toEqual([
      ['latest', ':3.6'],
      ['3.7', 'cd34'],
    ]);
  });

  it('comments out the last entry before the next key and keeps that key’s indentation', () => {
    const text = 'images:\n  - name: a\n    tags:\n      - ["1", "x"]\n      - ["2", "y"]\n      # old\n    slots: 1\n';
    const file = parseYaml(text);
    file.commentOutIn(['images', 0, 'tags', 1]);
    expect(file.toString()).toBe('images:\n  - name: a\n    tags:\n      - ["1", "x"]\n      # - ["2", "y"]\n      # old\n    slots: 1\n');
  });

  it('refuses an entry of a flow collection', () => {
    const file = parseYaml('tags: [a, b]\n');
    expect(() => file.commentOutIn(['tags', 0])).toThrow(YamlEditError);
    expect(file.toString()).toBe('tags: [a, b]\n');
  });
});

describe('file-level bytes', () => {
  it('keeps CRLF line ends and writes new lines with CRLF', () => {
    const text = corpusFile('derived__lablup__backend.ai-manager__sample-configs__image-metadata@0015e425__crlf.yml');
    const file = parseYaml(text);
    file.addIn(['images', 0, 'tags'], ['3.7-ubuntu', '0123456789ab']);
    const out = file.toString();
    expect(out).toContain('\r\n      - ["3.7-ubuntu", "0123456789ab"]\r\n');
    expect(out.replace(/\r\n/g, '')).not.toContain('\n');
  });

  it('keeps a BOM', () => {
    const text = corpusFile('derived__lablup__backend.ai-manager__sample-configs__image-metadata@0015e425__bom.yml');
    expect(text.charCodeAt(0)).toBe(0xfeff);
    const file = parseYaml(text);
    file.setIn(['images', 0, 'tags', 1, 1], 'deadbeef0001');
    expect(file.toString().charCodeAt(0)).toBe(0xfeff);
  });

  it('keeps a missing final newline missing, also when appending at the end', () => {
    const text = corpusFile('derived__lablup__backend.ai-manager__sample-configs__image-metadata@0015e425__no-final-newline.yml');
    expect(text.endsWith('\n')).toBe(false);
    const file = parseYaml(text);
    const n = (file.getIn(['images']) as unknown[]).length;
    file.addIn(['images', n - 1, 'slots'], ['gpu', 0]);
    const out = file.toString();
    expect(out.endsWith('      gpu: 0')).toBe(true);
    expect(parseYaml(out).getIn(['images', n - 1, 'slots', 'gpu'])).toBe(0);
  });

  it('keeps tabs in comments', () => {
    const text = 'a: 1\t# tab\tcomment\nb: 2\n';
    const file = parseYaml(text);
    file.setIn(['b'], 3);
    expect(file.toString()).toBe('a: 1\t# tab\tcomment\nb: 3\n');
  });

  it('works with thousands of merge keys (past yaml’s default alias limit)', () => {
    const lines = ['base: &default', '  cpu: 1', 'images:'];
    for (let i = 0; i < 3000; i++) lines.push(`  - name: img${i}`, '    slots:', '      <<: *default');
    const file = parseYaml(`${lines.join('\n')}\n`);
    expect(file.getIn(['images', 2999, 'slots', 'cpu'])).toBe(1);
    file.setIn(['images', 2999, 'name'], 'last');
    expect(file.getIn(['images', 2999, 'name'])).toBe('last');
  });

  it('edits each document of a multi-document stream on its own', () => {
    const file = parseYaml('image: a:1\n---\nimage: b:1\n');
    expect(file.documents).toHaveLength(2);
    file.documents[1]!.setIn(['image'], 'b:2');
    expect(file.toString()).toBe('image: a:1\n---\nimage: b:2\n');
  });
});

describe('malformed YAML', () => {
  it('throws YamlSyntaxError with path, line and column', () => {
    const text = 'images:\n  - name: python\n    tags: [a, b\n  - name: r\n';
    try {
      parseYaml(text, { path: 'images.yml' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(YamlSyntaxError);
      const e = err as YamlSyntaxError;
      expect(e.path).toBe('images.yml');
      expect(e.line).toBeGreaterThanOrEqual(3);
      expect(e.col).toBeGreaterThanOrEqual(1);
      expect(e.message).toMatch(/^images\.yml:\d+:\d+: /);
    }
  });
  it('reports duplicate keys', () => {
    expect(() => parseYaml('a: 1\na: 2\n', { path: 'd.yml' })).toThrow(/^d\.yml:2:1: .*unique/);
  });
});
