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
 * - When the deadline passes (or `signal` fires), work in flight stops, the temp clone is
 *   removed, and the result is marked `partial` with what was left undone: nothing is
 *   written or pushed.
 * - A target that is a symbolic link is edited through it (git mode resolves it inside
 *   the commit); one leading out of the repository is that file's error.
 */
import * as nodeFs from 'node:fs/promises';
import { join } from 'node:path';
import { BACKENDAI_ONLY, TAG_MOVING_FORMATS } from '../config/config-keys.js';
import { DEFAULT_GITHUB_API_URL } from '../config/shape/git.js';
import { defaultDigestForm } from '../config/normalise.js';
import type { TargetConfig } from '../config/types.js';
import { Deadline } from '../deadline.js';
import { ConfigError, DeadlineError, FileError, FileTooLargeError, ImgsyncError, stripUrlCredentials } from '../errors.js';
import { findFormat, formatAdapter, noImagesReason } from '../formats/registry-of-formats.js';
import type { Change, FormatAdapter, ImageWant, TargetOptions } from '../formats/types.js';
import type { Checkout } from '../git/checkout.js';
import { deliver, openTarget } from '../git/lazy.js';
import type { ChangeSummary, FileContent, ReadFile } from '../git/types.js';
import { formatPlatform } from '../policy/digest-form.js';
import { parseYaml, type YamlFile } from '../yaml/index.js';
import { writeFileAtomic } from './atomic-write.js';
import { heapLimit, memoryProblem } from './memory-budget.js';
import { discoverRepositories, discoveryCandidates, discoveryEntryNames, planDiscovery, type EntryNames } from './discovery.js';
import { RegistryStates } from './registry-state.js';
import { globList, globLocal } from './target-files.js';
import { DEFAULT_MAX_FILE_BYTES, type FileResult, type UpdateFileSystem, type UpdateOptions, type UpdateResult } from './types.js';
import { unifiedDiff } from './unified-diff.js';

/**
 * A file to apply. Planning keeps no parse: a file's parse (YAML CST and document, ~3 KiB
 * per line of a Backend.AI list) is released before the first registry request and made
 * anew to apply, so a run holds one file's parse at a time, never all of them while the
 * registries answer.
 */
interface PlannedFile {
  target: TargetConfig;
  path: string;
  /** The file itself when `path` is a symbolic link (git mode): where the edit goes, and what merges. */
  key: string;
}

/** What planning reads off one file's parse: the images it names and, for discovery, its entries. */
type FilePlan = { wants: ImageWant[]; options: TargetOptions; entryNames: EntryNames | undefined } | Skipped | { error: ImgsyncError | Error };

function planFile(path: string, target: TargetConfig, text: ReadResult, limits: FileLimits): FilePlan {
  const prepared = prepare(path, target, text, limits);
  if ('error' in prepared || 'skipped' in prepared) return prepared;
  const { file, adapter, options } = prepared;
  return { wants: adapter.wants(file, options), options, entryNames: discoveryEntryNames(file, adapter, target) };
}

/** What reading a target gives: its text, `undefined` when absent, or why it cannot be edited. */
type ReadResult = string | undefined | FileError | FileTooLargeError;

/** How far a run got, for the undone list of a stopped one. */
type Stage = 'open' | 'plan' | 'apply' | 'deliver';

