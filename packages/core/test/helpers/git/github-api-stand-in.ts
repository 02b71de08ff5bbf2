/**
 * A stand-in for the GitHub REST API (the real one cannot run here), implementing only
 * the endpoints imgsync uses, with GitHub's documented request and response shapes
 * (https://docs.github.com/rest/pulls/pulls):
 *
 * - `GET    {base}/repos/{owner}/{repo}/pulls?state=&head=owner:branch&base=` -> 200 [pull]
 * - `POST   {base}/repos/{owner}/{repo}/pulls {title, head, base, body}` -> 201 pull;
 *   422 "Validation Failed" with `errors[].message` "A pull request already exists for owner:branch."
 * - `PATCH  {base}/repos/{owner}/{repo}/pulls/{pull_number} {title, body}` -> 200 pull
 *
 * `Authorization: token T` or `Bearer T` is checked (401 "Bad credentials"). `base` is
 * empty (github.com style) or e.g. `/api/v3` (GitHub Enterprise Server style).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

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

export interface GitHubStandIn {
  /** API base URL to give Octokit (`http://127.0.0.1:PORT/api/v3` with a prefix). */
  baseUrl: string;
  pulls: StandInPull[];
  requests: { method: string; path: string; body: unknown }[];
  /** The next list request answers `[]` (a stale read, or a PR opened by a concurrent run). */
  staleListOnce(): void;
  stop(): Promise<void>;
}

export async function startGitHubStandIn(options: { token: string; prefix?: string }): Promise<GitHubStandIn> {
  const prefix = options.prefix ?? '';
  const pulls: StandInPull[] = [];
  const requests: GitHubStandIn['requests'] = [];
  let stale = false;
  let nextNumber = 1;
  let origin = '';

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

  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'x-github-media-type': 'github.v3' });
    res.end(JSON.stringify(body));
  };

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    const url = new URL(req.url ?? '/', origin);
    requests.push({ method: req.method ?? '', path: `${url.pathname}${url.search}`, body });

    const auth = req.headers.authorization ?? '';
    if (auth !== `token ${options.token}` && auth !== `bearer ${options.token}` && auth !== `Bearer ${options.token}`) {
      return send(res, 401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' });
    }
    const path = url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) : '';
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
      if (!pr) return send(res, 404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest/pulls/pulls#update-a-pull-request', status: '404' });
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
  return {
    baseUrl: `${origin}${prefix}`,
    pulls,
    requests,
    staleListOnce: () => {
      stale = true;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
