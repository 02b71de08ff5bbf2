/**
 * The engine: config -> target files -> format adapters -> registry queries -> edits ->
 * atomic writes, or a commit and push, or a pull request. Returns a plain result; never
 * prints, never reads the environment, never exits.
 *
 * Failure rules, which the front ends rely on:
 * - A target file that cannot be read, parsed or edited is reported in `errors` and left
 *   untouched; the other files still run.
 * - A registry or git failure throws (`RegistryError`, `GitError`) before anything is
 *   written or pushed.
 * - When the time budget runs out, the result is marked `partial` and nothing is written
 *   or pushed.
 */
import * as nodeFs from 'node:fs/promises';
import { join } from 'node:path';
import { TAG_MOVING_FORMATS } from '../config/config-keys.js';
import { DEFAULT_GITHUB_API_URL } from '../config/validate-git.js';
import { BACKENDAI_ONLY, defaultDigestForm } from '../config/validate-target.js';
import type { TargetConfig } from '../config/types.js';
import { ConfigError, FileTooLargeError, ImgsyncError } from '../errors.js';
import { findFormat, formatAdapter, noImagesReason } from '../formats/registry-of-formats.js';
import type { Change, FormatAdapter, TargetOptions } from '../formats/types.js';
import type { Checkout } from '../git/checkout.js';
import { deliver, openTarget } from '../git/deliver.js';
import type { ChangeSummary, FileContent, ReadFile } from '../git/types.js';
import { formatPlatform } from '../policy/digest-form.js';
import { parseYaml, type YamlFile } from '../yaml/index.js';
import { writeFileAtomic } from './atomic-write.js';
import { heapLimit, memoryProblem } from './memory-budget.js';
import { discoverRepositories, discoveryCandidates, planDiscovery } from './discovery.js';
import { BudgetExhausted, RegistryStates } from './registry-state.js';
import { globList, globLocal } from './target-files.js';
import { DEFAULT_MAX_FILE_BYTES, type FileResult, type UpdateFileSystem, type UpdateOptions, type UpdateResult } from './types.js';
import { unifiedDiff } from './unified-diff.js';

/** Files up to this size keep their planning parse for the apply (256 Ki UTF-16 units, a parse of ~25 MiB). */
const KEEP_PARSE_CHARS = 1 << 18;

interface PlannedFile {
  target: TargetConfig;
  path: string;
  /** The parse made while planning, handed to the first apply when the text is the same. */
  parsed?: { text: string; prepared: Prepared | Skipped };
}

/**
 * Runs one update.
 *
 * @example
 * const config = await loadConfig({ path: 'imgsync.config.yaml' });
 * const result = await runUpdate({ config, dryRun: true });
 * for (const file of result.files) process.stdout.write(file.diff);
 */
