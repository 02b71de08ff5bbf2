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
import { formatsPhrase, IMAGE_ID_TITLES, TAG_LIST_NAMES, TAG_LIST_ONLY, TAG_MOVING_FORMATS } from '../config/config-keys.js';
import { DEFAULT_GIT_AUTHOR } from '../config/shape/git.js';
import type { TargetConfig } from '../config/types.js';
import { Deadline } from '../deadline.js';
import { ConfigError, DeadlineError, errorFacts, FileError, FileTooLargeError, ImgsyncError, stripUrlCredentials } from '../errors.js';
import { findFormat, formatAdapter, noImagesReason, type FormatName } from '../formats/all-formats.js';
import type { Change, FormatAdapter, ImageWant, TargetOptions } from '../formats/types.js';
import { deliver, openTarget } from '../git/lazy.js';
import type { ChangeSummary, FileContent, ReadFile } from '../git/types.js';
import { chooseTransport, type Workspace } from '../git/workspace.js';
import { formatPlatform } from '../policy/digest-form.js';
import { parseYaml, type YamlFile } from '../yaml/index.js';
import { writeFileAtomic } from '../atomic-write.js';
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
type FilePlan = { wants: ImageWant[]; options: TargetOptions; entryNames: EntryNames | undefined } | Skipped | { error: ImgsyncError };

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
 * One run's state, passed from step to step: what was asked, the shared registry states,
 * the result being filled, and how far the run got (for the undone list of a stopped one).
 */
interface Run {
  options: UpdateOptions;
  config: UpdateOptions['config'];
  fs: UpdateFileSystem;
  dryRun: boolean;
  /** Deliver through git (a clone, the GitHub API, or the local checkout). */
  useGit: boolean;
  deadline: Deadline;
  states: RegistryStates;
  limits: FileLimits;
  result: UpdateResult;
  stage: Stage;
  /** Every file a target matched, in target order. */
  matched: string[];
  planned: PlannedFile[];
  /** Files that could not be read or parsed: in the result with their error. */
  unplanned: FileResult[];
  workspace: Workspace | undefined;
}

/** Where the target files are read: the workspace of a git run, or the config's directory. */
interface FileSource {
  read: ReadFile;
  list(patterns: readonly string[]): Promise<string[]>;
  /** The file a path is (through a symbolic link), for merging the edits of both. */
  keyOf(path: string): Promise<string>;
}

/**
 * Runs one update, in named steps: {@link startRun}, {@link openFiles}, {@link planFiles}
 * (the registries are asked here), then {@link writeLocally} or {@link deliverByGit} (each
 * applying the edits through {@link applyPlanned}), {@link summarise}; a stopped run
 * becomes a partial result ({@link stopRun}) and {@link finishRun} always cleans up.
 *
 * @example
 * const config = await loadConfig({ path: 'imgsync.config.yaml' });
 * const result = await runUpdate({ config, dryRun: true, deadline: Date.now() + 10 * 60_000 });
 * for (const file of result.files) process.stdout.write(file.diff);
 */
export async function runUpdate(options: UpdateOptions): Promise<UpdateResult> {
  const run = startRun(options);
  try {
    const files = await openFiles(run);
    await planFiles(run, files);
    // The registries are asked: the digest cache is written now and not held while the
    // files are parsed again (a fleet's shared states keep it for the next repository).
    if (!options.registryStates) await run.states.release();
    run.stage = 'apply';
    if (!run.useGit || run.dryRun) await writeLocally(run, files);
    else await deliverByGit(run, run.workspace!);
    summarise(run);
  } catch (error) {
    stopRun(run, error);
  } finally {
    await finishRun(run);
  }
  return run.result;
}

