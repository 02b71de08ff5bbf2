/**
 * Namespace discovery for Backend.AI image metadata: which image names the file already
 * has (live, or commented out by a human), and writing a new image entry in the file's
 * own style.
 *
 * A new entry copies its siblings: indentation of the `-`, of the keys and of the tag
 * pairs; the key order (`name`, `syntax`, `tags`, `slots` where the siblings have that
 * order); the quoting of names and of each pair element; the spacing inside `[ ]`; and
 * column alignment of the pairs' second elements when most sibling lists are aligned
 * (`["latest",     ":3.6-debian"]` over `["3.6-debian", "2ac49fbe2104"]`). Its tags are
 * the registry's tags the policy accepts, oldest first, with a `latest` alias first when
 * most siblings have one. The `entry` template's keys follow, moved to the key column.
 */
import { isMap, isScalar, isSeq, parseDocument, Scalar, type Node, type YAMLMap } from 'yaml';
import { digestForm } from '../../policy/digest-form.js';
import { renderScalar, type ScalarStyle } from '../../yaml/render-scalar.js';
import { parseYaml, type YamlFile } from '../../yaml/index.js';
import { guardedEdit } from '../guarded-edit.js';
import type { Change, NewRepository, TargetOptions } from '../types.js';
import { plainText } from '../../plain-text.js';

/** `#- name: octave`, `#   - name: "octave"`: an image entry a human commented out. */
const COMMENTED_NAME = /^[ \t]*#[ \t#]*-[ \t]*name[ \t]*:[ \t]*["']?([^"'\s#]+)/;
/** `#    - ["4.2", ""]` inside a commented-out entry: the first string of a flow pair. */
const COMMENTED_PAIR = /^[ \t]*#.*?\[[ \t]*["']?([^"',\]\s]+)["']?[ \t]*,/;

/**
 * Live and commented-out image names of an `image-metadata.yml`; a commented-out entry
 * comes with the tags its commented-out lines name. One pass over the lines.
 */
export function imageNames(file: YamlFile): { live: string[]; commented: { name: string; tags: string[] }[] } {
  const images = file.getIn(['images']);
  const live = Array.isArray(images)
    ? images.map((image) => (image as { name?: unknown } | null)?.name).filter((name): name is string => typeof name === 'string')
    : [];
  const commented: { name: string; tags: string[] }[] = [];
  let current: { name: string; tags: string[] } | undefined;
  for (const line of file.toString().split('\n')) {
    if (!/^[ \t]*#/.test(line)) {
      current = undefined;
      continue;
    }
    const name = COMMENTED_NAME.exec(line)?.[1];
    if (name) commented.push((current = { name, tags: [] }));
    else if (current) {
      const tag = COMMENTED_PAIR.exec(line)?.[1];
      if (tag) current.tags.push(tag);
    }
  }
  return { live, commented };
}

interface EntryStyle {
  /** Columns of an image entry's keys and of its tag items' `-`, relative to its own `-`. */
  keyColumn: number;
  tagDashColumn: number;
  /** Spaces after a tag item's `-`. */
  tagDashGap: number;
  keyOrder: string[];
  nameStyle: ScalarStyle;
  tagStyle: ScalarStyle;
  valueStyle: ScalarStyle;
  /** Text after `[` and before `]`. */
  open: string;
  close: string;
  aligned: boolean;
  /** Whether most siblings begin their tags with an alias named `latest`. */
  latestAlias: boolean;
}

const DEFAULT_STYLE: EntryStyle = {
  keyColumn: 2,
  tagDashColumn: 4,
  tagDashGap: 1,
  keyOrder: ['name', 'tags'],
  nameStyle: 'plain',
  tagStyle: 'double',
  valueStyle: 'double',
  open: '',
  close: '',
  aligned: false,
  latestAlias: false,
};

function styleOf(node: Node | null | undefined): ScalarStyle {
  if (!isScalar(node)) return 'plain';
  return node.type === Scalar.QUOTE_DOUBLE ? 'double' : node.type === Scalar.QUOTE_SINGLE ? 'single' : 'plain';
}

function columnAt(text: string, offset: number): number {
  return offset - (text.lastIndexOf('\n', offset - 1) + 1);
}

