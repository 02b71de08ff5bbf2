/**
 * A branch of a GitHub repository, read through the REST API's git data endpoints with no
 * clone: the branch's ref (`GET git/ref/heads/{branch}`), its commit (`GET
 * git/commits/{sha}`), one recursive listing of its tree (`GET git/trees/{sha}?recursive=1`,
 * paths, modes, blob ids and sizes), and then only the blobs of the files the run reads
 * (`GET git/blobs/{sha}`, raw). What a run holds is the listing and the target files, however
 * large the rest of the repository is.
 *
 * - A file over `maxFileBytes` is refused from the listing's size, without downloading it.
 * - Symbolic links (mode `120000`) are followed inside the repository as in a clone
 *   (`symlinks.ts`); only the links on a target's path are read.
 * - A blob's bytes are checked against its id (git's SHA-1 of `blob <size>\0<bytes>`), so
 *   what is edited is what the tree names.
 * - GitHub lists at most 100,000 entries (7 MB) in one recursive tree and says `truncated`
 *   beyond; such a repository cannot be listed here: {@link TreeTruncatedError} (with
 *   `transport: auto` the run falls back to a clone, see `lazy.ts`).
 *
 * Delivering to it is `github-deliver.ts`.
 */
import { createHash } from 'node:crypto';
import { Deadline } from '../deadline.js';
import { FileTooLargeError, GitError } from '../errors.js';
import { secretsOf } from './auth.js';
import { parseGitHubUrl } from './github-client.js';
import { GitHubRest, TREE_LIMIT } from './github-rest.js';
import { splitRemoteUrl } from './remote-url.js';
import { resolveLinks, SYMLINK_MODE, type LinkTree } from './symlinks.js';
import type { GitCredentials, ReadFile } from './types.js';
import type { Workspace } from './workspace.js';

/** Target files kept in memory after their first read (each is read again to apply it), in total. */
const READ_CACHE_BYTES = 8 * 1024 * 1024;
/** A link's target text is a path: no longer than PATH_MAX. */
const MAX_LINK_BYTES = 4096;

export interface TreeEntry {
  /** `100644`, `100755`, `120000` (link), `040000` (tree), `160000` (submodule). */
  mode: string;
  type: 'blob' | 'tree' | 'commit';
  sha: string;
  /** Bytes of a blob. */
  size?: number;
}

export interface OpenGitHubWorkspaceOptions extends GitCredentials {
  /** `https://github.com/owner/repo(.git)` (or a GitHub Enterprise URL); only owner and repo are taken from it. */
  url: string;
  /** Default: the repository's default branch. */
  branch?: string;
  /** `https://api.github.com`, `https://HOST/api/v3`. */
  apiBaseUrl: string;
  /** A target file larger than this is refused without being downloaded. Default: no limit. */
  maxFileBytes?: number;
  deadline?: Deadline;
  /** Replaces the global `fetch` (tests, proxies). */
  fetch?: typeof fetch;
}

/** GitHub listed only part of the tree (`truncated: true`). */
export class TreeTruncatedError extends GitError {
  constructor(remote: string, secrets: readonly string[]) {
    super('list files', 'the repository is too big for one GitHub API tree listing (more than 100,000 entries or 7 MB: truncated); use git.transport: clone', {
      remote,
      secrets,
    });
  }
}

/**
 * @example
 * const workspace = await openGitHubWorkspace({ url: 'https://github.com/lablup/backend.ai', token, apiBaseUrl: 'https://api.github.com' });
 * const text = await workspace.read('image-metadata.yml');
 */
export async function openGitHubWorkspace(options: OpenGitHubWorkspaceOptions): Promise<GitHubWorkspace> {
  const split = splitRemoteUrl(options.url);
  const token = options.token ?? split.token;
  const secrets = secretsOf({ token, username: options.username ?? split.username });
  let owner: string;
  let repo: string;
  try {
    ({ owner, repo } = parseGitHubUrl(split.url));
  } catch {
    throw new GitError('open', `cannot tell owner/repo from ${split.url}`);
  }
  const rest = new GitHubRest({
    apiBaseUrl: options.apiBaseUrl,
    owner,
    repo,
    ...(token && { token }),
    secrets,
    deadline: options.deadline ?? Deadline.none,
    ...(options.fetch && { fetch: options.fetch }),
  });
  const branch = options.branch ?? (await rest.call<{ default_branch?: string }>({ phase: 'open', method: 'GET', path: '' })).data.default_branch;
  if (!branch) throw new GitError('open', 'the API names no default branch; set git.branch', { remote: rest.repoUrl, secrets });
  const workspace = new GitHubWorkspace(rest, split.url, branch, options.maxFileBytes ?? Infinity);
  await workspace.moveTo(await workspace.remoteTip());
  return workspace;
}

export class GitHubWorkspace implements Workspace {
  readonly kind = 'github-api' as const;
  readonly rest: GitHubRest;
  /** Repository URL without credentials (as configured). */
  readonly url: string;
  readonly branch: string;
  readonly maxFileBytes: number;
  /** Commit the next edit is computed on. */
  head = '';
  /** Its tree: the `base_tree` of the next commit. */
  tree = '';
  /** Every entry of {@link tree}, by path. */
  private entries = new Map<string, TreeEntry>();
  /** Sizes of the symbolic links' blobs, by blob id. */
  private linkSizes = new Map<string, number>();
  private readonly texts = new Map<string, string>();
  private cachedBytes = 0;

  constructor(rest: GitHubRest, url: string, branch: string, maxFileBytes: number) {
    this.rest = rest;
    this.url = url;
    this.branch = branch;
    this.maxFileBytes = maxFileBytes;
  }

