/**
 * `parseYaml` and `YamlFile`: a YAML file (one or more documents) that can be edited
 * without being re-serialised.
 *
 * The text is parsed once into the `yaml` package's CST, which is lossless, and composed
 * once into Documents, to report syntax errors up front. Edits then change CST tokens in
 * place; `toString()` concatenates the tokens, so every byte outside the edited spans —
 * comments, anchors, aliases, merge keys, quoting, column alignment, blank lines, CRLF
 * line ends, a BOM, a missing final newline — comes back as it was.
 */
import { CST, Composer, type Document, LineCounter, type ParseOptions, type DocumentOptions, type SchemaOptions } from 'yaml';
import { YamlSyntaxError } from '../errors.js';
import { parseCompact } from './compact-cst.js';
import { detectNewline } from './cst-tokens.js';
import { documentProblem } from './document-checks.js';
import type { LinePosition } from './line-index.js';
import { MAX_NESTING_DEPTH, tooDeep } from './nesting-depth.js';
import { plainData } from './plain-data.js';
import { type AddOptions, type CommentOutOptions, type DocumentHost, type EditOptions, YamlDocument } from './yaml-document.js';
import type { KeyPath } from './navigate.js';
import type { ScalarValue } from './render-scalar.js';
import type { NewValue } from './render-item.js';

/** Options of {@link parseYaml}. */
export interface ParseYamlOptions {
  /** Shown in errors; defaults to `<input>`. */
  path?: string;
  /**
   * Collect syntax errors in `file.errors` instead of throwing. For text that is only
   * nearly YAML, such as a Helm template: it still round-trips byte for byte, and the
   * well-formed parts can be read, but callers should not edit it.
   */
  allowErrors?: boolean;
}

/**
 * Options for composing: merge keys on. Duplicate keys (scalars of equal value; empty keys,
 * `: a` twice, are valid YAML), aliases without anchor and merge sources are checked by
 * `documentProblem` in one pass, since the `yaml` package's own checks are quadratic.
 */
const composeOptions: ParseOptions & DocumentOptions & SchemaOptions = {
  merge: true,
  uniqueKeys: false,
  strict: true,
};

class YamlFileHost implements DocumentHost {
  readonly path: string;
  readonly newline: string;
  #file: YamlFile;
  /** The composition of the current text; without its CST, which is the file's own until an edit. */
  #composed: Omit<Composed, 'tokens'> | undefined;
  #data = new Map<number, unknown>();
  /** Positions in the text as read, which the CST's offsets refer to. */
  readonly position: (offset: number) => LinePosition;
  /** Whether an edit changed a token since the text was parsed. */
  edited = false;

  constructor(file: YamlFile, path: string, newline: string, composed: Composed) {
    this.#file = file;
    this.path = path;
    this.newline = newline;
    this.#composed = composed;
    this.position = composed.position;
  }

  #current(): Omit<Composed, 'tokens'> {
    if (!this.#composed) {
      // after an edit: the offsets of the edited CST are stale, so the text is parsed again;
      // only the composition is kept (the new CST is as big as the file's own)
      const { docs, errors, position } = composeAll(this.#file.toString(), this.path, true);
      this.#composed = { docs, errors, position };
    }
    return this.#composed;
  }

  composed(index: number): Document.Parsed {
    const doc = this.#current().docs[index];
    if (!doc) throw new Error(`internal: document ${index} is gone`);
    return doc;
  }

  data(index: number): unknown {
    if (!this.#data.has(index)) {
      const doc = this.composed(index);
      this.#data.set(index, plainData(doc, { path: this.path, position: this.#composed!.position }));
    }
    return this.#data.get(index);
  }

  touched(): void {
    this.edited = true;
    this.#composed = undefined;
    this.#data.clear();
  }
}

interface Composed {
  tokens: CST.Token[];
  docs: Document.Parsed[];
  errors: YamlSyntaxError[];
  /** Line and column of an offset of the composed text. */
  position: (offset: number) => LinePosition;
}