/** The house style, read from the live image entries with flow-pair tag lists. */
function entryStyle(file: YamlFile): EntryStyle {
  const doc = file.documents[0]?.composed();
  const images = doc?.get('images', true);
  if (!isSeq(images)) return DEFAULT_STYLE;
  const text = file.toString();
  const siblings = images.items.filter((item): item is YAMLMap => isMap(item) && item.range !== undefined && isSeq(item.get('tags', true)));
  const template = siblings[siblings.length - 1];
  if (!template) return DEFAULT_STYLE;
  const dashColumn = images.range ? columnAt(text, images.range[0]) : 0;
  const firstKey = template.items[0]?.key as Node | undefined;
  const pairs = tagItems(template).filter((item) => isSeq(item) && item.items.length === 2 && item.range);
  const pair = pairs.find((item) => isSeq(item) && !plainText((item.items[1] as Scalar | undefined)?.value).startsWith(':')) ?? pairs[0];
  const style: EntryStyle = { ...DEFAULT_STYLE };
  style.keyColumn = firstKey?.range ? columnAt(text, firstKey.range[0]) - dashColumn : DEFAULT_STYLE.keyColumn;
  style.keyOrder = template.items.map((p) => String((p.key as Scalar)?.value));
  style.nameStyle = styleOf(template.get('name', true));
  if (pair?.range && isSeq(pair)) {
    const pairColumn = columnAt(text, pair.range[0]);
    const line = text.slice(text.lastIndexOf('\n', pair.range[0] - 1) + 1, pair.range[0]);
    const dash = line.lastIndexOf('-');
    style.tagDashColumn = (dash >= 0 ? dash : pairColumn - 2) - dashColumn;
    style.tagDashGap = dash >= 0 ? pairColumn - dash - 1 : 1;
    const source = text.slice(pair.range[0], pair.range[1]);
    style.open = /^\[(\s*)/.exec(source)?.[1] ?? '';
    style.close = /(\s*)\]$/.exec(source)?.[1] ?? '';
    style.tagStyle = styleOf(pair.items[0] as Node);
    style.valueStyle = styleOf(pair.items[1] as Node);
  }
  // alignment and the `latest` alias: what most sibling lists do
  let aligned = 0;
  let unaligned = 0;
  let withLatest = 0;
  for (const sibling of siblings) {
    const list = tagItems(sibling).filter((item) => isSeq(item) && item.items.length === 2);
    const first = list[0];
    if (isSeq(first) && (first.items[0] as Scalar)?.value === 'latest' && String((first.items[1] as Scalar)?.value).startsWith(':')) withLatest++;
    const columns = list.map((item) => (isSeq(item) && (item.items[1] as Node)?.range ? columnAt(text, (item.items[1] as Node).range![0]) : -1));
    const widths = new Set(
      list.map((item) => (isSeq(item) && (item.items[0] as Node)?.range ? (item.items[0] as Node).range![1] - (item.items[0] as Node).range![0] : -1)),
    );
    if (list.length < 2 || widths.size < 2) continue;
    if (new Set(columns).size === 1) aligned++;
    else unaligned++;
  }
  style.aligned = aligned > unaligned;
  style.latestAlias = withLatest * 2 > siblings.length;
  return style;
}

function tagItems(entry: YAMLMap): Node[] {
  const tags = entry.get('tags', true) as unknown;
  return isSeq(tags) ? (tags.items as Node[]) : [];
}

function scalar(value: string, style: ScalarStyle, inFlow: boolean): string {
  return renderScalar(value, { inFlow, style }).source;
}

/** The text of the new entry at column 0 (`- name: …`), as `addTextIn` takes it. */
function entryText(name: string, pairs: [string, string][], style: EntryStyle, extra: string | undefined): string {
  const keyPad = ' '.repeat(style.keyColumn);
  const firsts = pairs.map(([tag]) => `${scalar(tag, style.tagStyle, true)},`);
  const width = Math.max(...firsts.map((f) => f.length));
  const tagLines = pairs.map(([, value], i) => {
    const pad = style.aligned ? ' '.repeat(width - firsts[i]!.length + 1) : ' ';
    const dash = `${' '.repeat(style.tagDashColumn)}-${' '.repeat(style.tagDashGap)}`;
    return `${dash}[${style.open}${firsts[i]}${pad}${scalar(value, style.valueStyle, true)}${style.close}]`;
  });
  const blocks = new Map<string, string[]>();
  blocks.set('name', [`-${' '.repeat(Math.max(1, style.keyColumn - 1))}name: ${scalar(name, style.nameStyle, false)}`]);
  blocks.set('tags', [`${keyPad}tags:`, ...tagLines]);
  for (const [key, lines] of templateBlocks(extra?.replaceAll('{name}', name)))
    blocks.set(
      key,
      lines.map((line) => (line.trim() ? keyPad + line : line)),
    );
  const rank = (key: string) => (key === 'name' ? -1 : style.keyOrder.includes(key) ? style.keyOrder.indexOf(key) : style.keyOrder.length);
  const keys = [...blocks.keys()].sort((a, b) => rank(a) - rank(b));
  return `${keys.flatMap((key) => blocks.get(key)!).join('\n')}\n`;
}

