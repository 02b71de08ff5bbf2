/**
 * The engine's options and result: plain data in, plain data out, so that the CLI can
 * print it, the Lambda handler can log it and a library user can inspect it.
 */
import type { ImgsyncConfig } from '../config/types.js';
import type { ErrorFacts } from '../errors.js';
import type { FormatName } from '../formats/all-formats.js';
import type { Change } from '../formats/types.js';
import type { DeliveryMode } from '../git/deliver-options.js';
import type { GitIo } from '../git/types.js';
import type { FetchLike, RegistryCredentials, RegistrySource, RegistryStats } from '../registry/types.js';
import type { ManifestCache } from '../registry/manifest-cache.js';
import type { RegistrySnapshot, SnapshotSet } from '../registry/snapshot.js';
import type { RegistryStates } from './registry-state.js';

/** The file system the engine reads and writes target files with (local mode). */
export interface UpdateFileSystem {
  readFile(path: string, encoding: 'utf8'): Promise<string>;
  writeFile(path: string, data: string, encoding: 'utf8'): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
  /** `size` (bytes), when given, lets a file over `maxFileBytes` be refused without reading it. */
  stat(path: string): Promise<{ mode: number; size?: number }>;
  chmod(path: string, mode: number): Promise<void>;
  /** Resolves symbolic links, so that a symlinked target's own file is replaced, not the link. */
  realpath?(path: string): Promise<string>;
}

/**
 * What {@link runUpdate} takes: the loaded config, and how the run reads, asks, writes and delivers. Everything that does I/O can be injected (`fs`, `fetch`, `gitIo`, `registrySource`).
 */
export interface UpdateOptions {
  config: ImgsyncConfig;
  /** Compute the changes and the diff, write and push nothing. */
  dryRun?: boolean;
  /**
   * Deliver through git. Default: when the config has a `git` section. `true` without one
   * commits and pushes the checkout in `cwd` with default settings.
   */
  push?: boolean;
  /** Resolved secrets: core never reads the environment. */
  secrets?: {
    gitToken?: string;
    /** Keyed by canonical registry name (`docker.io`, `http://127.0.0.1:5000`). */
    registries?: Record<string, RegistryCredentials | undefined>;
  };
  /** Directory of the local checkout for git without `url`; default `config.dir`. */
  cwd?: string;
  fs?: UpdateFileSystem;
  fetch?: FetchLike;
  gitIo?: GitIo;
  /** Digest -> manifest cache shared by the registry clients (a JSON file path or a cache). */
  manifestCache?: ManifestCache | string;
  /** Path of a docker `config.json` for registry credentials. */
  dockerConfigPath?: string;
  /** Replaces the registry source of a registry name (tests, embedding). */
  registrySource?: (registry: string) => RegistrySource | undefined;
  /**
   * When the run must be over, in milliseconds since the epoch (Lambda's
   * `Date.now() + getRemainingTimeInMillis()`, the CLI's `--timeout`). Every registry
   * request, retry and wait, the clone, the push and the GitHub API are capped by it; when
   * it passes, work in flight stops and the result is `partial`: nothing written or pushed.
   */
  deadline?: number;
  /** Stops the run like a passed deadline when it fires (SIGTERM in the CLI). */
  signal?: AbortSignal;
  /**
   * No registry request starts with less than this left (default 10 000 ms): the rest is
   * kept for editing and delivering. Applies only with a `deadline`.
   */
  minRemainingMs?: number;
  /**
   * Largest target file edited, in bytes (default {@link DEFAULT_MAX_FILE_BYTES}, 20 MiB):
   * a bigger one is a per-file `FileTooLargeError` and is left untouched, the others run.
   * Time and memory grow linearly with a file's size; this bounds both (a 20 MiB
   * Backend.AI file needs about 2.3 GiB of heap: see bench/RESULTS.md).
   */
  maxFileBytes?: number;
  /**
   * The heap this process may grow to, in bytes, asked before a big file is parsed: a file
   * whose YAML tokens would need more than 85 % of it is a per-file `FileTooLargeError`
   * instead of an out-of-memory abort (see `memory-budget.ts`). Default: V8's limit.
   */
  heapLimit?: () => number;
  /**
   * The registry state recorded once for this tick (`imgsync snapshot --config`), shared by
   * the shards of a fleet: a lookup it holds costs no request; one it does not hold (a
   * repository, tag or platform the recording run did not need) is asked live. A snapshot
   * older than `snapshotMaxAgeMs` is set aside with a warning.
   */
  snapshot?: SnapshotSet;
  /** Default 6 hours. */
  snapshotMaxAgeMs?: number;
  /** Record what the live registries answered, as `recordedSnapshots` of the result. */
  recordSnapshot?: boolean;
  /** Called as registry work progresses (for a TTY progress line). */
  onProgress?: (event: ProgressEvent) => void;
  /**
   * @internal Registry sources and states shared with other runs (the repositories of a
   * fleet), so that each image is asked about once. Default: the run's own.
   */
  registryStates?: RegistryStates;
}

