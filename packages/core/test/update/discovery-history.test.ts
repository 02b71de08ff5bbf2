/**
 * Namespace discovery replayed over the real history of Backend.AI's `image-metadata.yml`
 * (fixtures/corpus, 23 versions). For each pair of consecutive versions, a registry state is
 * built from the newer one (every tag with a 12-hex id is a pushed image; placeholders are
 * not) and the older one is run through `discover: report` and `discover: add`.
 *
 * What the humans did next is the expectation:
 * - every image entry they added for a repository that was already pushed is named on the
 *   run before (`new-repository`), or — for `octave`, which they had commented out and
 *   brought back — pointed out as `commented-repository`;
 * - with `discover: add`, each new entry's tag lines equal the humans' lines byte for byte
 *   (tag, id, quoting, alignment, the `latest` alias). Where the style differs, and why:
 *   the humans also wrote `syntax:` and comment lines, which no registry knows (an `entry`
 *   template can add fixed keys), and put entries next to related ones (`c-tester` after
 *   `c`) in a file not sorted by name, where imgsync appends after the last live entry;
 * - nothing outside the new entries changes.
 *
 * Chronological order: SOURCES.tsv lists the versions newest first; reversed, the image list
 * grows from 16 to 28 entries as the repository's history did.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseConfig } from '../../src/config/index.js';
import { runUpdate } from '../../src/update/index.js';
import { corpusFile } from '@imgsync/test-helpers/fixtures.js';

const HISTORY = [
  'd364f420',
  'e408a68b',
  'fb5921ea',
  'da3d8632',
  '0662c2a3',
  '38f5dd27',
  '8ff7bc7d',
  '8bcfa882',
  '8d1f3d6a',
  'f72e179d',
  'b4fecded',
  'b041f0ce',
  'f6475bf1',
  '0646d0e7',
  '1532e8b2',
  'f7bd63f2',
  '470dd3fc',
  '396a20ec',
  '0015e425',
  'ff4c32e0',
  'd3e6643a',
  '3bffaca1',
  '61344624',
];
const version = (commit: string) => corpusFile(`lablup__backend.ai-manager__sample-configs__image-metadata@${commit}.yml`);
const sha = (text: string) => createHash('sha256').update(text).digest('hex');
const isId = (value: unknown) => typeof value === 'string' && /^[0-9a-f]{12}$/.test(value);

interface Image {
  name: string;
  tags?: [string, string][];
}
const imagesOf = (text: string) => (parse(text, { merge: true }) as { images: Image[] }).images;

/** The registry the newer version describes: its built tags, with their ids. */
function snapshotOf(text: string): string {
  const repositories: Record<string, { tags: Record<string, { manifestDigest: string; imageId: string }> }> = {};
  for (const image of imagesOf(text)) {
    const tags: Record<string, { manifestDigest: string; imageId: string }> = {};
    for (const [tag, value] of image.tags ?? []) {
      if (isId(value)) tags[tag] = { manifestDigest: `sha256:${sha(`${image.name}:${tag}`)}`, imageId: `sha256:${value}${sha(tag).slice(0, 52)}` };
    }
    repositories[`lablup/kernel-${image.name}`] = { tags };
  }
  return JSON.stringify({ version: 1, registry: 'docker.io', namespaces: ['lablup'], repositories });
}