export async function runUpdate(options: UpdateOptions): Promise<UpdateResult> {
  const { config } = options;
  const fs: UpdateFileSystem = options.fs ?? nodeFs;
  const dryRun = options.dryRun ?? false;
  const useGit = options.push ?? config.git !== undefined;
  if (!useGit && config.git?.url) {
    throw new ConfigError(
      `git.url is set, so the target files live in that repository, not beside the config; without pushing there is nothing to edit locally (use a dry run to see the changes)`,
      { path: config.path },
    );
  }
  const maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  if (!Number.isSafeInteger(maxFileBytes) || maxFileBytes <= 0) throw new ConfigError(`maxFileBytes must be a positive whole number of bytes (got ${String(maxFileBytes)})`);
  const limits: FileLimits = { maxFileBytes, heapLimit: options.heapLimit ?? heapLimit };
  const states = new RegistryStates(options);
  const result: UpdateResult = { changed: false, drift: false, dryRun, files: [], changes: [], warnings: [], errors: [], stats: { registries: {} } };

  let checkout: Checkout | undefined;
  try {
    let read: ReadFile;
    let list: (patterns: readonly string[]) => Promise<string[]>;
    if (useGit) {
      const git = config.git;
      const target = git?.url
        ? { url: git.url, ...(git.branch && { branch: git.branch }) }
        : { dir: options.cwd ?? config.dir, ...(git?.branch && { branch: git.branch }) };
      checkout = await openTarget({ target, token: options.secrets?.gitToken, io: options.gitIo });
      const all = await checkout.listFiles();
      read = checkout.read;
      list = async (patterns) => globList(patterns, all);
    } else {
      read = async (path) => {
        // a file known to be too big is not read at all (prepare checks what was read)
        const size = await fs.stat(join(config.dir, path)).then((s) => s.size, () => undefined);
        if (size !== undefined && size > maxFileBytes) throw FileTooLargeError.bytes(path, size, maxFileBytes);
        return fs.readFile(join(config.dir, path), 'utf8').catch(() => undefined);
      };
      list = (patterns) => globLocal(patterns, config.dir);
    }

    // 1. Which files, and what they need from the registries.
    const planned: PlannedFile[] = [];
    for (const target of config.targets) {
      const paths = await list(target.files);
      if (!paths.length) result.warnings.push(`targets[${target.index}]: no file matches ${target.files.join(', ')}`);
      for (const path of paths) {
        const plan = await planFile(path, target, read, states, limits);
        if ('error' in plan) recordError(result, path, plan.error);
        else planned.push(plan);
      }
    }

    // 2. Apply, on the contents the delivery reads (recomputed after a lost push race).
    // A file matched by several targets gets each target's edits on top of the previous
    // ones, and one result (diff against the file as read).
    const applyAll = async (readNow: ReadFile): Promise<FileResult[]> => {
      const files = new Map<string, FileResult>();
      let done = 0;
      for (const plan of planned) {
        const { path } = plan;
        options.onProgress?.({ phase: 'apply', done: done++, total: planned.length, what: path });
        const prev = files.get(path);
        const result = checkEdited(await applyPlanned(plan, prev?.text, readNow, states, limits));
        if (!prev) {
          files.set(path, result);
          continue;
        }
        const original = (await readNow(path)) ?? '';
        const merged = result.text ?? prev.text ?? original;
        const both: FileResult = {
          ...prev,
          ...(!prev.format && result.format && { format: result.format }),
          changes: [...prev.changes, ...result.changes],
          text: merged,
          changed: merged !== original,
          diff: unifiedDiff(path, original, merged),
          ...((result.error ?? prev.error) && { error: result.error ?? prev.error }),
        };
        if (!result.skipped) delete both.skipped; // some target did follow the file
        files.set(path, both);
      }
      return [...files.values()];
    };

    if (!useGit || dryRun) {
      result.files = await applyAll(read);
      if (!dryRun) {
        for (const file of result.files) {
          if (file.changed && !file.error) await writeFileAtomic(fs, join(config.dir, file.path), file.text!);
        }
        result.delivery = { mode: 'files', pushed: false };
      }
    } else {
      const git = config.git;
      let last: FileResult[] = [];
      const delivered = await deliver({
        checkout: checkout!,
        token: options.secrets?.gitToken,
        mode: git?.mode ?? 'push',
        author: git?.author ?? { name: 'imgsync', email: 'imgsync@example.invalid' },
        ...(git?.message && { message: { subjectTemplate: git.message } }),
        pullRequest: {
          // the default API base is derived from the remote URL (GitHub Enterprise too)
          ...(git && git.githubApiUrl !== DEFAULT_GITHUB_API_URL && { apiBaseUrl: git.githubApiUrl }),
          ...(options.fetch && { fetch: options.fetch as typeof fetch }),
        },
        io: options.gitIo,
        edit: async (readNow) => {
          last = await applyAll(readNow);
          const files: FileContent[] = last.filter((f) => f.changed && !f.error).map((f) => ({ path: f.path, content: f.text! }));
          const all = last.flatMap((f) => f.changes);
          const notes = all.filter((c) => c.kind === 'reported' && c.code && c.message).map((c) => c.message!);
          return { files, changes: all.flatMap(toSummary), ...(notes.length && { notes }) };
        },
      });
      result.files = last;
      result.delivery = {
        mode: git?.mode ?? 'push',
        commit: delivered.commit,
        branch: delivered.branch,
        pushed: delivered.pushed,
        ...(delivered.pullRequest && { pullRequest: delivered.pullRequest }),
      };
    }
    for (const file of result.files) {
      delete file.text;
      if (file.error) recordError(result, file.path, file.error);
    }
    result.changes = result.files.flatMap((f) => f.changes);
    result.changed = result.files.some((f) => f.changed);
    result.drift = result.changed || result.changes.some((c) => c.code === 'new-repository');
  } catch (error) {
    if (!(error instanceof BudgetExhausted)) throw error;
    result.partial = { reason: error.message };
    result.files = [];
    result.changes = [];
    result.changed = false;
    result.drift = false;
  } finally {
    await checkout?.close().catch(() => {});
    await states.flush();
    result.warnings.push(...states.warnings);
    result.stats.registries = states.stats();
  }
  return result;
}

