/**
 * Property tests over the whole corpus: random sequences of setIn / addIn / deleteIn /
 * commentOutIn.
 * After every edit the text re-parses, its data equals the old data with that edit
 * applied, and every changed byte lies inside the edited entry's lines. An edit the
 * editor refuses (shared through an anchor or merge key, say) must leave the text as it
 * was. The seed is fixed (FC_SEED overrides it) and fast-check prints the seed and path
 * of any failure, so a red run can be replayed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isMap, isSeq, type Document } from 'yaml';
import { YamlEditError, parseYaml } from '../../src/index.js';
import { corpusFiles } from '@imgsync/test-helpers/fixtures.js';

type Path = (string | number)[];
type Data = unknown;

const files = corpusFiles((n) => !n.includes('__templates__'));

const tricky = [
  '1.10',
  'yes',
  'no',
  'x: y',
  '#',
  '# c',
  '*a',
  '&a',
  'a\nb',
  '',
  ' lead',
  'trail ',
  'a, b',
  '[x]',
  '{y}',
  'plain',
  "it's",
  'say "hi"',
  '~',
  'null',
  '0x1F',
  '1e3',
  '0o17',
  '12:30',
  '-',
  '- a',
  '? q',
  '@at',
  '`tick`',
  '%pct',
  '|',
  '>',
  'ünï',
  '3.6-ubuntu',
  'ca7b9f52b6c2',
];
const scalarArb = fc.oneof(
  fc.constantFrom(...tricky),
  fc.string({ unit: 'grapheme-ascii', maxLength: 12 }),
  fc.string({ unit: 'grapheme', maxLength: 6 }),
  fc.integer({ min: -1000, max: 100000 }),
  fc.constantFrom(0.5, 1.25, true, false, null),
);
const entryArb = fc.oneof(
  { weight: 4, arbitrary: scalarArb },
  { weight: 2, arbitrary: fc.array(scalarArb, { minLength: 1, maxLength: 3 }) },
  { weight: 1, arbitrary: fc.dictionary(fc.constantFrom('name', 'tag', 'x-y', 'image'), scalarArb, { minKeys: 1, maxKeys: 2 }) },
);
const opArb = fc.record({
  kind: fc.constantFrom('set', 'set', 'add', 'delete', 'comment'),
  pick: fc.nat(),
  value: entryArb,
  key: fc.oneof(fc.constantFrom('newKey', 'tag', 'image', '1', 'yes', 'a b'), fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 8 })),
  shared: fc.boolean(),
});

function paths(data: Data, want: 'scalar' | 'collection' | 'item', at: Path = [], out: Path[] = []): Path[] {
  const isColl = data !== null && typeof data === 'object';
  if (want === 'scalar' && !isColl && at.length) out.push(at);
  if (want === 'collection' && isColl) out.push(at);
  if (want === 'item' && at.length) out.push(at);
  if (Array.isArray(data)) data.forEach((v, i) => paths(v, want, [...at, i], out));
  else if (isColl) for (const [k, v] of Object.entries(data)) if (k !== '<<') paths(v, want, [...at, k], out);
  return out;
}

function applyToData(data: Data, kind: string, path: Path, value: unknown, key: string): Data {
  const copy = structuredClone(data);
  if (kind === 'comment') kind = 'delete'; // a commented-out entry is gone from the data
  if (kind !== 'set' && kind !== 'add' && kind !== 'delete') throw new Error(kind);
  const parentPath = kind === 'add' ? path : path.slice(0, -1);
  const parent = parentPath.reduce<any>((node, k) => node[k], copy);
  const last = path[path.length - 1]!;
  if (kind === 'set') parent[last] = value;
  else if (kind === 'delete') {
    if (Array.isArray(parent)) parent.splice(last as number, 1);
    else delete parent[last];
  } else if (Array.isArray(parent)) parent.push(value);
  else parent[key] = value;
  return copy;
}

function lineStart(text: string, i: number): number {
  return text.lastIndexOf('\n', Math.max(0, i - 1)) + 1;
}
function lineEnd(text: string, i: number): number {
  const j = text.indexOf('\n', i);
  return j < 0 ? text.length : j + 1;
}

/** Where an edit may change bytes: the entry's lines, or the collection's for an append. */
function allowedRegion(doc: Document.Parsed, text: string, kind: string, path: Path): [number, number] {
  if (kind === 'comment') kind = 'delete';
  const nodeAt = (p: Path): any => (p.length ? doc.getIn(p, true) : doc.contents);
  if (kind === 'add') {
    const coll = nodeAt(path);
    return [lineStart(text, coll.range[0]), lineEnd(text, coll.range[2])];
  }
  const parent: any = nodeAt(path.slice(0, -1));
  const node: any = nodeAt(path);
  let start = node?.range?.[0] ?? parent.range[0];
  const end = node?.range?.[2] ?? parent.range[2];
  if (isMap(parent)) {
    const pair: any = parent.items.find((p: any) => String(p.key?.value ?? p.key) === String(path[path.length - 1]));
    if (pair?.key?.range) start = Math.min(start, pair.key.range[0]);
  }
  if (kind === 'delete' && (isMap(parent) || isSeq(parent)) && parent.items.length === 1) {
    // the parent's `key:` (or `-`) line takes the `[]` / `{}`
    const owner: any = path.length >= 2 ? nodeAt(path.slice(0, -2)) : undefined;
    const ownerPair = isMap(owner) ? (owner.items as any[]).find((p) => String(p.key?.value ?? p.key) === String(path[path.length - 2])) : undefined;
    const ownerStart = ownerPair?.key?.range?.[0] ?? lineStart(text, Math.max(0, lineStart(text, (parent as any).range[0]) - 1));
    start = Math.min(start, lineStart(text, ownerStart));
  }
  if (kind === 'delete' && end >= text.length) start = Math.max(0, lineStart(text, start) - 1);
  let hi = lineEnd(text, Math.max(start, end - 1));
  // a first key on a dash's line (`- name: x`) is replaced by the next key, which moves up
  if (kind === 'delete') while (text[hi] === ' ') hi++;
  return [lineStart(text, start), hi];
}

