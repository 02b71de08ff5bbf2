/**
 * A repository imgsync builds a commit in: a throw-away shallow clone ({@link cloneShallow})
 * or the user's own checkout ({@link openCheckout}). Both give the same operations: read a
 * file at the commit being built on, fetch the branch again after a lost race, push one
 * commit to one remote ref, and clean up.
 *
 * The remote URL never carries credentials; the token only reaches isomorphic-git through
 * the `onAuth` callbacks of {@link tokenAuth}.
 */
import * as git from 'isomorphic-git';
import type { HttpClient, PromiseFsClient } from 'isomorphic-git';
import { Deadline } from '../deadline.js';
import { stripUrlCredentials } from '../errors.js';
import { readBlobAt, resolveInCommit } from './commit.js';
import type { TokenAuth } from './auth.js';
import { toGitError } from './to-git-error.js';
import type { ReadFile } from './types.js';
import type { Workspace } from './workspace.js';

/** Private ref the outgoing commit is pushed from, so a local branch moves only after success. */
export const OUTGOING_REF = 'refs/imgsync/outgoing';

export interface CheckoutInit {
  fs: PromiseFsClient;
  /** Already tied to {@link deadline}'s signal. */
  http: HttpClient;
  deadline?: Deadline;
  dir: string;
  gitdir: string;
  url: string;
  remote: string;
  branch: string;
  head: string;
  auth: TokenAuth;
  secrets: readonly string[];
  /** `true` for a temp clone: removed on close, fetched shallow. */
  temporary: boolean;
  cleanup: () => Promise<void>;
}

export class Checkout implements Workspace {
  readonly kind = 'git' as const;
  readonly fs: PromiseFsClient;
  readonly http: HttpClient;
  /** The run's deadline; {@link http} stops with it. */
  readonly deadline: Deadline;
  readonly dir: string;
  readonly gitdir: string;
  /** Remote URL without credentials. */
  readonly url: string;
  readonly remote: string;
  /** Branch the commit is built on. */
  readonly branch: string;
  readonly temporary: boolean;
  readonly secrets: readonly string[];
  /** Commit the next edit is computed on: the branch tip as last seen. */
  head: string;
  private readonly auth: TokenAuth;
  private readonly cleanup: () => Promise<void>;
  private closed = false;

  constructor(init: CheckoutInit) {
    this.fs = init.fs;
    this.http = init.http;
    this.deadline = init.deadline ?? Deadline.none;
    this.dir = init.dir;
    this.gitdir = init.gitdir;
    this.url = init.url;
    this.remote = init.remote;
    this.branch = init.branch;
    this.head = init.head;
    this.auth = init.auth;
    this.secrets = init.secrets;
    this.temporary = init.temporary;
    this.cleanup = init.cleanup;
  }

  /**
   * Reads a file at {@link head} (the commit, not the working tree), through symbolic
   * links inside the repository; a link leading out of it (or to nothing, or round in a
   * loop) throws a {@link FileError} for that file (see `symlinks.ts`).
   */
  readonly read: ReadFile = async (path) => {
    const resolved = await this.resolvePath(path);
    const bytes = await readBlobAt(this.fs, this.gitdir, this.head, resolved);
    return bytes?.toString('utf8');
  };

  /** The repository path of the file `path` names at {@link head}, links followed: where its edit is committed. */
  async resolvePath(path: string): Promise<string> {
    return (await resolveInCommit(this.fs, this.gitdir, this.head, path))?.path ?? path;
  }

  /** Repository-relative paths of every file at {@link head}, `/`-separated. */
  async listFiles(): Promise<string[]> {
    try {
      return await git.listFiles({ fs: this.fs, gitdir: this.gitdir, ref: this.head });
    } catch (error) {
      throw toGitError('list files', error, this.errorContext());
    }
  }

  /** Fetches {@link branch} again (depth 1 for a temp clone); returns the remote tip. */
  async fetchBranch(): Promise<string> {
    try {
      const result = await git.fetch({
        fs: this.fs,
        http: this.http,
        gitdir: this.gitdir,
        url: this.url,
        remote: this.remote,
        ref: this.branch,
        remoteRef: this.branch,
        singleBranch: true,
        tags: false,
        ...(this.temporary ? { depth: 1 } : {}),
        ...this.auth,
      });
      if (!result.fetchHead) throw new Error(`branch ${this.branch} not found on the remote`);
      return result.fetchHead;
    } catch (error) {
      throw this.stoppedOr('fetch', error);
    }
  }

  /** The oid a remote branch points at now, or `undefined` when it does not exist. */
  async remoteTip(branch: string): Promise<string | undefined> {
    try {
      const refs = await git.listServerRefs({
        http: this.http,
        url: this.url,
        prefix: `refs/heads/${branch}`,
        ...this.auth,
      });
      return refs.find((r) => r.ref === `refs/heads/${branch}`)?.oid;
    } catch (error) {
      throw this.stoppedOr('ls-remote', error);
    }
  }

  /**
   * Pushes commit `oid` to `refs/heads/<remoteBranch>`. Throws isomorphic-git's own errors
   * (the caller tells a lost race from a failure); the private ref is removed either way.
   */
  async pushCommit(oid: string, remoteBranch: string, force: boolean): Promise<void> {
    await git.writeRef({ fs: this.fs, gitdir: this.gitdir, ref: OUTGOING_REF, value: oid, force: true });
    try {
      await git.push({
        fs: this.fs,
        http: this.http,
        gitdir: this.gitdir,
        url: this.url,
        remote: this.remote,
        ref: OUTGOING_REF,
        remoteRef: `refs/heads/${remoteBranch}`,
        force,
        ...this.auth,
      });
    } finally {
      await git.deleteRef({ fs: this.fs, gitdir: this.gitdir, ref: OUTGOING_REF }).catch(() => undefined);
    }
  }

  errorContext() {
    return { remote: this.url, secrets: this.secrets };
  }

  /**
   * The error for a failed `step`: the deadline's when it has passed (the failure is the
   * abort it caused), else the step's own, as a {@link GitError}.
   */
  stoppedOr(step: string, error: unknown): Error {
    if (this.deadline.stopped) return this.deadline.error(`git ${step} ${stripUrlCredentials(this.url)}`);
    return toGitError(step, error, this.errorContext());
  }

  /** Removes the temp clone; for a local checkout, only what imgsync added. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.cleanup();
  }
}
