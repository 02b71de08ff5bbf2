/**
 * The git data part of the GitHub REST API stand-in, backed by real bare repositories on
 * disk (`<root>/<owner>/<repo>.git`) and the git executable, with GitHub's documented
 * request and response shapes (https://docs.github.com/rest/git, API version 2022-11-28):
 *
 * | request | git | answer |
 * | --- | --- | --- |
 * | `GET /repos/{o}/{r}` | `symbolic-ref HEAD` | 200 repository (`default_branch`) |
 * | `GET git/ref/heads/{branch}` | `show-ref --verify` | 200 `{ref, object: {sha, type}}`; 404 |
 * | `GET git/commits/{sha}` | `cat-file commit` | 200 `{sha, tree: {sha}, parents, author, committer, message}`; 404 |
 * | `GET git/trees/{sha}[?recursive=1]` | `ls-tree -l [-r -t]` | 200 `{sha, tree: [{path, mode, type, sha, size}], truncated}`; 404 |
 * | `GET git/blobs/{sha}` | `cat-file blob` | 200 base64 JSON, or the raw bytes for `Accept: application/vnd.github.raw+json`; 404 |
 * | `POST git/blobs {content, encoding}` | `hash-object -w --stdin` | 201 `{sha, url}`; 422 |
 * | `POST git/trees {base_tree, tree}` | `read-tree`, `update-index --cacheinfo`, `write-tree` on a temporary index | 201 tree; 422 |
 * | `POST git/commits {message, tree, parents, author, committer}` | `commit-tree` | 201 commit; 422 |
 * | `PATCH git/refs/heads/{branch} {sha, force}` | `merge-base --is-ancestor`, `update-ref NEW OLD` | 200 ref; 422 "Update is not a fast forward", "Reference does not exist" |
 * | `POST git/refs {ref, sha}` | `update-ref REF SHA ''` | 201 ref; 422 "Reference already exists" |
 *
 * A recursive tree listing stops at `maxTreeEntries` (GitHub: 100,000 entries or 7 MB) and
 * says `truncated: true`, as GitHub does. The ref update is a compare-and-swap
 * (`update-ref` with the old value), so two writers racing are told apart as on GitHub.
 * Tree entries of type `tree` are not supported in `POST git/trees` (imgsync writes blobs).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface GitDataReply {
  status: number;
  /** JSON, or raw bytes (a blob asked for raw). */
  body: unknown;
  raw?: boolean;
}

export interface GitDataOptions {
  /** Holds `<owner>/<repo>.git`. */
  root: string;
  /** `http://127.0.0.1:PORT` + prefix: the base of the `url` fields. */
  apiBase: () => string;
  /** Entries listed by one recursive tree before `truncated: true`. */
  maxTreeEntries: number;
}

const DOCS = 'https://docs.github.com/rest/git';
const gitEnv = { GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tmpdir() };

/** Runs git in `cwd`: exit code and output (never throws for a non-zero exit). */
export function runGit(
  cwd: string,
  args: string[],
  options: { input?: Buffer | string; env?: Record<string, string> } = {},
): Promise<{ code: number; stdout: Buffer; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, { cwd, env: { ...gitEnv, ...options.env } });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8') }));
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
  });
}

const notFound = (doc: string): GitDataReply => ({ status: 404, body: { message: 'Not Found', documentation_url: `${DOCS}/${doc}`, status: '404' } });
const invalid = (message: string, doc: string): GitDataReply => ({ status: 422, body: { message, documentation_url: `${DOCS}/${doc}`, status: '422' } });
const isSha = (value: unknown): value is string => typeof value === 'string' && /^[0-9a-f]{40}$/.test(value);