/** Checks the options and sets up the run: its deadline, registry states and limits. */
function startRun(options: UpdateOptions): Run {
  const { config } = options;
  const useGit = options.push ?? config.git !== undefined;
  if (!useGit && config.git?.url) {
    throw new ConfigError(
      `git.url is set, so the target files live in that repository, not beside the config; without pushing there is nothing to edit locally (use a dry run to see the changes)`,
      { path: config.path },
    );
  }
  const maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  if (!Number.isSafeInteger(maxFileBytes) || maxFileBytes <= 0)
    throw new ConfigError(`maxFileBytes must be a positive whole number of bytes (got ${String(maxFileBytes)})`);
  const deadline = new Deadline({
    ...(options.deadline !== undefined && { at: options.deadline }),
    ...(options.signal && { signal: options.signal }),
  });
  const dryRun = options.dryRun ?? false;
  return {
    options,
    config,
    fs: options.fs ?? nodeFs,
    dryRun,
    useGit,
    deadline,
    states: options.registryStates ?? new RegistryStates(options, deadline),
    limits: { maxFileBytes, heapLimit: options.heapLimit ?? heapLimit },
    result: { changed: false, drift: false, dryRun, files: [], changes: [], warnings: [], errors: [], stats: { registries: {} } },
    stage: 'open',
    matched: [],
    planned: [],
    unplanned: [],
    workspace: undefined,
  };
}

/** Opens where the target files are: the git workspace (clone, GitHub API, local checkout) or the config's directory. */
async function openFiles(run: Run): Promise<FileSource> {
  const { config, options, limits } = run;
  if (!run.useGit) {
    return {
      read: async (path) => {
        // a file known to be too big is not read at all (prepare checks what was read)
        const size = await run.fs.stat(join(config.dir, path)).then(
          (s) => s.size,
          () => undefined,
        );
        if (size !== undefined && size > limits.maxFileBytes) throw FileTooLargeError.bytes(path, size, limits.maxFileBytes);
        return run.fs.readFile(join(config.dir, path), 'utf8').catch(() => undefined);
      },
      list: (patterns) => globLocal(patterns, config.dir),
      keyOf: async (path) => path,
    };
  }
  const git = config.git;
  const target = git?.url
    ? { url: git.url, ...(git.branch && { branch: git.branch }) }
    : { dir: options.cwd ?? config.dir, ...(git?.branch && { branch: git.branch }) };
  const workspace = await openTarget({
    target,
    token: options.secrets?.gitToken,
    io: options.gitIo,
    deadline: run.deadline,
    maxFileBytes: limits.maxFileBytes,
    ...(git && { transport: git.transport, githubApiUrl: git.githubApiUrl }),
    ...(options.fetch && { fetch: options.fetch as typeof fetch }),
  });
  run.workspace = workspace;
  const all = await workspace.listFiles();
  return {
    read: workspace.read,
    list: async (patterns) => globList(patterns, all),
    keyOf: (path) => workspace.resolvePath(path).catch(() => path),
  };
}

/**
 * Which files each target matches, and what they need from the registries: each file is
 * read and parsed, its wants resolved (and its namespaces listed, for discovery), and its
 * parse dropped before the next (see {@link PlannedFile}).
 */
async function planFiles(run: Run, files: FileSource): Promise<void> {
  const { config, result, states } = run;
  run.stage = 'plan';
  const matches: { target: TargetConfig; paths: string[] }[] = [];
  for (const target of config.targets) {
    const paths = await files.list(target.files);
    if (!paths.length) result.warnings.push(`targets[${target.index}]: no file matches ${target.files.join(', ')}`);
    matches.push({ target, paths });
    run.matched.push(...paths);
  }
  for (const { target, paths } of matches) {
    for (const path of paths) {
      // planFile returns no reference to the parse: none is held while the registries answer
      const plan = planFile(path, target, await readTarget(files.read, path), run.limits);
      if ('error' in plan) {
        // a file that cannot be read or parsed is in the result like the others, with its error
        run.unplanned.push({ path, changed: false, diff: '', changes: [], error: plan.error.facts() });
        continue;
      }
      run.planned.push({ target, path, key: await files.keyOf(path) });
      if ('skipped' in plan) continue;
      await states.resolve(plan.wants, target, plan.options.digest);
      await planDiscovery(states, plan.entryNames, target, plan.options);
    }
  }
}

/**
 * Applies every planned edit to the files as `readNow` reads them (a delivery calls it
 * again after a lost push race). A file matched by several targets (or, in git mode,
 * through a symbolic link and as itself) gets each target's edits on top of the previous
 * ones, and one result (diff against the file as read).
 */
