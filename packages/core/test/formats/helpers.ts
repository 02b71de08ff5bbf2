/** Shared test helpers for the format adapters: registry states, golden files, line diffs. */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import type { Change, ImageWant, RepositoryState, StateLookup, TagState, TargetOptions } from '../../src/formats/index.js';

/** A tag's registry data in a fixture, keyed by its name (which `registryState` fills in). */
export type TagFixture = Omit<TagState, 'tag'>;
import { createTagPolicy } from '../../src/policy/tag-policy.js';
import { parseYaml } from '../../src/yaml/index.js';

export const formatsTestDir = dirname(fileURLToPath(import.meta.url));

/** 64 hex digits derived from `seed`, so fixtures are stable and readable in diffs. */
export function hex64(seed: string): string {
  return createHash('sha256').update(seed).digest('hex');
}

/**
 * A single-platform tag whose image id starts with `id12` (the 12-hex id Backend.AI writes)
 * and whose manifest digest is derived from the same seed.
 */
export function tagWithId(id12: string): TagFixture {
  return { manifestDigest: `sha256:${hex64(`manifest ${id12}`)}`, imageId: `sha256:${id12}${hex64(id12).slice(12)}` };
}

/** A tag known only by its manifest digest (what a pin needs). */
export function tagWithManifest(seed: string): TagFixture {
  return { manifestDigest: `sha256:${hex64(seed)}` };
}

/**
 * A state lookup over `registry/repository` keys (`docker.io/lablup/kernel-python`), with
 * every want it was asked about recorded in `asked`. A want naming no registry is asked of
 * docker.io, as the engine does for a target without `registry` (so `redis` is
 * `docker.io/library/redis`).
 */
export function registryState(repositories: Record<string, Record<string, TagFixture>>): StateLookup & { asked: string[] } {
  const asked: string[] = [];
  const lookup = (want: ImageWant): RepositoryState | undefined => {
    const registry = want.registry ?? 'docker.io';
    const official = registry === 'docker.io' && !want.repository.includes('/');
    const key = `${registry}/${official ? 'library/' : ''}${want.repository}`;
    asked.push(key);
    const tags = repositories[key];
    return tags ? { repository: want.repository, tags: new Map(Object.entries(tags).map(([tag, data]) => [tag, { ...data, tag }])) } : undefined;
  };
  return Object.assign(lookup, { asked });
}

/** Reads a fixture beside the tests (`backendai/fixtures/x.yml`). */
export function fixture(relative: string): string {
  return readFileSync(join(formatsTestDir, relative), 'utf8');
}

/**
 * Compares `actual` with the golden file byte for byte. `IMGSYNC_UPDATE_GOLDEN=1` writes
 * missing golden files instead (review them before committing).
 */
export function expectGolden(relative: string, actual: string): void {
  const path = join(formatsTestDir, relative);
  if (process.env.IMGSYNC_UPDATE_GOLDEN === '1' && !existsSync(path)) writeFileSync(path, actual);
  expect(existsSync(path), `golden file ${relative} exists`).toBe(true);
  expect(actual).toBe(readFileSync(path, 'utf8'));
}

/**
 * A line diff (longest common subsequence): lines of `before` that were removed and lines
 * of `after` that were added, with 0-based line numbers.
 */
export function lineDiff(before: string, after: string): { removed: { line: number; text: string }[]; added: { line: number; text: string }[] } {
  const a = before.split('\n');
  const b = after.split('\n');
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--)
    for (let j = b.length - 1; j >= 0; j--) lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const removed: { line: number; text: string }[] = [];
  const added: { line: number; text: string }[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      i++;
      j++;
    } else if (j < b.length && (i >= a.length || lcs[i]![j + 1]! >= lcs[i + 1]![j]!)) {
      added.push({ line: j, text: b[j]! });
      j++;
    } else {
      removed.push({ line: i, text: a[i]! });
      i++;
    }
  }
  return { removed, added };
}

/**
 * The invariant of every apply: the diff touches only the changed entries' lines. Each
 * in-place change (updated, filled, repointed, or an `added` digest written into a value
 * that was already there, `x:1` -> `x:1@sha256:…`) replaces one line holding its old value
 * by one holding its new value; each other `added` adds one line holding its value; each
 * `removed` removes one line; `reported` changes touch nothing.
 */
export function expectOnlyChangedLines(before: string, after: string, changes: readonly Change[]): void {
  const { removed, added } = lineDiff(before, after);
  const parsed = parseYaml(before);
  // a digest written into a value that was there (`image: x:1` -> `x:1@sha256:…`), not a new line
  const existed = (c: Change) => c.field === 'digest' && parsed.documents[c.document ?? 0]!.getIn(c.path) !== undefined;
  const inPlace = changes.filter((c) => c.kind === 'updated' || c.kind === 'filled' || c.kind === 'repointed' || (c.kind === 'added' && existed(c)));
  const adds = changes.filter((c) => c.kind === 'added' && !existed(c));
  const removals = changes.filter((c) => c.kind === 'removed');
  expect(added.length).toBe(inPlace.length + adds.length);
  expect(removed.length).toBe(inPlace.length + removals.length);
  const addedText = added.map((l) => l.text);
  for (const change of [...inPlace, ...adds]) {
    expect(
      addedText.some((line) => line.includes(change.new!)),
      `a new line holds ${change.new}`,
    ).toBe(true);
  }
  for (const change of inPlace) {
    if (change.old === undefined) continue;
    expect(
      removed.some((line) => line.text.includes(change.old!)),
      `an old line held ${change.old}`,
    ).toBe(true);
  }
}

/**
 * Changes without the file name, for compact assertions, labelled as the CLI prints them:
 * `updated elasticsearch 7.16.1 -> 7.17.28` for a moved tag (its values are the tags),
 * `filled bitnami/redis:7.2.5 -> sha256:…` for a value of a tag.
 */
export function summary(changes: readonly Change[]): string[] {
  return changes.map((c) => {
    const tag = c.tag && !(c.field === 'tag' && c.new !== undefined) ? `:${c.tag}` : '';
    const values = `${c.old !== undefined ? ` ${c.old}` : ''}${c.old !== undefined && c.new !== undefined ? ' ->' : ''}${c.new !== undefined ? ` ${c.new}` : ''}`;
    return `${c.kind} ${c.image}${tag}${values}`;
  });
}

/** The messages of the `reported` changes. */
export function reports(changes: readonly Change[]): string[] {
  return changes.filter((c) => c.kind === 'reported').map((c) => c.message ?? '');
}

/** Target options with the engine's defaults, overridden by `options`. */
export function targetOptions(options: Partial<TargetOptions> = {}): TargetOptions {
  return { tagPolicy: createTagPolicy({}), digest: 'manifest', platform: 'linux/amd64', prune: 'report', ...options };
}
