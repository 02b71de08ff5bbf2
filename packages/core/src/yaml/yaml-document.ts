/**
 * One document of a YAML stream, editable in place. See `parseYaml` for the contract.
 */
import { CST, type Document } from 'yaml';
import { YamlEditError } from '../errors.js';
import {
  type Collection,
  forgetItemIndex,
  isCollection,
  isScalarToken,
  isSequence,
  realItemIndexes,
  endsWithNewline,
  sourceToken,
  sourceTokensOf,
  trailingIndentation,
} from './cst-tokens.js';
import { deleteItem } from './delete-item.js';
import {
  type KeyPath,
  type MissingKey,
  type ResolvedPath,
  type SharingFacts,
  anchorsWithin,
  collectSharing,
  isPairMapping,
  navigate,
  noteSharing,
} from './navigate.js';
import { type ScalarValue } from './render-scalar.js';
import { type NewValue, appendTrailing, isScalarValue, itemFromText, renderItem } from './render-item.js';
import { fillEmptyValue, setScalarToken } from './set-scalar.js';

/** Options every edit takes: whether it may reach nodes shared through anchors, aliases and merge keys. */
export interface EditOptions {
  /**
   * Allow an edit that reaches a node through an alias or a merge key, or that changes
   * an anchored node other entries refer to. Off by default, because such an edit
   * silently changes those other entries too.
   */
  shared?: boolean;
}

/**
 * How {@link YamlDocument.commentOutIn} comments an item out: the marker written before each of its lines.
 */
export interface CommentOutOptions extends EditOptions {
  /** What starts each comment line, default `# `; `#` copies a file that writes `#- [...]`. */
  marker?: string;
}

/** How {@link YamlDocument.addIn} adds an item: a sibling to copy the style of, and where to insert. */
export interface AddOptions extends EditOptions {
  /** Insert before the entry now at this index instead of appending. */
  index?: number;
}

export interface DocumentHost {
  readonly path: string;
  readonly newline: string;
  /** Plain data of document `index` for the current text. */
  data(index: number): unknown;
  /** The composed `yaml` Document for the current text (nodes with ranges, comments). */
  composed(index: number): Document.Parsed;
  touched(): void;
  /** Line and column of a CST offset, in the text as read. */
  position(offset: number): { line: number; col: number };
}

/**
 * One document of a {@link YamlFile}, edited through its CST: values are read by key path and changed, added, deleted or commented out in place, so that every byte outside the edit stays.
 *
 * @example
 * const doc = parseYaml(text).documents[0]!;
 * doc.setIn(['images', 0, 'tags', 1, 1], 'ca7b9f52b6c2');
 */
export class YamlDocument {
  /** The document's CST, edited in place. */
  readonly cst: CST.Document;
  readonly index: number;
  #host: DocumentHost;
  #sharing: SharingFacts | undefined;

  constructor(cst: CST.Document, index: number, host: DocumentHost) {
    this.cst = cst;
    this.index = index;
    this.#host = host;
  }

  /** The plain JS value at `keyPath`, with aliases and merge keys resolved; undefined if absent. */
  getIn(keyPath: KeyPath): unknown {
    let node: unknown = this.#host.data(this.index);
    for (const key of keyPath) {
      if (node instanceof Map) node = node.get(key) ?? node.get(String(key));
      else if (Array.isArray(node) && typeof key === 'number') node = node[key];
      else if (node && typeof node === 'object') node = (node as Record<string, unknown>)[String(key)];
      else return undefined;
    }
    return node;
  }

  /** Whether `keyPath` leads to a value (possibly null). */
  hasIn(keyPath: KeyPath): boolean {
    if (keyPath.length === 0) return true;
    const parent = this.getIn(keyPath.slice(0, -1));
    const key = keyPath[keyPath.length - 1]!;
    if (Array.isArray(parent)) return typeof key === 'number' && key >= 0 && key < parent.length;
    return !!parent && typeof parent === 'object' && Object.prototype.hasOwnProperty.call(parent, String(key));
  }

