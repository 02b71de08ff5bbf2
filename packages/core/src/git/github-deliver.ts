/**
 * Delivers an edit through the GitHub REST API's git data endpoints, with no clone: the
 * changed files as blobs (`POST git/blobs`), one tree on top of the commit's tree
 * (`POST git/trees` with `base_tree`), the commit (`POST git/commits`), and the branch
 * moved to it (`PATCH git/refs/heads/{branch}` with `force: false`, a compare-and-swap on
 * GitHub's side: it refuses with 422 what is not a fast-forward).
 *
 * Races: a 422 (or 409) on the ref update, with the branch found at another commit, is a
 * lost race: the workspace moves to the new tip and `edit` is called again on its
 * contents, up to `maxAttempts` times, as in a clone (`deliver.ts`). Nothing is left behind
 * by a lost attempt but unreferenced objects, which GitHub collects.
 *
 * Pull-request mode builds the commit on the base branch's tip, points `imgsync/<name>` at
 * it (created with `POST git/refs`, else moved with `force: true`: the branch is imgsync's
 * own) and opens or updates the pull request (`pull-request.ts`).
 *
 * Only files whose content differs are written: a file's blob id is computed here and
 * compared with the tree's, so an unchanged file costs no request.
 */
import { GitError } from '../errors.js';
import { buildCommitMessage, buildSubject, pullRequestBody } from './commit-message.js';
import { pushWithinDeadline, type DeliverOptions, type DeliverResult } from './deliver-options.js';
import { createGitHubClient } from './github-client.js';
import { blobSha, encodeRef, type GitHubWorkspace } from './github-workspace.js';
import { upsertPullRequest } from './pull-request.js';
import { normalizePath } from './repo-path.js';
import { SYMLINK_MODE } from './symlinks.js';
import { NO_TOKEN } from './to-git-error.js';
import type { EditResult, GitAuthor } from './types.js';

interface Made {
  sha: string;
  changedPaths: string[];
}

/**
 * @example
 * const workspace = await openTarget({ target: { url: 'https://github.com/acme/app' }, token });
 * const result = await deliverThroughApi(workspace as GitHubWorkspace, { author, edit, token });
 */
export async function deliverThroughApi(workspace: GitHubWorkspace, options: DeliverOptions): Promise<DeliverResult> {
  return options.mode === 'pull-request' ? deliverPullRequest(workspace, options) : deliverPush(workspace, options);
}

async function deliverPush(workspace: GitHubWorkspace, options: DeliverOptions): Promise<DeliverResult> {
  const maxAttempts = Math.max(1, options.maxAttempts ?? 4);
  const branch = workspace.branch;
  for (let attempt = 1; ; attempt++) {
    const edited = await options.edit(workspace.read);
    const made = await commitOnto(workspace, edited, options);
    if (!made) return { changes: [], commit: undefined, branch, pushed: false, files: [], attempts: attempt };
    const moved = await moveRef(workspace, branch, made.sha, false);
    if (!moved) {
      const tip = await workspace.refSha(branch, 'push');
      if (tip === undefined || tip === workspace.head) {
        throw new GitError('push', `GitHub refused to move ${branch} to ${made.sha}, and ${branch} did not move meanwhile`, errorContext(workspace));
      }
      if (attempt >= maxAttempts) {
        throw new GitError('push', `rejected ${attempt} times: ${branch} kept moving while imgsync pushed; run again later`, errorContext(workspace));
      }
      await workspace.moveTo(tip);
      continue;
    }
    return { changes: edited.changes, commit: made.sha, branch, pushed: true, files: made.changedPaths, attempts: attempt };
  }
}

async function deliverPullRequest(workspace: GitHubWorkspace, options: DeliverOptions): Promise<DeliverResult> {
  const settings = options.pullRequest ?? {};
  const base = workspace.branch;
  const head = settings.branch ?? `imgsync/${settings.name ?? base}`;
  if (head === base) throw new GitError('pull-request', `the pull-request branch cannot be the base branch ${base}`);
  const edited = await options.edit(workspace.read);
  const made = await commitOnto(workspace, edited, options);
  if (!made) return { changes: [], commit: undefined, branch: head, pushed: false, files: [], attempts: 1 };

  // the branch is imgsync's own, rebuilt from the base tip on every run
  if ((await workspace.refSha(head, 'push')) === undefined) {
    const created = await workspace.rest.call({
      phase: 'push',
      method: 'POST',
      path: 'git/refs',
      body: { ref: `refs/heads/${head}`, sha: made.sha },
      allow: [422],
    });
    if (created.status === 422 && !(await moveRef(workspace, head, made.sha, true))) {
      throw new GitError('push', `GitHub refused to create or move ${head}${created.message ? ` (${created.message})` : ''}`, errorContext(workspace));
    }
  } else if (!(await moveRef(workspace, head, made.sha, true))) {
    throw new GitError('push', `GitHub refused to move ${head} to ${made.sha}`, errorContext(workspace));
  }

  const { rest } = workspace;
  const token = settings.token ?? options.token ?? rest.authToken();
  if (!settings.github && !token) throw new GitError('pull-request', `${NO_TOKEN}; opening a pull request needs one (${head} was pushed)`);
  const github =
    settings.github ??
    (await createGitHubClient({
      token: token!,
      baseUrl: settings.apiBaseUrl ?? rest.apiBaseUrl,
      fetch: settings.fetch ?? options.fetch,
      deadline: rest.deadline,
    }));
  const pullRequest = await rest.deadline.race(
    upsertPullRequest({
      github,
      owner: settings.owner ?? rest.owner,
      repo: settings.repo ?? rest.repo,
      head,
      base,
      title: settings.title ?? buildSubject(edited.changes, options.message),
      body: pullRequestBody(edited.changes, edited.notes),
      secrets: rest.secrets,
    }),
    `the pull request from ${head} (${head} was pushed)`,
  );
  return { changes: edited.changes, commit: made.sha, branch: head, pushed: true, files: made.changedPaths, attempts: 1, pullRequest };
}