/** The default `maxFileBytes`: 20 MiB, some 100 times Backend.AI's real image list. */
export const DEFAULT_MAX_FILE_BYTES = 20 * 1024 * 1024;

/** Progress of a run, for a progress line: `done` of `total` in a phase, and what is being worked on. */
export interface ProgressEvent {
  phase: 'registry' | 'apply' | 'deliver';
  done: number;
  total: number;
  what?: string;
}

/** One target file's outcome: its diff and changes, or why it was left alone (`error`, `skipped`). */
export interface FileResult {
  /** Path as the user sees it: relative to the config dir or the repository root. */
  path: string;
  format?: FormatName;
  changed: boolean;
  /** Unified diff of the file ('' when unchanged). */
  diff: string;
  changes: Change[];
  /** A file that could not be read, parsed or edited: it is left untouched. */
  error?: ErrorFacts;
  /**
   * Why `format: auto` left the file alone: it has nothing to follow (`no image
   * references`). A note, not an error; the file is untouched.
   */
  skipped?: string;
  /** The file a symbolic link `path` leads to, when it is one (the edit is written there). */
  linkTo?: string;
  /** The new text, while the engine runs (removed from the returned result). */
  text?: string;
}

/**
 * What {@link runUpdate} returns: plain data (the CLI prints it, `--json` is it, the Lambda logs it). A stopped run has `partial` and no files.
 */
export interface UpdateResult {
  /** True when some file changed (or would change, in a dry run). */
  changed: boolean;
  /**
   * True when the files are behind the registries: some file changed (or would), or
   * discovery found a repository the files have no entry for. What `check` exits 1 on.
   */
  drift: boolean;
  dryRun: boolean;
  files: FileResult[];
  /** All changes of all files, including `reported` ones (vanished tags, dangling aliases). */
  changes: Change[];
  warnings: string[];
  /** Per-file errors (also in `files[].error`); other files still ran. */
  errors: (ErrorFacts & { file: string })[];
  /** Set when the run stopped early (time budget, or `signal`): nothing was written or pushed. */
  partial?: {
    /** What stopped it and where: `time budget ran out during registry ghcr.io: tags of org/app`. */
    reason: string;
    /** What was left undone, one line each: repositories not resolved, files not updated, the push. */
    undone: string[];
  };
  delivery?: {
    mode: DeliveryMode | 'files';
    commit?: string;
    branch?: string;
    pushed: boolean;
    pullRequest?: { number: number; url: string; action: 'created' | 'updated' };
  };
  stats: { registries: Record<string, RegistryStats> };
  /** With `recordSnapshot`: what the live registries answered, one snapshot per registry. */
  recordedSnapshots?: RegistrySnapshot[];
}