/**
 * Reads and parses one file and asks the registries what it needs. A function of its own so
 * that the parse is garbage when it returns (unless kept for the apply): a suspended async
 * function keeps its locals alive, and a 20 MiB file's parse is a gigabyte.
 */
async function planFile(
  path: string,
  target: TargetConfig,
  read: ReadFile,
  states: RegistryStates,
  limits: FileLimits,
): Promise<PlannedFile | { error: ImgsyncError | Error }> {
  let text: string | undefined;
  try {
    text = await read(path);
  } catch (error) {
    if (!(error instanceof FileTooLargeError)) throw error;
    return { error };
  }
  const prepared = prepare(path, target, text, limits);
  if ('error' in prepared) return prepared;
  if (!('skipped' in prepared)) {
    await states.resolve(prepared.adapter.wants(prepared.file, prepared.options), target, prepared.options.digest);
    await planDiscovery(states, prepared.file, prepared.adapter, target, prepared.options);
  }
  // a big file's parse is not kept until the apply (it would be held beside the next files'
  // parses): it is parsed again there
  return { target, path, ...(text !== undefined && text.length <= KEEP_PARSE_CHARS && { parsed: { text, prepared } }) };
}

interface FileLimits {
  maxFileBytes: number;
  heapLimit: () => number;
}

interface Prepared {
  file: YamlFile;
  adapter: FormatAdapter;
  options: TargetOptions;
}

/** A file `format: auto` finds nothing to follow in: left alone, with a note, not an error. */
interface Skipped {
  skipped: string;
}

function prepare(path: string, target: TargetConfig, text: string | undefined, limits: FileLimits): Prepared | Skipped | { error: ImgsyncError | Error } {
  if (text === undefined) return { error: new Error(`${path}: cannot read the file`) };
  const bytes = text.length * 3 > limits.maxFileBytes ? Buffer.byteLength(text) : 0; // UTF-8: at most 3 bytes per UTF-16 unit
  if (bytes > limits.maxFileBytes) return { error: FileTooLargeError.bytes(path, bytes, limits.maxFileBytes) };
  const tooMuch = memoryProblem(path, text, limits.heapLimit());
  if (tooMuch) return { error: tooMuch };
  try {
    const file = parseYaml(text, { path });
    const adapter = target.format === 'auto' ? findFormat(file) : formatAdapter(target.format);
    if (!adapter) return { skipped: noImagesReason(file) };
    checkDetectedFormat(path, target, adapter);
    return { file, adapter, options: targetOptions(target, adapter) };
  } catch (error) {
    if (error instanceof ImgsyncError) return { error };
    throw error;
  }
}

/** Parses (unless planning's parse serves) and edits one planned file; its parse is garbage on return. */
async function applyPlanned(plan: PlannedFile, edited: string | undefined, readNow: ReadFile, states: RegistryStates, limits: FileLimits): Promise<FileResult> {
  const { target, path } = plan;
  const current = edited ?? (await readNow(path));
  // the planning parse serves the first apply on the same text; after that, parse anew
  const parsed = plan.parsed;
  delete plan.parsed;
  const prepared = parsed && parsed.text === current ? parsed.prepared : prepare(path, target, current, limits);
  return applyFile(path, prepared, states, target);
}

function applyFile(path: string, prepared: Prepared | Skipped | { error: Error }, states: RegistryStates, target: TargetConfig): FileResult {
  if ('error' in prepared) return { path, changed: false, diff: '', changes: [], error: errorFacts(prepared.error) };
  if ('skipped' in prepared) return { path, changed: false, diff: '', changes: [], skipped: prepared.skipped };
  const { file, adapter, options } = prepared;
  const before = file.toString();
  try {
    // the file's entries as read (the edits change tags, not entries): read before the
    // edits, so that no re-composition of the edited text is needed unless discovery adds
    const found = discoveryCandidates(states, file, adapter, target);
    const changes = adapter.apply(file, states.lookup(target), options);
    changes.push(...discoverRepositories(states, file, adapter, target, options, found));
    const after = file.toString();
    return { path, format: adapter.name, changed: after !== before, diff: unifiedDiff(path, before, after), changes, text: after };
  } catch (error) {
    if (!(error instanceof ImgsyncError)) throw error;
    return { path, format: adapter.name, changed: false, diff: '', changes: [], error: errorFacts(error) };
  }
}