/** The `- [...]` lines of image `name`'s tags list. */
function tagLines(text: string, name: string): string[] {
  const lines = text.split('\n');
  const start = lines.findIndex((line) => new RegExp(`^\\s*- name: ${name}\\s*$`).test(line));
  const tags = lines.findIndex((line, i) => i > start && /^\s*tags:/.test(line));
  const out: string[] = [];
  for (const line of lines.slice(tags + 1)) {
    if (!/^\s*- \[/.test(line)) break;
    out.push(line);
  }
  return out;
}

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

async function replay(older: string, newer: string, mode: 'report' | 'add') {
  const dir = mkdtempSync(join(tmpdir(), 'imgsync-history-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'image-metadata.yml'), version(older));
  writeFileSync(join(dir, 'snapshot.json'), snapshotOf(version(newer)));
  const configText =
    'targets:\n  - files: image-metadata.yml\n    format: backendai\n    registry: file:snapshot.json\n    repository: lablup/kernel-{name}\n' +
    `    discover:\n      mode: ${mode}\n      entry: |\n        slots:\n          <<: *default\n`;
  const config = parseConfig(configText, join(dir, 'imgsync.config.yaml'));
  return runUpdate({ config, dryRun: true });
}

/** Entries the humans added in `newer` whose repository had a pushed tag. */
function pushedAdditions(older: string, newer: string): string[] {
  const before = new Set(imagesOf(version(older)).map((image) => image.name));
  return imagesOf(version(newer))
    .filter((image) => !before.has(image.name) && (image.tags ?? []).some(([, value]) => isId(value)))
    .map((image) => image.name);
}

const pairs = HISTORY.slice(0, -1).map((older, i) => [older, HISTORY[i + 1]!] as const);

describe('discovery over the real Backend.AI history', () => {
  it('the history holds additions to replay (8 entries for already pushed repositories)', () => {
    expect(pairs.flatMap(([older, newer]) => pushedAdditions(older, newer)).sort()).toEqual([
      'app-jupyter',
      'app-tensorboard',
      'c-tester',
      'cpp-tester',
      'java-tester',
      'octave',
      'python-tester',
      'scheme',
    ]);
  });

  it.each(pairs)('%s -> %s: discover: report names every repository the humans added next', async (older, newer) => {
    const result = await replay(older, newer, 'report');
    const named = result.changes
      .filter((c) => c.code === 'new-repository' || c.code === 'commented-repository')
      .map((c) => c.image.replace('lablup/kernel-', ''));
    expect(named.sort()).toEqual(pushedAdditions(older, newer).sort());
    expect(result.changed).toBe(result.files.some((f) => f.diff !== ''));
  });

  it.each(pairs.filter(([older, newer]) => pushedAdditions(older, newer).some((name) => name !== 'octave')))(
    "%s -> %s: discover: add writes the humans' tag lines, and nothing else outside the new entries",
    async (older, newer) => {
      const added = await replay(older, newer, 'add');
      const reported = await replay(older, newer, 'report');
      const names = added.changes.filter((c) => c.code === 'new-repository').map((c) => c.new!);
      expect(names.length).toBeGreaterThan(0);
      const diff = added.files[0]!.diff;
      const after = applyDiffAdditions(diff);
      for (const name of names) {
        const ours = tagLines(after, name);
        const theirs = tagLines(version(newer), name);
        // the same tags and ids, in the same order, always
        expect(ours.map((line) => parse(line))).toEqual(theirs.map((line) => parse(line)));
        // byte for byte where the humans aligned the list as the rest of the file is aligned;
        // app-tensorboard's humans copied `["latest",     ":…"]` from the entry above unaligned
        if (secondColumns(theirs).size === 1) expect(ours).toEqual(theirs);
        else expect(secondColumns(ours).size).toBe(1);
      }
      // the only difference from the report run's diff is the new entries' lines
      const extra = diffLines(diff).filter((line) => !diffLines(reported.files[0]!.diff).includes(line));
      expect(extra.every((line) => line.startsWith('+'))).toBe(true);
      expect(extra.length).toBe(names.reduce((n, name) => n + 1 + 1 + tagLines(after, name).length + 2, 0));
    },
  );
});

/** Columns where the second element of each `- [a, b]` line starts. */
function secondColumns(lines: string[]): Set<number> {
  return new Set(lines.map((line) => line.indexOf('"', line.indexOf(','))));
}

function diffLines(diff: string): string[] {
  return diff.split('\n').filter((line) => /^[-+](?![-+]{2} )/.test(line));
}

/** The new file text as the diff's `+` and context lines give it (one hunk per change region is enough here). */
function applyDiffAdditions(diff: string): string {
  return diff
    .split('\n')
    .filter((line) => !line.startsWith('---') && !line.startsWith('+++') && !line.startsWith('@@') && !line.startsWith('-'))
    .map((line) => line.slice(1))
    .join('\n');
}