/**
 * Runs one update.
 *
 * @example
 * const config = await loadConfig({ path: 'imgsync.config.yaml' });
 * const result = await runUpdate({ config, dryRun: true, deadline: Date.now() + 10 * 60_000 });
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
  const deadline = new Deadline({
    ...(options.deadline !== undefined && { at: options.deadline }),
    ...(options.signal && { signal: options.signal }),
  });
  const states = options.registryStates ?? new RegistryStates(options, deadline);
  const maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  if (!Number.isSafeInteger(maxFileBytes) || maxFileBytes <= 0) throw new ConfigError(`maxFileBytes must be a positive whole number of bytes (got ${String(maxFileBytes)})`);
  const limits: FileLimits = { maxFileBytes, heapLimit: options.heapLimit ?? heapLimit };
  const result: UpdateResult = { changed: false, drift: false, dryRun, files: [], changes: [], warnings: [], errors: [], stats: { registries: {} } };
  const progress: { stage: Stage; matched: string[]; planned: PlannedFile[] } = { stage: 'open', matched: [], planned: [] };

  let checkout: Checkout | undefined;
  try {
    let read: ReadFile;
    let list: (patterns: readonly string[]) => Promise<string[]>;
    let keyOf: (path: string) => Promise<string> = async (path) => path;
    if (useGit) {
      const git = config.git;
      const target = git?.url
        ? { url: git.url, ...(git.branch && { branch: git.branch }) }
        : { dir: options.cwd ?? config.dir, ...(git?.branch && { branch: git.branch }) };
      checkout = await openTarget({ target, token: options.secrets?.gitToken, io: options.gitIo, deadline });
      const opened = checkout;
      const all = await opened.listFiles();
      read = opened.read;
      list = async (patterns) => globList(patterns, all);
      keyOf = (path) => opened.resolvePath(path).catch(() => path);
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
    progress.stage = 'plan';
    const matches: { target: TargetConfig; paths: string[] }[] = [];
    for (const target of config.targets) {
      const paths = await list(target.files);
      if (!paths.length) result.warnings.push(`targets[${target.index}]: no file matches ${target.files.join(', ')}`);
      matches.push({ target, paths });
      progress.matched.push(...paths);
    }
    const planned = progress.planned;
    for (const { target, paths } of matches) {
      for (const path of paths) {
        // planFile returns no reference to the parse: none is held while the registries answer
        const plan = planFile(path, target, await readTarget(read, path), limits);
        if ('error' in plan) {
          recordError(result, path, plan.error);
          continue;
        }
        planned.push({ target, path, key: await keyOf(path) });
        if ('skipped' in plan) continue;
        await states.resolve(plan.wants, target, plan.options.digest);
        await planDiscovery(states, plan.entryNames, target, plan.options);
      }
    }

    // The registries are asked: the digest cache is written now and not held while the
    // files are parsed again (a fleet's shared states keep it for the next repository).
    if (!options.registryStates) await states.release();

    // 2. Apply, on the contents the delivery reads (recomputed after a lost push race).
    // A file matched by several targets (or, in git mode, through a symbolic link and as
    // itself) gets each target's edits on top of the previous ones, and one result (diff
    // against the file as read).
    const applyAll = async (readNow: ReadFile): Promise<FileResult[]> => {
      const files = new Map<string, FileResult>();
      let done = 0;
      for (const plan of planned) {
        const { target, path, key } = plan;
        options.onProgress?.({ phase: 'apply', done: done++, total: planned.length, what: path });
        const prev = files.get(key);
        const current = prev?.text ?? (await readTarget(readNow, path));
        const result = checkEdited(applyFile(prev?.path ?? path, prepare(path, target, current, limits), states, target));
        if (key !== path && !prev) result.linkTo = key;
        if (!prev) {
          files.set(key, result);
          continue;
        }
        const originalRead = await readTarget(readNow, prev.path);
        const original = typeof originalRead === 'string' ? originalRead : '';
        const merged = result.text ?? prev.text ?? original;
        const both: FileResult = {
          ...prev,
          ...(!prev.format && result.format && { format: result.format }),
          changes: [...prev.changes, ...result.changes],
          text: merged,
          changed: merged !== original,
          diff: unifiedDiff(prev.path, original, merged),
          ...((result.error ?? prev.error) && { error: result.error ?? prev.error }),
        };
        if (!result.skipped) delete both.skipped; // some target did follow the file
        files.set(key, both);
      }
      return [...files.values()];
    };

    progress.stage = 'apply';
    if (!useGit || dryRun) {
      result.files = await applyAll(read);
      deadline.check('writing the files');
      if (!dryRun) {
        for (const file of result.files) {
          if (file.changed && !file.error) await writeFileAtomic(fs, join(config.dir, file.path), file.text!);
        }
        result.delivery = { mode: 'files', pushed: false };
      }
    } else {
      const git = config.git;
      const opened = checkout!;
      let last: FileResult[] = [];
      progress.stage = 'deliver';
      const delivered = await deliver({
        checkout: opened,
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
          // a symbolic link's edit goes to the file it leads to (at the commit built on now)
          const files: FileContent[] = await Promise.all(
            last.filter((f) => f.changed && !f.error).map(async (f) => ({ path: await opened.resolvePath(f.path), content: f.text! })),
          );
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
    // whatever the abort made a library throw, a stopped run is a partial result
    if (!(error instanceof DeadlineError) && !deadline.stopped) throw error;
    const stopped = error instanceof DeadlineError ? error : deadline.error(progress.stage);
    result.partial = { reason: stopped.message, undone: undoneWork(progress, states, stopped, { useGit, dryRun, config, checkout }) };
    result.files = [];
    result.changes = [];
    result.changed = false;
    result.drift = false;
    delete result.delivery;
  } finally {
    // work still in flight (other repositories of a failed run) stops here
    deadline.expire();
    await checkout?.close().catch(() => {});
    await states.flush();
    result.warnings.push(...states.warnings);
    result.stats.registries = states.stats();
  }
  return result;
}

/** What a stopped run did not do, one line each (see `UpdateResult.partial`). */
function undoneWork(
  progress: { stage: Stage; matched: string[]; planned: PlannedFile[] },
  states: RegistryStates,
  stopped: DeadlineError,
  run: { useGit: boolean; dryRun: boolean; config: UpdateOptions['config']; checkout: Checkout | undefined },
): string[] {
  const undone: string[] = [];
  const some = (items: readonly string[]) => (items.length > 10 ? `${items.slice(0, 10).join(', ')} and ${items.length - 10} more` : items.join(', '));
  const git = run.config.git;
  if (progress.stage === 'open') undone.push(git?.url ? `clone ${stripUrlCredentials(git.url)}` : 'open the git checkout');
  if (progress.stage === 'open' || progress.stage === 'plan') {
    const unresolved = states.unresolved();
    if (unresolved.length) undone.push(`registry: ${unresolved.length} repositor${unresolved.length === 1 ? 'y' : 'ies'} not resolved: ${some(unresolved)}`);
    const read = new Set(progress.planned.map((p) => p.path));
    const unread = [...new Set(progress.matched.filter((p) => !read.has(p)))];
    if (unread.length) undone.push(`files not read: ${some(unread)}`);
    if (progress.stage === 'open') undone.push('read the target files and ask the registries');
  }
  const files = [...new Set(progress.planned.map((p) => p.path))];
  if (files.length && !run.dryRun) undone.push(`files not updated: ${some(files)}`);
  if (run.dryRun) return undone;
  const branch = run.checkout?.branch ?? git?.branch;
  if (!run.useGit) undone.push('write the files');
  else if (stopped.during?.startsWith('the pull request')) undone.push(`open or update the pull request (${stopped.during.replace(/^the pull request from \S+ /, '')})`);
  else if (git?.mode === 'pull-request') undone.push(`push imgsync/${branch ?? '<branch>'} and open or update the pull request`);
  else undone.push(`commit and push${branch ? ` to ${branch}` : ''}`);
  return undone;
}