async function applyPlanned(run: Run, readNow: ReadFile): Promise<FileResult[]> {
  const files = new Map<string, FileResult>();
  let done = 0;
  for (const { target, path, key } of run.planned) {
    run.options.onProgress?.({ phase: 'apply', done: done++, total: run.planned.length, what: path });
    const prev = files.get(key);
    const current = prev?.text ?? (await readTarget(readNow, path));
    const result = checkEdited(applyFile(prev?.path ?? path, prepare(path, target, current, run.limits), run.states, target));
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
}

/** Local mode (or any dry run): applies the edits and, unless dry, writes each changed file atomically. */
async function writeLocally(run: Run, files: FileSource): Promise<void> {
  const { result } = run;
  result.files = await applyPlanned(run, files.read);
  run.deadline.check('writing the files');
  if (run.dryRun) return;
  for (const file of result.files) {
    if (file.changed && !file.error) await writeFileAtomic(run.fs, join(run.config.dir, file.path), file.text!);
  }
  result.delivery = { mode: 'files', pushed: false };
}

/** Git mode: one commit of the changed files, pushed (or a pull request), recomputed after a lost race. */
async function deliverByGit(run: Run, workspace: Workspace): Promise<void> {
  const { options, result } = run;
  const git = run.config.git;
  let last: FileResult[] = [];
  run.stage = 'deliver';
  const delivered = await deliver({
    checkout: workspace,
    token: options.secrets?.gitToken,
    mode: git?.mode ?? 'push',
    author: git?.author ?? { ...DEFAULT_GIT_AUTHOR },
    ...(git?.message && { message: { subjectTemplate: git.message } }),
    pullRequest: {
      // without one, the API base is derived from the remote URL (GitHub Enterprise too)
      ...(git?.githubApiUrl && { apiBaseUrl: git.githubApiUrl }),
      ...(options.fetch && { fetch: options.fetch as typeof fetch }),
    },
    io: options.gitIo,
    edit: async (readNow) => {
      last = await applyPlanned(run, readNow);
      // a symbolic link's edit goes to the file it leads to (at the commit built on now)
      const files: FileContent[] = await Promise.all(
        last.filter((f) => f.changed && !f.error).map(async (f) => ({ path: await workspace.resolvePath(f.path), content: f.text! })),
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

/** The result's files in match order (those that failed to plan too), their errors, changes and drift. */
function summarise(run: Run): void {
  const { result } = run;
  const applied = new Set(result.files.map((f) => f.path));
  const order = new Map(run.matched.map((path, i) => [path, i] as const));
  result.files = [...run.unplanned.filter((f) => !applied.has(f.path)), ...result.files].sort((a, b) => (order.get(a.path) ?? 0) - (order.get(b.path) ?? 0));
  for (const file of result.files) {
    delete file.text;
    if (file.error) result.errors.push({ file: file.path, ...file.error });
  }
  result.changes = result.files.flatMap((f) => f.changes);
  result.changed = result.files.some((f) => f.changed);
  result.drift = result.changed || result.changes.some((c) => c.code === 'new-repository');
}

/** A run its deadline or signal stopped is a partial result that wrote and pushed nothing; any other error is thrown. */
function stopRun(run: Run, error: unknown): void {
  // whatever the abort made a library throw, a stopped run is a partial result
  if (!(error instanceof DeadlineError) && !run.deadline.stopped) throw error;
  const stopped = error instanceof DeadlineError ? error : run.deadline.error(run.stage);
  const { result } = run;
  result.partial = { reason: stopped.message, undone: undoneWork(run, stopped) };
  result.files = [];
  result.changes = [];
  result.changed = false;
  result.drift = false;
  delete result.delivery;
}

/** Always: work still in flight stops, the workspace closes (a temp clone is removed), the digest cache is written, the stats and warnings are in. */
async function finishRun(run: Run): Promise<void> {
  const { options, result, states } = run;
  // work still in flight (other repositories of a failed run) stops here
  run.deadline.expire();
  await run.workspace?.close().catch(() => {});
  await states.flush();
  if (!options.registryStates) {
    result.warnings.push(...states.finalWarnings());
    if (options.recordSnapshot) result.recordedSnapshots = states.recordedSnapshots();
  } else result.warnings.push(...states.warnings);
  result.stats.registries = states.stats();
}

/** What a stopped run did not do, one line each (see `UpdateResult.partial`). */
function undoneWork(run: Run, stopped: DeadlineError): string[] {
  const { states } = run;
  const progress = run;
  const undone: string[] = [];
  const some = (items: readonly string[]) => (items.length > 10 ? `${items.slice(0, 10).join(', ')} and ${items.length - 10} more` : items.join(', '));
  const git = run.config.git;
  if (progress.stage === 'open') {
    const api = git?.url && chooseTransport({ url: git.url, transport: git.transport, githubApiUrl: git.githubApiUrl }) === 'github-api';
    undone.push(git?.url ? `${api ? 'read through the GitHub API' : 'clone'} ${stripUrlCredentials(git.url)}` : 'open the git checkout');
  }
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
  const branch = run.workspace?.branch ?? git?.branch;
  if (!run.useGit) undone.push('write the files');
  else if (stopped.during?.startsWith('the pull request'))
    undone.push(`open or update the pull request (${stopped.during.replace(/^the pull request from \S+ /, '')})`);
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
  adapter: FormatAdapter<FormatName>;
  options: TargetOptions;
}

/** A file `format: auto` finds nothing to follow in: left alone, with a note, not an error. */
interface Skipped {
  skipped: string;
}

function prepare(path: string, target: TargetConfig, text: ReadResult, limits: FileLimits): Prepared | Skipped | { error: ImgsyncError } {
  if (text instanceof FileError || text instanceof FileTooLargeError) return { error: text };
  if (text === undefined) return { error: new FileError(path, 'cannot read the file') };
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

function applyFile(path: string, prepared: Prepared | Skipped | { error: ImgsyncError }, states: RegistryStates, target: TargetConfig): FileResult {
  if ('error' in prepared) return { path, changed: false, diff: '', changes: [], error: prepared.error.facts() };
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
    digest: target.digest ?? adapter.digestForms[0],
    platform: formatPlatform(target.platform),
    prune: target.prune,
    pin: target.pin,
    ...(target.update && { update: target.update }),
    ignore: target.ignoreRules,
    ...(target.tags.latest && { latest: {} }),
    ...(target.discover && { discover: { mode: target.discover.mode, ...(target.discover.entry && { entry: target.discover.entry }) } }),
    policies: target.policies,
  };
}

/**
 * `format: auto` learns a file's format only now: a setting that format cannot apply is a
 * configuration error for that file, at the setting, as it would be with the format
 * written (see `config/shape/target.ts`).
 */
function checkDetectedFormat(path: string, target: TargetConfig, adapter: FormatAdapter): void {
  if (target.format !== 'auto') return;
  if (!adapter.listsTags) {
    for (const [key, why] of Object.entries(TAG_LIST_ONLY)) {
      const where = target.keyWhere[key];
      if (where)
        throw new ConfigError(`targets[${target.index}].${key}: applies only to ${formatsPhrase(TAG_LIST_NAMES)}: ${why}; ${path} is ${adapter.name}`, where);
    }
  }
  if (target.digest !== undefined && !adapter.digestForms.includes(target.digest)) {
    throw new ConfigError(
      `targets[${target.index}].digest: ${path} is ${adapter.name}, whose references are pinned to ${adapter.digestForms.join(' or ')} digests; image ids are what ${IMAGE_ID_TITLES} files list`,
      target.keyWhere.digest ?? target.where,
    );
  }
  if (!adapter.listsTags && target.tags.latest) {
    throw new ConfigError(
      `targets[${target.index}].tags.latest: ${path} is ${adapter.name}, whose references have no "latest" alias entry to re-point`,
      target.keyWhere.tags ?? target.where,
    );
  }
  if (target.pin && !adapter.pins) {
    throw new ConfigError(
      `targets[${target.index}].pin: ${path} is ${adapter.name}, whose entries hold image ids, not references to pin; set pin only on targets of the other formats`,
      target.keyWhere.pin ?? target.where,
    );
  }
  if (adapter.movesTags) return;
  const set = { update: target.update !== undefined, ignore: target.ignore.length > 0 };
  for (const key of ['update', 'ignore'] as const) {
    if (!set[key]) continue;
    const moving = TAG_MOVING_FORMATS.filter((format) => format !== 'auto');
    throw new ConfigError(
      `targets[${target.index}].${key}: applies only to ${formatsPhrase(moving)}; ${path} is ${adapter.name}, whose entries follow every tag the registry has`,
      target.keyWhere[key] ?? target.where,
    );
  }
}

/** The git layer's commit-message entry for a change; reports are not commits. */
function toSummary(change: Change): ChangeSummary[] {
  if (change.kind === 'reported') return [];
  const { kind } = change;
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