/** The `entry` template split into its top-level keys, each with its lines (unindented). */
function templateBlocks(text: string | undefined): [string, string[]][] {
  if (!text?.trim()) return [];
  const doc = parseDocument(text, { merge: true });
  if (!isMap(doc.contents)) return [];
  const lines = text.replace(/\s+$/, '').split(/\r?\n/);
  const indent = Math.min(...lines.filter((l) => l.trim() && !l.trimStart().startsWith('#')).map((l) => l.length - l.trimStart().length));
  const starts: [string, number][] = doc.contents.items.map((pair) => [
    String((pair.key as Scalar).value),
    text.slice(0, (pair.key as Node).range![0]).split('\n').length - 1,
  ]);
  return starts.map(([key, line], i) => [
    key,
    lines.slice(line, starts[i + 1]?.[1] ?? lines.length).map((l) => l.slice(Math.min(indent, l.length - l.trimStart().length))),
  ]);
}

/** Where the new entry goes: in name order when the entries are sorted by name, else at the end. */
function insertionIndex(names: readonly string[], name: string): number | undefined {
  const sorted = names.length >= 2 && names.every((n, i) => i === 0 || names[i - 1]! < n);
  if (!sorted) return undefined;
  const after = names.findIndex((n) => name < n);
  return after < 0 ? undefined : after;
}

/**
 * Adds an image entry for a repository found in the namespace.
 *
 * @example
 * addImageEntry(file, { name: 'c-tester', image: 'lablup/kernel-c-tester', state }, target)
 * // [{ kind: 'added', code: 'new-repository', image: 'lablup/kernel-c-tester', path: ['images', 22], new: 'c-tester', ... }]
 */
export function addImageEntry(file: YamlFile, repository: NewRepository, target: TargetOptions): Change[] {
  const { name, image, state } = repository;
  const base = { file: file.path, image, code: 'new-repository' as const };
  const policy = target.tagPolicy;
  const pairs: [string, string][] = [];
  const skipped: string[] = [];
  const tracked = policy.filter([...state.tags.values()]);
  for (const tag of tracked) {
    const written = digestForm(tag, target.digest, target.platform);
    if (written.ok) pairs.push([tag.tag, written.value]);
    else skipped.push(`${tag.tag} (${written.message})`);
  }
  if (!pairs.length) {
    const why = skipped.length ? `no tag could be written: ${skipped.join('; ')}` : 'no tag passes the tag policy';
    return [{ ...base, path: ['images'], kind: 'reported', message: `new repository ${image}: ${why}; no entry added` }];
  }
  const style = entryStyle(file);
  if (style.latestAlias) {
    const live = new Set(pairs.map(([tag]) => tag));
    const newest = policy.latestTarget(tracked.filter((t) => live.has(t.tag))) ?? policy.newest(tracked.filter((t) => live.has(t.tag)));
    if (newest) pairs.unshift([target.latest?.alias ?? 'latest', `:${newest.tag}`]);
  }
  const text = entryText(name, pairs, style, target.discover?.entry);
  const names = imageNames(file).live;
  const at = insertionIndex(names, name);
  const options = at === undefined ? {} : { index: at };
  // try it on a copy first: the template's aliases must resolve where the entry lands
  const problem = trialProblem(file, text, options);
  if (problem) return [{ ...base, path: ['images'], kind: 'reported', message: `new repository ${image}: ${problem}; no entry added` }];
  const outcome = guardedEdit(() => file.addTextIn(['images'], text, options));
  if (!outcome.ok) return [{ ...base, path: ['images'], kind: 'reported', message: `new repository ${image}: ${outcome.message}` }];
  const index = at ?? names.length;
  const tagNote = pairs.map(([tag, value]) => `${tag} ${value}`).join(', ');
  const notes = skipped.length ? `; left out: ${skipped.join('; ')}` : '';
  return [{ ...base, path: ['images', index], kind: 'added', new: name, message: `new entry ${name} for ${image}: ${tagNote}${notes}` }];
}

function trialProblem(file: YamlFile, text: string, options: { index?: number }): string | undefined {
  try {
    const copy = parseYaml(file.toString(), { path: file.path });
    copy.addTextIn(['images'], text, options);
    parseYaml(copy.toString(), { path: file.path }).getIn(['images']);
    return undefined;
  } catch (error) {
    return `the new entry would not be valid here (${(error as Error).message})`;
  }
}