  /** The composed `yaml` Document of this document (for ranges and comments). */
  composed(): Document.Parsed {
    return this.#host.composed(this.index);
  }

  /**
   * Replaces the scalar at `keyPath` with `value`, keeping its quote style where safe.
   * A missing last key of a mapping is added as a new pair styled like its siblings.
   * Returns true when the text changed.
   */
  setIn(keyPath: KeyPath, value: ScalarValue, opts: EditOptions = {}): boolean {
    if (!isScalarValue(value)) throw this.#error(keyPath, 'setIn writes scalar values; use deleteIn and addIn for collections');
    const found = this.#navigate(keyPath, opts);
    if ('key' in found) {
      if (isPairMapping(found.collection)) throw this.#error(keyPath, PAIR_ENTRY_FIXED);
      this.#add(found.collection, [found.key, value], undefined);
      return true;
    }
    if (found.tag && !(typeof value === 'string' && STRING_TAG.test(found.tag)))
      throw this.#error(keyPath, `it is tagged ${found.tag}; the editor writes only untagged values and strings tagged !!str`);
    const last = found.steps[found.steps.length - 1];
    const inFlow = found.steps.some((s) => s.collection.type === 'flow-collection');
    const node = found.node;
    if (!node || (node.type === 'scalar' && node.source === '')) {
      // `key:`, `? key`, `{ key }`, or an empty scalar after a tag (`key: !!str`)
      if (!last) throw this.#error(keyPath, 'the document is empty');
      fillEmptyValue(last.collection, last.item, value, inFlow, this.#host.newline);
      this.#changed(true);
      return true;
    }
    if (node.type === 'alias') {
      const token: CST.FlowScalar = { type: 'scalar', offset: -1, indent: node.indent, source: '', end: node.end ?? [] };
      setScalarToken(token, value, inFlow, this.#host.newline);
      if (last) last.item.value = token;
      else this.cst.value = token;
      this.#changed(true);
      return true;
    }
    if (!isScalarToken(node)) throw this.#error(keyPath, `it is a ${describe(node)}, not a scalar`);
    return this.#changed(setScalarToken(node, value, inFlow, this.#host.newline));
  }

  /**
   * Adds an entry to the collection at `keyPath`, styled like its last entry (or the one
   * before `opts.index`): same indentation, quote style per position and column
   * alignment. For a mapping, `entry` is `[key, value]`.
   */
  addIn(keyPath: KeyPath, entry: NewValue, opts: AddOptions = {}): void {
    const found = this.#navigate(keyPath, opts);
    if ('key' in found) throw this.#error(keyPath, 'no such key');
    const node = found.node;
    if (!isCollection(node)) throw this.#error(keyPath, node ? `it is a ${describe(node)}, not a collection` : 'it is empty, not a collection');
    if (isPairMapping(node)) throw this.#error(keyPath, PAIR_ENTRY_FIXED);
    if (!isSequence(node)) {
      if (!Array.isArray(entry) || entry.length !== 2 || !isScalarValue(entry[0])) throw this.#error(keyPath, 'adding to a mapping takes a [key, value] pair');
      if (realItemIndexes(node).some((i) => node.items[i]!.key && CST.resolveAsScalar(node.items[i]!.key)?.value === String(entry[0])))
        throw this.#error([...keyPath, String(entry[0])], 'the key exists already; use setIn');
    }
    this.#add(node, entry, opts.index);
  }

  /**
   * Adds an entry written as YAML text to the block collection at `keyPath`, for entries
   * whose layout the caller builds itself (aliases to the file's anchors, flow pairs,
   * comments): `text` is the entry as it would be written at column 0 (`- name: x` then
   * `  tags: ...` for a sequence; `key: value` for a mapping) and is moved to the
   * collection's indentation. Placed like {@link addIn}. The caller checks the result.
   */
  addTextIn(keyPath: KeyPath, text: string, opts: AddOptions = {}): void {
    const found = this.#navigate(keyPath, opts);
    if ('key' in found) throw this.#error(keyPath, 'no such key');
    const node = found.node;
    if (!isCollection(node) || node.type === 'flow-collection') {
      throw this.#error(keyPath, node ? `it is a ${describe(node)}, not a block collection` : 'it is empty, not a collection');
    }
    const item = itemFromText(text, node, this.#host.newline);
    this.#add(node, item, opts.index);
  }

  /** Removes the entry at `keyPath` with its own line(s); comments around it stay. */
  deleteIn(keyPath: KeyPath, opts: EditOptions = {}): void {
    if (keyPath.length === 0) throw this.#error(keyPath, 'cannot delete the document root');
    const found = this.#navigate(keyPath, opts);
    if ('key' in found) throw this.#error(keyPath, 'no such key');
    const last = found.steps[found.steps.length - 1]!;
    if (isPairMapping(last.collection)) throw this.#error(keyPath, PAIR_ENTRY_FIXED);
    const used = anchorsWithin(last.collection, last.item).filter((a) => this.#sharingFacts().aliasedAnchors.has(a));
    if (used.length) throw this.#error(keyPath, `it defines the anchor &${used[0]} that aliases elsewhere refer to; deleting it would leave them dangling`);
    deleteItem(this.cst, last.collection, last.itemIndex, [], found.steps[found.steps.length - 2]?.item);
    this.#changed(true);
  }

  /**
   * Turns the entry at `keyPath` into comment lines (`# - ["2.7", "ab12…"]`) at its own
   * indentation, keeping its text; the data no longer has the entry. For block
   * collections whose entry starts its own line.
   */
  commentOutIn(keyPath: KeyPath, opts: CommentOutOptions = {}): void {
    const marker = opts.marker ?? '# ';
    if (!/^#[ \t]*$/.test(marker)) throw this.#error(keyPath, `a comment marker is "#" and spaces, not ${JSON.stringify(marker)}`);
    if (keyPath.length === 0) throw this.#error(keyPath, 'cannot comment out the document root');
    const found = this.#navigate(keyPath, opts);
    if ('key' in found) throw this.#error(keyPath, 'no such key');
    const last = found.steps[found.steps.length - 1]!;
    if (last.collection.type === 'flow-collection') throw this.#error(keyPath, 'an entry of a flow collection cannot be commented out on its own');
    const used = anchorsWithin(last.collection, last.item).filter((a) => this.#sharingFacts().aliasedAnchors.has(a));
    if (used.length) throw this.#error(keyPath, `it defines the anchor &${used[0]} that aliases elsewhere refer to`);
    const item = last.item;
    const indicator = item.start.findIndex((t) => t.type === 'seq-item-ind' || t.type === 'explicit-key-ind');
    const own =
      indicator >= 0
        ? { ...item, start: item.start.slice(indicator) }
        : { ...item, start: item.start.filter((t) => t.type !== 'space' && t.type !== 'newline' && t.type !== 'comment') };
    const text = CST.stringify(own).replace(/\s+$/, '');
    const pad = ' '.repeat(last.collection.indent);
    const lines: CST.SourceToken[] = [];
    text.split(/\r?\n/).forEach((line, i) => {
      const body = i === 0 ? line : line.startsWith(pad) ? line.slice(pad.length) : line.trimStart();
      lines.push(sourceToken('space', pad), sourceToken('comment', `${marker}${body}`), sourceToken('newline', this.#host.newline));
    });
    try {
      deleteItem(this.cst, last.collection, last.itemIndex, lines, found.steps[found.steps.length - 2]?.item);
    } catch {
      throw this.#error(keyPath, 'the entry shares its line with its parent, so it cannot be commented out on its own');
    }
    this.#changed(true);
  }

  /** The document's current text. */
  toString(): string {
    return CST.stringify(this.cst);
  }

  #add(collection: Collection, entry: NewValue | CST.CollectionItem, index: number | undefined): void {
    const real = realItemIndexes(collection);
    if (index !== undefined && (!Number.isInteger(index) || index < 0 || index > real.length))
      throw new YamlEditError(this.#host.path, [index], `insert index out of range 0..${real.length}`);
    const at = index === undefined || index === real.length ? real.length : index;
    const templateIdx = at > 0 ? real[at - 1] : real[0];
    const template = templateIdx === undefined ? undefined : collection.items[templateIdx];
    const siblings = real.map((i) => collection.items[i]!);
    const item = isPrebuilt(entry) ? entry : renderItem(entry, { collection, template, siblings, newline: this.#host.newline });
    const block = collection.type !== 'flow-collection';
    let pos: number;
    if (at === 0 && real.length > 0) {
      pos = real[0]!;
      const first = collection.items[pos]!;
      if (block) {
        // the old first entry's indentation sits in its parent: the new entry takes it
        item.start = item.start.slice(1);
        first.start = [sourceToken('space', ' '.repeat(collection.indent), collection.indent), ...first.start];
      } else {
        item.start = [];
        first.start = [sourceToken('comma', ',', collection.indent), sourceToken('space', ' ', collection.indent), ...first.start];
      }
    } else if (real.length === 0) {
      pos = 0;
      if (!block) item.start = [];
    } else {
      pos = real[at - 1]! + 1;
      const before = collection.items[pos - 1]!;
      const indentOfNext = block ? trailingIndentation(before) : undefined;
      if (indentOfNext) {
        // the previous entry ends with the indentation of the line after it: that line
        // now comes after the new entry, and so does its indentation
        appendTrailing(item, sourceToken('space', indentOfNext.source));
        indentOfNext.source = '';
      } else if (block && !endsWithNewline(before)) {
        // appending after the last line of a file without a final newline: keep it missing
        item.start = [sourceToken('newline', this.#host.newline), ...item.start];
        dropFinalNewline(item);
      }
    }
    collection.items.splice(pos, 0, item);
    forgetItemIndex(collection);
    if (this.#sharing) noteSharing(this.#sharing, item, collection);
    this.#changed(true);
  }

  #navigate(keyPath: KeyPath, opts: EditOptions): ResolvedPath | MissingKey {
    return navigate(this.cst, keyPath, () => this.#sharingFacts(), {
      file: this.#host.path,
      shared: opts.shared ?? false,
      position: (offset) => this.#host.position(offset),
    });
  }

  #sharingFacts(): SharingFacts {
    return (this.#sharing ??= collectSharing(this.cst));
  }

  #changed(changed: boolean): boolean {
    if (changed) this.#host.touched();
    return changed;
  }

  #error(keyPath: KeyPath, reason: string): YamlEditError {
    return new YamlEditError(this.#host.path, keyPath, reason);
  }
}

/** Why a pair entry of a flow sequence keeps its one pair. */
const PAIR_ENTRY_FIXED =
  'it is a one-pair mapping written as an entry of a flow sequence (`[a: b]`); the editor can change its value or remove the whole entry, but not add or remove its pair (that would need `{a: b, …}`)';

/** Tags under which a string value may be written without removing the tag. */
const STRING_TAG = /^(!!str|!<tag:yaml\.org,2002:str>|!)$/;

function isPrebuilt(entry: NewValue | CST.CollectionItem): entry is CST.CollectionItem {
  return typeof entry === 'object' && entry !== null && !Array.isArray(entry) && Array.isArray((entry as { start?: unknown }).start);
}

function dropFinalNewline(item: CST.CollectionItem): void {
  const last = [...sourceTokensOf(item)].reverse().find((t) => t.type === 'newline');
  if (last) (last as CST.SourceToken).source = '';
}

function describe(token: CST.Token): string {
  if (token.type === 'block-map' || (token.type === 'flow-collection' && !isSequence(token))) return 'mapping';
  if (isCollection(token)) return 'sequence';
  return token.type;
}
