/**
 * Shared types of git delivery: what the engine hands in (an edit callback, a change
 * list), what it gets back, and the injected I/O (file system, HTTP transport, clock,
 * temp directory) that lets the same code run in Node, Lambda and tests.
 */
import type { HttpClient, PromiseFsClient } from 'isomorphic-git';
import type { ChangeKind } from '../change-kind.js';

/** What happened to one image reference, for the commit message; the engine fills one per edit it made. */
export interface ChangeSummary {
  /** Repository-relative path of the edited file, `/`-separated. */
  file: string;
  /** Image name as the file writes it (`python`, `cr.backend.ai/stable/python`). */
  image: string;
  /** The tag the entry names after the change (a moved tag's new one). */
  tag: string;
  /** What the edit did; `reported` changes edit nothing and are not committed. */
  kind: Exclude<ChangeKind, 'reported'>;
  /** What `old` and `new` are: the tags themselves (`tag`), the digest of `tag`, or (absent) the value stored for `tag`. */
  field?: 'tag' | 'digest';
  /** Previous value (tag, digest, image id, `:alias`) where there was one. */
  old?: string;
  /** New value, where there is one. */
  new?: string;
}

/** One file to write, repository-relative path with `/` separators, UTF-8 content. */
export interface FileContent {
  path: string;
  content: string;
}

/** Reads a repository-relative file at the commit being built on; `undefined` if absent. */
export type ReadFile = (path: string) => Promise<string | undefined>;

/**
 * Computes the new file contents from the current ones. Called once per attempt: when a
 * push loses a race, it is called again on the contents the other writer left, so the
 * edit is recomputed rather than replayed as a text patch. Return no files (or files
 * identical to what `read` gave) for "nothing to do".
 */
export type EditFunction = (read: ReadFile) => Promise<EditResult>;

/** What an {@link EditFunction} returns: the files to commit and the changes the commit message lists. */
export interface EditResult {
  files: FileContent[];
  changes: ChangeSummary[];
  /**
   * What the run noticed but did not change (a new repository to add by hand), written
   * under the changes in the commit message and the pull-request body.
   */
  notes?: string[];
}

/** A commit's author or committer. */
export interface GitAuthor {
  name: string;
  email: string;
}

/**
 * Side effects, all replaceable. Defaults: Node's `fs`, isomorphic-git's fetch-based HTTP
 * client (`isomorphic-git/http/web`, tied to the run's deadline), `new Date()`, `os.tmpdir()`.
 */
export interface GitIo {
  fs?: PromiseFsClient;
  http?: HttpClient;
  now?: () => Date;
  /** Directory under which shallow clones are made (and removed afterwards). */
  tmpDir?: string;
  /** Whether a process id runs (to tell a killed run's clone from a live one's). Default: `kill(pid, 0)`. */
  isRunning?: (pid: number) => boolean;
}

/** Credentials for HTTPS remotes: any user name, the token as password (GitHub, GitLab, Gitea). */
export interface GitCredentials {
  token?: string;
  /** Sent as the Basic-auth user name; GitHub accepts anything, `x-access-token` by convention. */
  username?: string;
}