function composeAll(text: string, path: string, allowErrors = false): Composed {
  const lineCounter = new LineCounter();
  const position = (offset: number): LinePosition => lineCounter.linePos(offset);
  // the CST compacted as it is built (the parser's own lists and items are oversized)
  const tokens = parseCompact(text, lineCounter.addNewLine);
  for (const token of tokens) {
    // before anything recursive runs over the tokens; thrown even with allowErrors, since
    // nothing can be composed or printed past this depth
    const deep = tooDeep(token);
    if (deep) {
      const { line, col } = position(deep.offset);
      throw new YamlSyntaxError(path, line, col, `nested too deeply: more than ${MAX_NESTING_DEPTH} levels of collections`);
    }
  }
  const docs = [...new Composer(composeOptions).compose(tokens)] as Document.Parsed[];
  const errors: YamlSyntaxError[] = [];
  const fail = (offset: number, reason: string): void => {
    const { line, col } = position(offset);
    const error = new YamlSyntaxError(path, line, col, reason);
    if (!allowErrors) throw error;
    errors.push(error);
  };
  for (const doc of docs) {
    for (const err of doc.errors) fail(err.pos[0], err.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, ''));
    const problem = documentProblem(doc);
    if (problem) fail(problem.offset, problem.reason);
  }
  return { tokens, docs, errors, position };
}

/**
 * A parsed YAML file. The editing methods act on the first document; `documents` holds
 * one editor per document of a multi-document stream.
 */
export class YamlFile {
  readonly path: string;
  readonly documents: readonly YamlDocument[];
  /** The file's line break, `\n` or `\r\n`; new lines are written with it. */
  readonly newline: string;
  /** Syntax errors found with `allowErrors`; empty otherwise (errors throw). */
  readonly errors: readonly YamlSyntaxError[];
  #tokens: CST.Token[];
  #host: YamlFileHost;

  constructor(text: string, opts: ParseYamlOptions = {}) {
    this.path = opts.path ?? '<input>';
    this.newline = detectNewline(text);
    const composed = composeAll(text, this.path, opts.allowErrors);
    const { tokens, errors } = composed;
    this.#tokens = tokens;
    this.errors = errors;
    const host = new YamlFileHost(this, this.path, this.newline, composed);
    this.#host = host;
    this.documents = tokens.filter((t): t is CST.Document => t.type === 'document').map((cst, i) => new YamlDocument(cst, i, host));
  }

  #first(): YamlDocument {
    const doc = this.documents[0];
    if (!doc) throw new YamlSyntaxError(this.path, 1, 1, 'the file holds no YAML document');
    return doc;
  }

  getIn(keyPath: KeyPath): unknown {
    return this.documents[0]?.getIn(keyPath);
  }

  hasIn(keyPath: KeyPath): boolean {
    return this.documents[0]?.hasIn(keyPath) ?? false;
  }

  setIn(keyPath: KeyPath, value: ScalarValue, opts?: EditOptions): boolean {
    return this.#first().setIn(keyPath, value, opts);
  }

  addIn(keyPath: KeyPath, entry: NewValue, opts?: AddOptions): void {
    this.#first().addIn(keyPath, entry, opts);
  }

  addTextIn(keyPath: KeyPath, text: string, opts?: AddOptions): void {
    this.#first().addTextIn(keyPath, text, opts);
  }

  deleteIn(keyPath: KeyPath, opts?: EditOptions): void {
    this.#first().deleteIn(keyPath, opts);
  }

  commentOutIn(keyPath: KeyPath, opts?: CommentOutOptions): void {
    this.#first().commentOutIn(keyPath, opts);
  }

  /**
   * Whether an edit (`setIn`, `addIn`, `deleteIn`, …) changed the file since it was parsed;
   * while it has not, `toString()` is the parsed text. Lets a caller that still holds the
   * text skip printing an unedited file (at 10,000 lines, ~10 MiB of short-lived strings).
   */
  get edited(): boolean {
    return this.#host.edited;
  }

  /** The original bytes, except the edited spans. */
  toString(): string {
    let out = '';
    for (const token of this.#tokens) out += CST.stringify(token);
    return out;
  }
}

/**
 * Parses YAML text for editing. Throws `YamlSyntaxError` (path, 1-based line and column,
 * the parser's message) when the text is not valid YAML.
 *
 * @example
 * const file = parseYaml(text, { path: 'images.yml' });
 * file.getIn(['images', 0, 'tags', 1, 1]);                    // 'ca7b9f52b6c2'
 * file.setIn(['images', 0, 'tags', 1, 1], 'deadbeef0001');     // keeps the quotes
 * file.addIn(['images', 0, 'tags'], ['3.7-ubuntu', '0123456789ab']);
 * await writeFile('images.yml', file.toString());            // only those spans changed
 */
export function parseYaml(text: string, opts: ParseYamlOptions = {}): YamlFile {
  return new YamlFile(text, opts);
}
