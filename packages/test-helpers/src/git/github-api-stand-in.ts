/**
 * A stand-in for the GitHub REST API (the real one cannot run here), implementing only
 * the endpoints imgsync uses, with GitHub's documented request and response shapes
 * (https://docs.github.com/rest/pulls/pulls); with `gitRoot`, also the repository and git
 * data endpoints over real bare repositories (`github-git-data.ts`):
 *
 * - `GET    {base}/repos/{owner}/{repo}/pulls?state=&head=owner:branch&base=` -> 200 [pull]
 * - `POST   {base}/repos/{owner}/{repo}/pulls {title, head, base, body}` -> 201 pull;
 *   422 "Validation Failed" with `errors[].message` "A pull request already exists for owner:branch."
 * - `PATCH  {base}/repos/{owner}/{repo}/pulls/{pull_number} {title, body}` -> 200 pull
 *
 * `Authorization: token T` or `Bearer T` is checked (401 "Bad credentials"); a read-only
 * token may GET but not write (403 "Resource not accessible by personal access token", as
 * for a fine-grained token without contents: write). `base` is empty (github.com style) or
 * e.g. `/api/v3` (GitHub Enterprise Server style). Repository URLs (`repoUrl`) are on the
 * same host as the API, as on a GitHub Enterprise Server.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleGitData } from './github-git-data.js';

export interface StandInPull {
  number: number;
  state: 'open' | 'closed';
  title: string;
  body: string | null;
  head: string;
  base: string;
  owner: string;
  repo: string;
}

/** What a test makes of one request before it is answered: wait, or answer it itself. */
export type Intercept = (request: { method: string; path: string }) => Promise<{ status: number; body: unknown; headers?: Record<string, string> } | undefined>;

export interface GitHubStandInOptions {
  token: string;
  prefix?: string;
  /** Bare repositories `<gitRoot>/<owner>/<repo>.git` served through the git data endpoints. */
  gitRoot?: string;
  /** Tokens that may read but not write. */
  readOnlyTokens?: string[];
  /** Entries one recursive tree lists before `truncated` (GitHub: 100,000). */
  maxTreeEntries?: number;
  /**
   * A git smart-HTTP server (`git-http-server.ts`, same root) that answers the paths outside
   * the API prefix, as a GitHub Enterprise Server serves `https://HOST/owner/repo.git` beside
   * `https://HOST/api/v3`: a clone of `repoUrl(name)` works too. Needs a `prefix`.
   */
  gitBackend?: { baseUrl: string };
}

export interface GitHubStandIn {
  /** API base URL to give Octokit (`http://127.0.0.1:PORT/api/v3` with a prefix). */
  baseUrl: string;
  /** `http://127.0.0.1:PORT/<owner>/<repo>.git`: a repository URL on the API's host. */
  repoUrl(name: string): string;
  /** Called before each authenticated request is answered (see {@link Intercept}); `undefined` to stop. */
  intercept: Intercept | undefined;
  pulls: StandInPull[];
  requests: { method: string; path: string; body: unknown; accept: string }[];
  /** The next list request answers `[]` (a stale read, or a PR opened by a concurrent run). */
  staleListOnce(): void;
  stop(): Promise<void>;
}