/**
 * The edited text must still be the YAML it claims to be; a file whose edits broke it is an
 * error and is not written. Parsed once more, after the edited file's CST is garbage, so
 * that two parses of a big file are never held at once.
 */
function checkEdited(result: FileResult): FileResult {
  if (!result.changed || result.text === undefined) return result;
  try {
    parseYaml(result.text, { path: result.path });
    return result;
  } catch (error) {
    if (!(error instanceof ImgsyncError)) throw error;
    return { path: result.path, ...(result.format && { format: result.format }), changed: false, diff: '', changes: [], error: errorFacts(error) };
  }
}

function targetOptions(target: TargetConfig, adapter: FormatAdapter): TargetOptions {
  return {
    repository: target.repository,
    tagPolicy: target.tagPolicy,
    digest: target.digest ?? defaultDigestForm(adapter.name) ?? 'manifest',
    platform: formatPlatform(target.platform),
    prune: target.prune,
    pin: target.pin,
    ...(target.update && { update: target.update }),
    ignore: target.ignoreRules,
    ...(target.tags.latest && { latest: {} }),
    ...(target.discover && { discover: { mode: target.discover.mode, ...(target.discover.entry && { entry: target.discover.entry }) } }),
    policies: Object.fromEntries(
      Object.entries(target.policies).map(([name, p]) => [name, { repository: p.repository ?? '', tagPolicy: p.tagPolicy }]),
    ),
  };
}

/**
 * `format: auto` learns a file's format only now: a setting that format cannot apply is a
 * configuration error for that file, at the setting, as it would be with the format
 * written (see `validate-target.ts`).
 */
function checkDetectedFormat(path: string, target: TargetConfig, adapter: FormatAdapter): void {
  if (target.format === 'auto' && adapter.name !== 'backendai') {
    for (const [key, why] of Object.entries(BACKENDAI_ONLY)) {
      const where = target.keyWhere[key];
      if (where) throw new ConfigError(`targets[${target.index}].${key}: applies only to format backendai: ${why}; ${path} is ${adapter.name}`, where);
    }
    if (target.digest !== undefined && target.digest !== 'manifest') {
      throw new ConfigError(`targets[${target.index}].digest: ${path} is ${adapter.name}, whose references are pinned to manifest digests; image ids are what Backend.AI files list`, target.keyWhere.digest ?? target.where);
    }
    if (target.tags.latest) {
      throw new ConfigError(`targets[${target.index}].tags.latest: ${path} is ${adapter.name}, whose references have no "latest" alias entry to re-point`, target.keyWhere.tags ?? target.where);
    }
  }
  if (target.format !== 'auto' || (TAG_MOVING_FORMATS as readonly string[]).includes(adapter.name)) return;
  if (target.pin) {
    throw new ConfigError(
      `targets[${target.index}].pin: ${path} is ${adapter.name}, whose entries hold image ids, not references to pin; set pin only on targets of the other formats`,
      target.keyWhere.pin ?? target.where,
    );
  }
  const set = { update: target.update !== undefined, ignore: target.ignore.length > 0 };
  for (const key of ['update', 'ignore'] as const) {
    if (!set[key]) continue;
    const moving = TAG_MOVING_FORMATS.filter((format) => format !== 'auto').join(', ');
    throw new ConfigError(
      `targets[${target.index}].${key}: applies only to formats ${moving}; ${path} is ${adapter.name}, whose entries follow every tag the registry has`,
      target.keyWhere[key] ?? target.where,
    );
  }
}

function errorFacts(error: Error): { code: string; message: string } {
  return { code: error instanceof ImgsyncError ? error.code : 'IO', message: error.message };
}

function recordError(result: UpdateResult, file: string, error: { code?: string; message: string }): void {
  result.errors.push({ file, code: error.code ?? 'IO', message: error.message });
}

/** The git layer's commit-message entry for a change; reports are not commits. */
function toSummary(change: Change): ChangeSummary[] {
  if (change.kind === 'reported') return [];
  const kind = change.kind === 'commented' ? 'removed' : change.kind;
  if (change.code === 'new-repository') return [{ file: change.file, image: change.image, tag: '(new repository)', kind }];
  return [
    {
      file: change.file,
      image: change.image,
      tag: change.tag ?? '',
      kind,
      ...(change.field && { field: change.field }),
      ...(change.old && { old: change.old }),
      ...(change.new && { new: change.new }),
    },
  ];
}