/**
 * Moves `refs/heads/<branch>` to `sha` if the deadline leaves time for it. `false` when
 * GitHub refuses (422 "Update is not a fast forward", 409): the caller tells a lost race
 * from a refusal.
 */
async function moveRef(workspace: GitHubWorkspace, branch: string, sha: string, force: boolean): Promise<boolean> {
  let moved = false;
  const during = `GitHub API update of refs/heads/${branch} of ${workspace.rest.repoUrl}`;
  await pushWithinDeadline(workspace.rest.deadline, during, branch, async () => {
    const answer = await workspace.rest.call({
      phase: 'push',
      method: 'PATCH',
      path: `git/refs/heads/${encodeRef(branch)}`,
      body: { sha, force },
      allow: [409, 422],
    });
    moved = answer.status !== 409 && answer.status !== 422;
  });
  return moved;
}

/**
 * Writes the changed files' blobs, a tree on top of the workspace's and a commit whose
 * parent is the workspace's head; `undefined` when no file differs from what the tree holds.
 */
async function commitOnto(workspace: GitHubWorkspace, edited: EditResult, options: DeliverOptions): Promise<Made | undefined> {
  const changed = new Map<string, { content: string; sha: string; mode: string }>();
  for (const file of edited.files) {
    const path = normalizePath(file.path);
    assertWritable(workspace, path);
    const sha = blobSha(Buffer.from(file.content, 'utf8'));
    const existing = workspace.entry(path);
    if (existing?.sha === sha) {
      changed.delete(path);
      continue;
    }
    changed.set(path, { content: file.content, sha, mode: existing?.mode ?? '100644' });
  }
  if (changed.size === 0) return undefined;
  const { rest } = workspace;

  for (const [path, file] of changed) {
    const { data } = await rest.call<{ sha?: string }>({
      phase: 'commit',
      method: 'POST',
      path: 'git/blobs',
      body: { content: file.content, encoding: 'utf-8' },
    });
    if (data.sha !== file.sha) {
      throw new GitError('commit', `GitHub stored ${path} as blob ${String(data.sha)}, not ${file.sha} as its content hashes to`, errorContext(workspace));
    }
  }
  const tree = await rest.call<{ sha?: string }>({
    phase: 'commit',
    method: 'POST',
    path: 'git/trees',
    body: { base_tree: workspace.tree, tree: [...changed].map(([path, file]) => ({ path, mode: file.mode, type: 'blob', sha: file.sha })) },
  });
  const now = (options.io?.now ?? (() => new Date()))();
  // GitHub takes ISO 8601 as YYYY-MM-DDTHH:MM:SSZ
  const signature = (who: GitAuthor) => ({ name: who.name, email: who.email, date: now.toISOString().replace(/\.\d{3}Z$/, 'Z') });
  const commit = await rest.call<{ sha?: string }>({
    phase: 'commit',
    method: 'POST',
    path: 'git/commits',
    body: {
      message: buildCommitMessage(edited.changes, options.message, edited.notes),
      tree: tree.data.sha,
      parents: [workspace.head],
      author: signature(options.author),
      committer: signature(options.committer ?? options.author),
    },
  });
  if (!commit.data.sha || !tree.data.sha) throw new GitError('commit', 'the API gave no sha for the new tree or commit', errorContext(workspace));
  return { sha: commit.data.sha, changedPaths: [...changed.keys()] };
}

/** The refusals of `commit.ts`: no link replaced by a file, no file over a directory, no directory through a file. */
function assertWritable(workspace: GitHubWorkspace, path: string): void {
  const existing = workspace.entry(path);
  if (existing?.type === 'tree') throw new GitError('commit', `cannot write ${path}: a directory of that name exists`);
  if (existing?.mode === SYMLINK_MODE) {
    throw new GitError('commit', `refusing to replace the symbolic link ${path} with a file; write to the file it points to`);
  }
  const parts = path.split('/');
  for (let i = 1; i < parts.length; i++) {
    const dir = parts.slice(0, i).join('/');
    const entry = workspace.entry(dir);
    if (entry && entry.type !== 'tree') throw new GitError('commit', `cannot write into ${dir}/: a file of that name exists`);
  }
}

function errorContext(workspace: GitHubWorkspace) {
  return { remote: workspace.rest.repoUrl, secrets: workspace.rest.secrets };
}
