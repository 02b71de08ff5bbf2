/**
 * Docker Hub API stand-in. hub.docker.com cannot be reached from tests, so this local
 * server answers the documented shapes of the two endpoints imgsync uses, with
 * Docker Hub's `next`-URL pagination:
 *
 * - `GET /v2/namespaces/{ns}/repositories?page_size=N&page=P`
 *   -> `{ count, next, previous, results: [{ name, namespace, repository_type, last_updated }] }`
 * - `GET /v2/namespaces/{ns}/repositories/{repo}/tags?page_size=N&page=P`
 *   -> `{ count, next, previous, results: [{ name, digest, media_type, tag_last_pushed,
 *      last_updated, images: [{ architecture, os, variant, digest, size, status }] }] }`
 * - `POST /v2/users/login` `{ username, password }` -> `{ token }`; listed repositories
 *   marked private are shown only with `Authorization: Bearer <that token>`.
 *
 * It holds no images: the data is what a test puts in, typically the digests it pushed
 * to the real registry.
 */
import { createServer, type Server } from 'node:http';

export interface HubImage {
  architecture: string;
  os: string;
  variant?: string | null;
  digest: string;
}

export interface HubTagData {
  name: string;
  digest: string;
  tag_last_pushed?: string;
  images: HubImage[];
}

export interface HubApiData {
  /** namespace -> repository name -> tags */
  namespaces: Record<string, Record<string, { private?: boolean; tags: HubTagData[] }>>;
  users?: Record<string, string>;
}

export interface RunningHubApi {
  url: string;
  counts: { requests: number };
  /** Paths requested, in order. */
  paths: string[];
  stop(): Promise<void>;
}

export async function startHubApiStandIn(data: HubApiData, options: { maxPageSize?: number } = {}): Promise<RunningHubApi> {
  const counts = { requests: 0 };
  const paths: string[] = [];
  const token = 'hub-jwt-stand-in-token';
  let base = '';
  const server: Server = createServer(async (req, res) => {
    counts.requests++;
    const url = new URL(req.url ?? '/', base);
    paths.push(url.pathname + url.search);
    const json = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (req.method === 'POST' && url.pathname === '/v2/users/login') {
      let body = '';
      for await (const chunk of req) body += String(chunk);
      const { username, password } = JSON.parse(body || '{}') as { username?: string; password?: string };
      if (username && data.users?.[username] === password) return json(200, { token });
      return json(401, { detail: 'Incorrect authentication credentials' });
    }
    const authorized = req.headers.authorization === `Bearer ${token}`;
    const pageSize = Math.min(Number(url.searchParams.get('page_size') ?? 10), options.maxPageSize ?? 100);
    const page = Number(url.searchParams.get('page') ?? 1);
    const paginate = <T>(items: T[]) => {
      const results = items.slice((page - 1) * pageSize, page * pageSize);
      const link = (p: number) => {
        const next = new URL(url);
        next.searchParams.set('page', String(p));
        next.searchParams.set('page_size', String(pageSize));
        return next.toString();
      };
      return {
        count: items.length,
        next: page * pageSize < items.length ? link(page + 1) : null,
        previous: page > 1 ? link(page - 1) : null,
        results,
      };
    };
    const repos = /^\/v2\/namespaces\/([^/]+)\/repositories\/?$/.exec(url.pathname);
    if (repos) {
      const namespace = decodeURIComponent(repos[1]!);
      const entries = data.namespaces[namespace];
      if (!entries) return json(404, { message: 'object not found', errinfo: {} });
      const visible = Object.entries(entries).filter(([, r]) => !r.private || authorized);
      return json(
        200,
        paginate(
          visible.map(([name, r]) => ({
            name,
            namespace,
            repository_type: 'image',
            is_private: Boolean(r.private),
            last_updated: r.tags[0]?.tag_last_pushed ?? null,
          })),
        ),
      );
    }
    const tags = /^\/v2\/namespaces\/([^/]+)\/repositories\/([^/]+)\/tags\/?$/.exec(url.pathname);
    if (tags) {
      const repository = data.namespaces[decodeURIComponent(tags[1]!)]?.[decodeURIComponent(tags[2]!)];
      if (!repository || (repository.private && !authorized)) return json(404, { message: 'httperror 404: object not found' });
      return json(
        200,
        paginate(
          repository.tags.map((t) => ({
            name: t.name,
            digest: t.digest,
            media_type: t.images.length > 1 ? 'application/vnd.oci.image.index.v1+json' : 'application/vnd.oci.image.manifest.v1+json',
            tag_last_pushed: t.tag_last_pushed ?? null,
            last_updated: t.tag_last_pushed ?? null,
            images: t.images.map((i) => ({ ...i, variant: i.variant ?? null, size: 1234, status: 'active' })),
          })),
        ),
      );
    }
    json(404, { message: 'not found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  base = `http://127.0.0.1:${port}`;
  return {
    url: base,
    counts,
    paths,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