export async function startGitHubStandIn(options: GitHubStandInOptions): Promise<GitHubStandIn> {
  const prefix = options.prefix ?? '';
  const pulls: StandInPull[] = [];
  const requests: GitHubStandIn['requests'] = [];
  let stale = false;
  let nextNumber = 1;
  let origin = '';
  const stand: GitHubStandIn = {
    baseUrl: '',
    repoUrl: () => '',
    intercept: undefined,
    pulls,
    requests,
    staleListOnce: () => {
      stale = true;
    },
    stop: async () => undefined,
  };

  const toJson = (pr: StandInPull) => {
    const repoUrl = `${origin}${prefix}/repos/${pr.owner}/${pr.repo}`;
    const repository = { id: 1, name: pr.repo, full_name: `${pr.owner}/${pr.repo}`, owner: { login: pr.owner } };
    return {
      url: `${repoUrl}/pulls/${pr.number}`,
      id: 1000 + pr.number,
      node_id: `PR_${pr.number}`,
      html_url: `${origin}/${pr.owner}/${pr.repo}/pull/${pr.number}`,
      number: pr.number,
      state: pr.state,
      locked: false,
      title: pr.title,
      body: pr.body,
      user: { login: 'imgsync-bot', id: 1, type: 'Bot' },
      draft: false,
      head: { label: `${pr.owner}:${pr.head}`, ref: pr.head, sha: '0'.repeat(40), repo: repository, user: { login: pr.owner } },
      base: { label: `${pr.owner}:${pr.base}`, ref: pr.base, sha: '0'.repeat(40), repo: repository, user: { login: pr.owner } },
      created_at: '2024-01-01T00:00:00Z',
      updated_at: '2024-01-01T00:00:00Z',
      merged_at: null,
    };
  };

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    if (res.destroyed) return;
    if (Buffer.isBuffer(body)) {
      res.writeHead(status, {
        'content-type': 'application/vnd.github.raw',
        'content-length': String(body.length),
        'x-github-media-type': 'github.v3; param=raw',
        ...headers,
      });
      res.end(body);
      return;
    }
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'x-github-media-type': 'github.v3', ...headers });
    res.end(JSON.stringify(body));
  };
  const gitData = options.gitRoot
    ? { root: options.gitRoot, apiBase: () => `${origin}${prefix}`, maxTreeEntries: options.maxTreeEntries ?? 100_000 }
    : undefined;

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (options.gitBackend && prefix && !(req.url ?? '').startsWith(`${prefix}/`)) return forward(req, res, Buffer.concat(chunks), options.gitBackend.baseUrl);
    const raw = Buffer.concat(chunks).toString('utf8');
    const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    const url = new URL(req.url ?? '/', origin);
    requests.push({ method: req.method ?? '', path: `${url.pathname}${url.search}`, body, accept: String(req.headers.accept ?? '') });

    const auth = req.headers.authorization ?? '';
    const tokenOf = (t: string) => auth === `token ${t}` || auth === `bearer ${t}` || auth === `Bearer ${t}`;
    const readOnly = (options.readOnlyTokens ?? []).some(tokenOf);
    if (!tokenOf(options.token) && !readOnly) {
      return send(res, 401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' });
    }
    if (readOnly && req.method !== 'GET') {
      return send(res, 403, { message: 'Resource not accessible by personal access token', documentation_url: 'https://docs.github.com/rest', status: '403' });
    }
    const path = url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) : '';
    const intercepted = await stand.intercept?.({ method: req.method ?? '', path });
    if (intercepted) return send(res, intercepted.status, intercepted.body, intercepted.headers);
    const inRepo = /^\/repos\/([^/]+)\/([^/]+)(?:\/(.*))?$/.exec(path);
    if (gitData && inRepo) {
      const reply = await handleGitData(gitData, {
        method: req.method ?? '',
        owner: inRepo[1]!,
        repo: inRepo[2]!,
        rest: inRepo[3] ?? '',
        query: url.searchParams,
        body,
        accept: String(req.headers.accept ?? ''),
      });
      if (reply) return send(res, reply.status, reply.body);
    }
    const list = /^\/repos\/([^/]+)\/([^/]+)\/pulls$/.exec(path);
    const one = /^\/repos\/([^/]+)\/([^/]+)\/pulls\/(\d+)$/.exec(path);
    if (list && req.method === 'GET') {
      const [, owner, repo] = list;
      const state = url.searchParams.get('state') ?? 'open';
      const head = url.searchParams.get('head');
      const base = url.searchParams.get('base');
      if (stale) {
        stale = false;
        return send(res, 200, []);
      }
      const found = pulls.filter(
        (p) =>
          p.owner === owner &&
          p.repo === repo &&
          (state === 'all' || p.state === state) &&
          (!head || `${p.owner}:${p.head}` === head) &&
          (!base || p.base === base),
      );
      return send(res, 200, found.map(toJson));
    }
    if (list && req.method === 'POST') {
      const [, owner, repo] = list as unknown as [string, string, string];
      const { title, head, base } = body as { title?: string; head?: string; base?: string; body?: string };
      if (!title || !head || !base) {
        return send(res, 422, {
          message: 'Validation Failed',
          errors: [{ resource: 'PullRequest', field: !head ? 'head' : !base ? 'base' : 'title', code: 'missing_field' }],
          documentation_url: 'https://docs.github.com/rest/pulls/pulls#create-a-pull-request',
          status: '422',
        });
      }
      if (pulls.some((p) => p.owner === owner && p.repo === repo && p.head === head && p.base === base && p.state === 'open')) {
        return send(res, 422, {
          message: 'Validation Failed',
          errors: [{ resource: 'PullRequest', code: 'custom', message: `A pull request already exists for ${owner}:${head}.` }],
          documentation_url: 'https://docs.github.com/rest/pulls/pulls#create-a-pull-request',
          status: '422',
        });
      }
      const pr: StandInPull = { number: nextNumber++, state: 'open', title, body: (body.body as string) ?? null, head, base, owner, repo };
      pulls.push(pr);
      return send(res, 201, toJson(pr));
    }
    if (one && req.method === 'PATCH') {
      const pr = pulls.find((p) => p.owner === one[1] && p.repo === one[2] && p.number === Number(one[3]));
      if (!pr)
        return send(res, 404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest/pulls/pulls#update-a-pull-request', status: '404' });
      if (typeof body.title === 'string') pr.title = body.title;
      if (typeof body.body === 'string') pr.body = body.body;
      if (body.state === 'open' || body.state === 'closed') pr.state = body.state;
      return send(res, 200, toJson(pr));
    }
    return send(res, 404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => send(res, 500, { message: String(error) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  Object.assign(stand, {
    baseUrl: `${origin}${prefix}`,
    repoUrl: (name: string) => `${origin}/${name}.git`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
  return stand;
}

/** Passes a git smart-HTTP request on to `baseUrl` and its answer back. */
async function forward(req: IncomingMessage, res: ServerResponse, body: Buffer, baseUrl: string): Promise<void> {
  const headers: Record<string, string> = {};
  for (const name of ['authorization', 'content-type', 'git-protocol', 'content-encoding', 'accept']) {
    const value = req.headers[name];
    if (typeof value === 'string') headers[name] = value;
  }
  const answer = await fetch(`${baseUrl}${req.url ?? '/'}`, { method: req.method ?? 'GET', headers, ...(body.length && { body }) });
  const out: Record<string, string> = {};
  for (const name of ['content-type', 'www-authenticate', 'cache-control']) {
    const value = answer.headers.get(name);
    if (value !== null) out[name] = value;
  }
  res.writeHead(answer.status, out);
  res.end(Buffer.from(await answer.arrayBuffer()));
}