/** Answers a git data request for `owner/repo`, `rest` being the path after `/repos/{o}/{r}` (`''`, `git/…`); `undefined`: not a git data path. */
export async function handleGitData(
  options: GitDataOptions,
  request: { method: string; owner: string; repo: string; rest: string; query: URLSearchParams; body: Record<string, unknown>; accept: string },
): Promise<GitDataReply | undefined> {
  const { method, owner, repo, rest, body } = request;
  const bare = join(options.root, owner, `${repo}.git`);
  const repoApi = `${options.apiBase()}/repos/${owner}/${repo}`;
  if (rest !== '' && !rest.startsWith('git/')) return undefined;
  if (!existsSync(bare))
    return { status: 404, body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest/repos/repos#get-a-repository', status: '404' } };
  const git = (args: string[], more?: { input?: Buffer | string; env?: Record<string, string> }) => runGit(bare, args, more);
  const typeOf = async (sha: string) => (await git(['cat-file', '-t', sha])).stdout.toString().trim();
  const refJson = (ref: string, sha: string) => ({
    ref,
    node_id: `REF_${sha.slice(0, 8)}`,
    url: `${repoApi}/git/${ref}`,
    object: { sha, type: 'commit', url: `${repoApi}/git/commits/${sha}` },
  });

  if (method === 'GET' && rest === '') {
    const head = (await git(['symbolic-ref', '--short', 'HEAD'])).stdout.toString().trim();
    return {
      status: 200,
      body: {
        id: 1,
        node_id: 'R_1',
        name: repo,
        full_name: `${owner}/${repo}`,
        owner: { login: owner },
        private: true,
        default_branch: head || 'main',
        html_url: `${options.apiBase()}/${owner}/${repo}`,
      },
    };
  }

  let match: RegExpExecArray | null;
  if (method === 'GET' && (match = /^git\/ref\/(heads\/.+)$/.exec(rest))) {
    const ref = `refs/${decodeURIComponent(match[1]!)}`;
    const shown = await git(['show-ref', '--verify', '--hash', ref]);
    if (shown.code !== 0) return notFound('refs#get-a-reference');
    return { status: 200, body: refJson(ref, shown.stdout.toString().trim()) };
  }

  if (method === 'GET' && (match = /^git\/commits\/([^/]+)$/.exec(rest))) {
    const sha = match[1]!;
    if (!isSha(sha) || (await typeOf(sha)) !== 'commit') return notFound('commits#get-a-commit-object');
    return { status: 200, body: await commitJson(git, repoApi, options.apiBase(), owner, repo, sha) };
  }

  if (method === 'GET' && (match = /^git\/trees\/([^/]+)$/.exec(rest))) {
    const resolved = await git(['rev-parse', '--verify', '--quiet', `${decodeURIComponent(match[1]!)}^{tree}`]);
    if (resolved.code !== 0) return notFound('trees#get-a-tree');
    const sha = resolved.stdout.toString().trim();
    const recursive = request.query.has('recursive');
    const listed = await git(['ls-tree', '-z', '-l', ...(recursive ? ['-r', '-t'] : []), sha]);
    const entries = parseLsTree(listed.stdout, repoApi);
    const truncated = entries.length > options.maxTreeEntries;
    return { status: 200, body: { sha, url: `${repoApi}/git/trees/${sha}`, tree: truncated ? entries.slice(0, options.maxTreeEntries) : entries, truncated } };
  }

  if (method === 'GET' && (match = /^git\/blobs\/([^/]+)$/.exec(rest))) {
    const sha = match[1]!;
    if (!isSha(sha) || (await typeOf(sha)) !== 'blob') return notFound('blobs#get-a-blob');
    const bytes = (await git(['cat-file', 'blob', sha])).stdout;
    if (/application\/vnd\.github\.raw/.test(request.accept)) return { status: 200, body: bytes, raw: true };
    const base64 = bytes.toString('base64').replace(/.{60}/g, '$&\n');
    return {
      status: 200,
      body: { sha, node_id: `B_${sha.slice(0, 8)}`, size: bytes.length, url: `${repoApi}/git/blobs/${sha}`, content: base64, encoding: 'base64' },
    };
  }

  if (method === 'POST' && rest === 'git/blobs') {
    const encoding = body.encoding ?? 'utf-8';
    if (typeof body.content !== 'string') return invalid('Invalid request.\n\n"content" wasn\'t supplied.', 'blobs#create-a-blob');
    if (encoding !== 'utf-8' && encoding !== 'base64')
      return invalid(`encoding must be utf-8 or base64 (got ${JSON.stringify(encoding)})`, 'blobs#create-a-blob');
    const bytes = encoding === 'base64' ? Buffer.from(body.content, 'base64') : Buffer.from(body.content, 'utf8');
    const sha = (await git(['hash-object', '-w', '--stdin'], { input: bytes })).stdout.toString().trim();
    return { status: 201, body: { url: `${repoApi}/git/blobs/${sha}`, sha } };
  }

  if (method === 'POST' && rest === 'git/trees') return createTree(git, typeOf, repoApi, body);

  if (method === 'POST' && rest === 'git/commits') {
    const {
      message,
      tree,
      parents = [],
      author,
      committer,
    } = body as { message?: unknown; tree?: unknown; parents?: unknown; author?: Signature; committer?: Signature };
    if (typeof message !== 'string' || !isSha(tree)) return invalid('Invalid request.\n\n"message", "tree" weren\'t supplied.', 'commits#create-a-commit');
    if ((await typeOf(tree)) !== 'tree') return invalid('Tree SHA does not exist', 'commits#create-a-commit');
    if (!Array.isArray(parents) || !parents.every(isSha))
      return invalid("Invalid request.\n\nFor 'properties/parents', nil is not an array.", 'commits#create-a-commit');
    for (const parent of parents)
      if ((await typeOf(parent)) !== 'commit') return invalid('Parent SHA does not exist or is not a commit object', 'commits#create-a-commit');
    const who = (s: Signature | undefined, role: 'AUTHOR' | 'COMMITTER') => ({
      [`GIT_${role}_NAME`]: s?.name ?? 'imgsync-bot',
      [`GIT_${role}_EMAIL`]: s?.email ?? 'imgsync-bot@users.noreply.github.com',
      ...(s?.date && { [`GIT_${role}_DATE`]: s.date }),
    });
    const made = await git(['commit-tree', tree, ...parents.flatMap((p) => ['-p', p])], {
      input: message,
      env: { ...who(author, 'AUTHOR'), ...who(committer ?? author, 'COMMITTER') },
    });
    if (made.code !== 0) return invalid(`commit-tree failed: ${made.stderr.trim()}`, 'commits#create-a-commit');
    const sha = made.stdout.toString().trim();
    return { status: 201, body: await commitJson(git, repoApi, options.apiBase(), owner, repo, sha) };
  }

  if (method === 'PATCH' && (match = /^git\/refs\/(heads\/.+)$/.exec(rest))) {
    const ref = `refs/${decodeURIComponent(match[1]!)}`;
    const { sha, force } = body as { sha?: unknown; force?: unknown };
    if (!isSha(sha)) return invalid('Invalid request.\n\n"sha" wasn\'t supplied.', 'refs#update-a-reference');
    const current = await git(['show-ref', '--verify', '--hash', ref]);
    if (current.code !== 0) return invalid('Reference does not exist', 'refs#update-a-reference');
    if ((await typeOf(sha)) !== 'commit') return invalid('Object does not exist', 'refs#update-a-reference');
    const old = current.stdout.toString().trim();
    if (force !== true && (await git(['merge-base', '--is-ancestor', old, sha])).code !== 0) {
      return invalid('Update is not a fast forward', 'refs#update-a-reference');
    }
    // compare-and-swap: a writer that moved the ref since `old` was read wins
    if ((await git(['update-ref', ref, sha, old])).code !== 0) return invalid('Update is not a fast forward', 'refs#update-a-reference');
    return { status: 200, body: refJson(ref, sha) };
  }

  if (method === 'POST' && rest === 'git/refs') {
    const { ref, sha } = body as { ref?: unknown; sha?: unknown };
    if (typeof ref !== 'string' || !/^refs\/[^/]+\/.+/.test(ref)) return invalid('Reference name is invalid', 'refs#create-a-reference');
    if (!isSha(sha) || (await typeOf(sha)) !== 'commit') return invalid('Object does not exist', 'refs#create-a-reference');
    if ((await git(['check-ref-format', ref])).code !== 0) return invalid('Reference name is invalid', 'refs#create-a-reference');
    if ((await git(['update-ref', ref, sha, ''])).code !== 0) return invalid('Reference already exists', 'refs#create-a-reference');
    return { status: 201, body: refJson(ref, sha) };
  }
  return undefined;
}

interface Signature {
  name?: string;
  email?: string;
  date?: string;
}

type Git = (args: string[], more?: { input?: Buffer | string; env?: Record<string, string> }) => Promise<{ code: number; stdout: Buffer; stderr: string }>;

async function createTree(git: Git, typeOf: (sha: string) => Promise<string>, repoApi: string, body: Record<string, unknown>): Promise<GitDataReply> {
  const doc = 'trees#create-a-tree';
  const { base_tree: baseTree, tree } = body as { base_tree?: unknown; tree?: unknown };
  if (!Array.isArray(tree)) return invalid('Invalid request.\n\n"tree" wasn\'t supplied.', doc);
  if (baseTree !== undefined && (!isSha(baseTree) || (await typeOf(baseTree)) !== 'tree')) return invalid('base_tree is not a valid tree oid', doc);
  const scratch = mkdtempSync(join(tmpdir(), 'imgsync-standin-index-'));
  const env = { GIT_INDEX_FILE: join(scratch, 'index') };
  try {
    await git(baseTree ? ['read-tree', baseTree] : ['read-tree', '--empty'], { env });
    for (const raw of tree as Record<string, unknown>[]) {
      const { path, mode, type, sha, content } = raw;
      if (typeof path !== 'string' || !path || path.startsWith('/') || path.split('/').some((p) => p === '' || p === '.' || p === '..' || p === '.git')) {
        return invalid(`tree.path contains a malformed path component`, doc);
      }
      if (typeof mode !== 'string' || !['100644', '100755', '040000', '160000', '120000'].includes(mode)) return invalid('Invalid tree info: mode', doc);
      if (type !== 'blob' && type !== 'commit') return invalid(`Invalid tree info: type ${String(type)} (this stand-in writes blobs and submodules only)`, doc);
      if (sha === null) {
        await git(['update-index', '--force-remove', path], { env });
        continue;
      }
      let oid: string;
      if (typeof content === 'string') {
        if (sha !== undefined) return invalid('Invalid tree info: both sha and content', doc);
        oid = (await git(['hash-object', '-w', '--stdin'], { input: Buffer.from(content, 'utf8') })).stdout.toString().trim();
      } else if (isSha(sha)) {
        if (type === 'blob' && (await typeOf(sha)) !== 'blob') return invalid(`Invalid tree info: ${sha} is not a blob`, doc);
        oid = sha;
      } else {
        return invalid('Invalid tree info: sha or content', doc);
      }
      const updated = await git(['update-index', '--add', '--cacheinfo', `${mode},${oid},${path}`], { env });
      if (updated.code !== 0) return invalid(`Invalid tree info: ${updated.stderr.trim()}`, doc);
    }
    const written = await git(['write-tree'], { env });
    if (written.code !== 0) return invalid(`Invalid tree info: ${written.stderr.trim()}`, doc);
    const sha = written.stdout.toString().trim();
    const listed = await git(['ls-tree', '-z', '-l', sha]);
    return { status: 201, body: { sha, url: `${repoApi}/git/trees/${sha}`, tree: parseLsTree(listed.stdout, repoApi), truncated: false } };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** `git ls-tree -z -l` records as GitHub lists tree entries. */
function parseLsTree(out: Buffer, repoApi: string) {
  const entries: { path: string; mode: string; type: string; sha: string; size?: number; url: string }[] = [];
  for (const record of out.toString('utf8').split('\0')) {
    if (!record) continue;
    const tab = record.indexOf('\t');
    const [mode, type, sha, size] = record.slice(0, tab).split(/\s+/) as [string, string, string, string];
    const kind = type === 'tree' ? 'trees' : type === 'blob' ? 'blobs' : 'commits';
    entries.push({ path: record.slice(tab + 1), mode, type, sha, ...(type === 'blob' && { size: Number(size) }), url: `${repoApi}/git/${kind}/${sha}` });
  }
  return entries;
}

async function commitJson(git: Git, repoApi: string, base: string, owner: string, repo: string, sha: string) {
  const text = (await git(['cat-file', 'commit', sha])).stdout.toString('utf8');
  const split = text.indexOf('\n\n');
  const headers = text.slice(0, split).split('\n');
  const message = text.slice(split + 2);
  const field = (name: string) => headers.filter((h) => h.startsWith(`${name} `)).map((h) => h.slice(name.length + 1));
  const signature = (line: string | undefined) => {
    const m = /^(.*) <(.*)> (\d+) ([+-]\d{4})$/.exec(line ?? '');
    return m ? { name: m[1]!, email: m[2]!, date: new Date(Number(m[3]) * 1000).toISOString().replace('.000Z', 'Z') } : undefined;
  };
  const tree = field('tree')[0]!;
  return {
    sha,
    node_id: `C_${sha.slice(0, 8)}`,
    url: `${repoApi}/git/commits/${sha}`,
    html_url: `${base}/${owner}/${repo}/commit/${sha}`,
    author: signature(field('author')[0]),
    committer: signature(field('committer')[0]),
    tree: { sha: tree, url: `${repoApi}/git/trees/${tree}` },
    message,
    parents: field('parent').map((p) => ({ sha: p, url: `${repoApi}/git/commits/${p}`, html_url: `${base}/${owner}/${repo}/commit/${p}` })),
    verification: { verified: false, reason: 'unsigned', signature: null, payload: null, verified_at: null },
  };
}
