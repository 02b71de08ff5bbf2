/**
 * The layers of CONTRIBUTING.md, checked: a module of core imports only modules of the rows
 * below its own (type-only imports included), so that dependencies point one way: the
 * configuration reads the formats' facts and no format imports the configuration, git
 * knows nothing of formats, the grammar imports nothing.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const src = join(dirname(fileURLToPath(import.meta.url)), '../src');

/** Top row first. A module is a folder of `src/` or a file at its top level. */
const ROWS: readonly (readonly string[])[] = [
  ['index'],
  ['update'],
  ['config'],
  ['formats', 'registry', 'git', 'fleet'],
  ['yaml', 'policy'],
  ['image-ref', 'deadline', 'network-cause', 'change-kind', 'bounded-body', 'plain-text', 'atomic-write'],
  ['errors'],
];

function rowOf(module: string): number {
  const row = ROWS.findIndex((modules) => modules.includes(module));
  if (row < 0) throw new Error(`module ${module} is in no row of the layers; add it to ROWS and to CONTRIBUTING.md`);
  return row;
}

function moduleOf(path: string): string {
  const [first = '', ...rest] = relative(src, path).split(/[\\/]/);
  return rest.length ? first : first.replace(/\.ts$/, '');
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? tsFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

/** Relative module specifiers of `import … from` and `export … from`, type-only ones included. */
function importsOf(path: string): string[] {
  const text = readFileSync(path, 'utf8');
  return [...text.matchAll(/^(?:import|export)\b[^;]*?\bfrom\s+'(\.{1,2}\/[^']+)'/gms)].map((match) => match[1]!);
}

describe('layers', () => {
  it('every module imports only modules of lower rows', () => {
    const upward: string[] = [];
    for (const path of tsFiles(src)) {
      const from = moduleOf(path);
      for (const specifier of importsOf(path)) {
        const to = moduleOf(normalize(join(dirname(path), specifier)).replace(/\.js$/, '.ts'));
        if (to !== from && rowOf(to) <= rowOf(from)) upward.push(`${relative(src, path)} imports ${specifier} (${from} -> ${to})`);
      }
    }
    expect(upward).toEqual([]);
  });

  it('reads the imports it checks', () => {
    const files = tsFiles(src);
    expect(files.length).toBeGreaterThan(100);
    const config = importsOf(join(src, 'config/shape/format-facts.ts'));
    expect(config).toContain('../../formats/all-formats.js');
    expect(() => rowOf('no-such-module')).toThrow(/in no row/);
  });
});