/** Whether `after` keeps every byte of `before` outside [lo, hi). */
function keepsOutside(before: string, after: string, lo: number, hi: number): boolean {
  const head = before.slice(0, lo);
  const tail = before.slice(hi);
  return after.length >= head.length + tail.length && after.startsWith(head) && after.endsWith(tail);
}

describe('setIn / addIn / deleteIn / commentOutIn on random corpus edits', () => {
  it('keep the data right and every byte outside the edited entries as it was', () => {
    let applied = 0;
    let refused = 0;
    fc.assert(
      fc.property(fc.constantFrom(...files), fc.array(opArb, { minLength: 1, maxLength: 4 }), ({ name, text }, ops) => {
        const file = parseYaml(text, { path: name });
        for (const op of ops) {
          const before = file.toString();
          const data = file.getIn([]);
          const candidates = paths(data, op.kind === 'set' ? 'scalar' : op.kind === 'add' ? 'collection' : 'item');
          const removes = op.kind === 'delete' || op.kind === 'comment';
          if (!candidates.length) continue;
          const path = candidates[op.pick % candidates.length]!;
          const composed = file.documents[0]!.composed();
          const parentNode = path.length > 1 ? composed.getIn(path.slice(0, -1), true) : composed.contents;
          // deleting a key that overrides a merged one brings the merged value back: not modelled here
          if (removes && isMap(parentNode) && parentNode.items.some((p: any) => p.key?.source === '<<')) continue;
          const value = op.kind === 'set' ? (Array.isArray(op.value) || (op.value && typeof op.value === 'object') ? 'v' : op.value) : op.value;
          const container = op.kind === 'add' ? file.getIn(path) : undefined;
          const entry = op.kind === 'add' && !Array.isArray(container) ? [op.key, value] : value;
          try {
            if (op.kind === 'set') file.setIn(path, value as any, { shared: false });
            else if (op.kind === 'add') file.addIn(path, entry);
            else if (op.kind === 'delete') file.deleteIn(path);
            else file.commentOutIn(path);
          } catch (err) {
            if (!(err instanceof YamlEditError)) throw err;
            expect(file.toString()).toBe(before);
            refused++;
            continue;
          }
          applied++;
          const after = file.toString();
          let reparsed;
          try {
            reparsed = parseYaml(after, { path: name });
          } catch (err) {
            throw new Error(`${op.kind} ${JSON.stringify(path)} ${JSON.stringify(entry)} broke the file: ${String(err)}\n${after}`);
          }
          expect(reparsed.getIn([]), `${op.kind} ${JSON.stringify(path)} ${JSON.stringify(entry)}:\n${after}`).toEqual(
            applyToData(data, op.kind, path, value, op.key),
          );
          const [lo, hi] = allowedRegion(composed, before, op.kind, path);
          expect(keepsOutside(before, after, lo, hi), `${op.kind} ${JSON.stringify(path)} changed bytes outside ${lo}..${hi}:\n${after}`).toBe(true);
        }
      }),
      { seed: Number(process.env.FC_SEED ?? 20261127), numRuns: Number(process.env.FC_RUNS ?? 1000), verbose: 0 },
    );
    // The editor must not get by on refusals: most random edits are real edits.
    console.log(`random edits: ${applied} applied, ${refused} refused`);
    expect(applied).toBeGreaterThan(1500);
    expect(applied).toBeGreaterThan(refused * 3);
  }, 240_000);
});