/** Reads a target; a file that cannot be edited where it is (a link out of the repository) is that file's error, not the run's. */
async function readTarget(read: ReadFile, path: string): Promise<ReadResult> {
  try {
    return await read(path);
  } catch (error) {
    if (error instanceof FileError || error instanceof FileTooLargeError) return error;
    throw error;
  }
}

interface FileLimits {
  maxFileBytes: number;
  heapLimit: () => number;
}

interface Prepared {
  file: YamlFile;
  /** The text `file` was parsed from. */
  text: string;
  adapter: FormatAdapter;
  options: TargetOptions;
}

/** A file `format: auto` finds nothing to follow in: left alone, with a note, not an error. */
interface Skipped {
  skipped: string;
}

function prepare(path: string, target: TargetConfig, text: ReadResult, limits: FileLimits): Prepared | Skipped | { error: ImgsyncError | Error } {
  if (text instanceof FileError || text instanceof FileTooLargeError) return { error: text };
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
    return { file, text, adapter, options: targetOptions(target, adapter) };
  } catch (error) {
    if (error instanceof ImgsyncError) return { error };
    throw error;
  }
}

function applyFile(path: string, prepared: Prepared | Skipped | { error: Error }, states: RegistryStates, target: TargetConfig): FileResult {
  if ('error' in prepared) return { path, changed: false, diff: '', changes: [], error: errorFacts(prepared.error) };
  if ('skipped' in prepared) return { path, changed: false, diff: '', changes: [], skipped: prepared.skipped };
  const { file, adapter, options } = prepared;
  // the text as read is what the unedited file prints (the CST is lossless): printing it
  // again, twice for an unedited file, would only make garbage while the parse is live
  const before = prepared.text;
  try {
    // the file's entries as read (the edits change tags, not entries): read before the
    // edits, so that no re-composition of the edited text is needed unless discovery adds
    const found = discoveryCandidates(states, file, adapter, target);
    const changes = adapter.apply(file, states.lookup(target, options.digest), options);
    changes.push(...discoverRepositories(states, file, adapter, target, options, found));
    const after = file.edited ? file.toString() : before;
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
 * written (see `config/shape/target.ts`).
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