  /** The commit `refs/heads/<branch>` points at now, on the server. */
  async remoteTip(branch = this.branch): Promise<string> {
    const tip = await this.refSha(branch, 'open');
    if (tip) return tip;
    // GitHub answers 404 alike for a missing branch and a repository the token cannot see: ask which
    await this.rest.call({ phase: 'open', method: 'GET', path: '' });
    throw new GitError('open', `no branch ${branch} in the repository`, { remote: this.rest.repoUrl, secrets: this.rest.secrets });
  }

  /** The sha `refs/heads/<branch>` points at, `undefined` when there is no such branch. */
  async refSha(branch: string, phase: string): Promise<string | undefined> {
    const answer = await this.rest.call<{ object?: { sha?: string; type?: string } }>({
      phase,
      method: 'GET',
      path: `git/ref/heads/${encodeRef(branch)}`,
      allow: [404],
    });
    if (answer.status === 404) return undefined;
    const sha = answer.data.object?.sha;
    if (!sha || !/^[0-9a-f]{40}$/.test(sha)) throw new GitError(phase, `the API gave no commit for refs/heads/${branch}`, { remote: this.rest.repoUrl });
    return sha;
  }

  /** Makes `commit` the one edits are computed on: reads its tree listing. */
  async moveTo(commit: string): Promise<void> {
    const { data } = await this.rest.call<{ tree?: { sha?: string } }>({ phase: 'open', method: 'GET', path: `git/commits/${commit}` });
    const tree = data.tree?.sha;
    if (!tree) throw new GitError('open', `the API gave no tree for commit ${commit}`, { remote: this.rest.repoUrl });
    const listing = await this.rest.call<{ tree?: { path: string; mode: string; type: TreeEntry['type']; sha: string; size?: number }[]; truncated?: boolean }>(
      {
        phase: 'list files',
        method: 'GET',
        path: `git/trees/${tree}?recursive=1`,
        limit: TREE_LIMIT,
      },
    );
    if (listing.data.truncated) throw new TreeTruncatedError(this.rest.repoUrl, this.rest.secrets);
    const entries = new Map<string, TreeEntry>();
    const linkSizes = new Map<string, number>();
    for (const e of listing.data.tree ?? []) {
      entries.set(e.path, { mode: e.mode, type: e.type, sha: e.sha, ...(typeof e.size === 'number' && { size: e.size }) });
      if (e.mode === SYMLINK_MODE) linkSizes.set(e.sha, e.size ?? 0);
    }
    this.head = commit;
    this.tree = tree;
    this.entries = entries;
    this.linkSizes = linkSizes;
  }

  /** The entry at `path` of {@link tree} (no links followed). */
  entry(path: string): TreeEntry | undefined {
    return this.entries.get(path);
  }

  /** Reads a file at {@link head} through links inside the repository; over `maxFileBytes`: a `FileTooLargeError`, not downloaded. */
  readonly read: ReadFile = async (path) => {
    const resolved = await resolveLinks(path, this.linkTree());
    if (!resolved) return undefined;
    const entry = this.entries.get(resolved.path);
    if (!entry || entry.type !== 'blob') return undefined;
    const cached = this.texts.get(entry.sha);
    if (cached !== undefined) return cached;
    const size = entry.size ?? 0;
    if (size > this.maxFileBytes) throw FileTooLargeError.bytes(path, size, this.maxFileBytes);
    const text = Buffer.from(await this.blob(entry.sha, size, 'read')).toString('utf8');
    if (this.cachedBytes + size <= READ_CACHE_BYTES) {
      this.texts.set(entry.sha, text);
      this.cachedBytes += size;
    }
    return text;
  };

  async resolvePath(path: string): Promise<string> {
    return (await resolveLinks(path, this.linkTree()))?.path ?? path;
  }

  async listFiles(): Promise<string[]> {
    const files: string[] = [];
    for (const [path, entry] of this.entries) if (entry.type === 'blob') files.push(path);
    return files;
  }

  async close(): Promise<void> {
    this.texts.clear();
    this.cachedBytes = 0;
  }

  /** The bytes of blob `sha`, which the tree says has `size` bytes; checked against the id. */
  private async blob(sha: string, size: number, phase: string): Promise<Uint8Array> {
    const { data } = await this.rest.call<Uint8Array>({ phase, method: 'GET', path: `git/blobs/${sha}`, accept: 'raw', limit: size });
    if (data.byteLength !== size || blobSha(data) !== sha) {
      throw new GitError(phase, `blob ${sha} came back with other content (${data.byteLength} bytes, ${size} expected)`, { remote: this.rest.repoUrl });
    }
    return data;
  }

  private linkTree(): LinkTree {
    return {
      entry: async (dir, name) => {
        const e = this.entries.get(dir ? `${dir}/${name}` : name);
        return e && { mode: e.mode, oid: e.sha };
      },
      linkText: async (sha) => {
        const size = this.linkSizes.get(sha) ?? 0;
        if (size > MAX_LINK_BYTES) throw new GitError('read', `a symbolic link of ${size} bytes is no path`, { remote: this.rest.repoUrl });
        return Buffer.from(await this.blob(sha, size, 'read')).toString('utf8');
      },
    };
  }
}

/** Git's object id of a blob: SHA-1 of `blob <size>\0` and the bytes. */
export function blobSha(bytes: Uint8Array): string {
  return createHash('sha1').update(`blob ${bytes.byteLength}\0`).update(bytes).digest('hex');
}

/** A branch name in a URL path: each component encoded, the slashes kept (`imgsync/main`). */
export function encodeRef(branch: string): string {
  return branch.split('/').map(encodeURIComponent).join('/');
}
