/**
 * A small token server following Docker's token authentication protocol, so the real
 * registry can run with `auth.token`:
 *
 * - `GET /token?service=S&scope=repository:NAME:pull,push&scope=…` with optional Basic
 *   credentials answers `{ token, access_token, expires_in, issued_at }`;
 * - `POST /token` with an OAuth2 form (`grant_type=refresh_token`, `refresh_token`,
 *   `service`, `scope`) answers the same, for identity tokens;
 * - the token is a JWT (ES256) with `iss`, `sub`, `aud` = service, `exp`, `nbf`, `iat`,
 *   `jti` and `access: [{ type, name, actions }]`, signed by a P-256 key whose self-signed
 *   certificate travels in the `x5c` header. The registry trusts it because the same
 *   certificate is its `rootcertbundle`.
 *
 * Users get pull and push (and the catalog); anonymous callers get pull only when
 * `anonymousPull` is set, otherwise 401. The key and certificate are made with the
 * `openssl` command line (Node cannot write X.509 certificates).
 */
import { execFileSync } from 'node:child_process';
import { createPrivateKey, randomUUID, sign, X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TokenServerOptions {
  service: string;
  issuer: string;
  users: Record<string, string>;
  /** identity token -> username (the OAuth2 refresh-token grant). */
  identityTokens?: Record<string, string>;
  anonymousPull?: boolean;
  expiresInSeconds?: number;
}

export interface RunningTokenServer {
  realm: string;
  certPath: string;
  /** Token requests served, by outcome. */
  counts: { issued: number; refused: number };
  /** Scopes asked for, in order. */
  scopes: string[];
  /** A token for `scope` as `user` (for the harness's own pushes). */
  tokenFor(user: string, scopes: string[]): string;
  stop(): Promise<void>;
}

function base64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

export async function startTokenServer(options: TokenServerOptions): Promise<RunningTokenServer> {
  const dir = await mkdtemp(join(tmpdir(), 'imgsync-token-'));
  const keyPath = join(dir, 'key.pem');
  const certPath = join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      keyPath,
      '-out',
      certPath,
      '-days',
      '2',
      '-subj',
      '/CN=imgsync-test-token-issuer',
    ],
    { stdio: 'ignore' },
  );
  const key = createPrivateKey(await readFile(keyPath));
  const certDer = new X509Certificate(await readFile(certPath)).raw;
  const expiresIn = options.expiresInSeconds ?? 300;
  const counts = { issued: 0, refused: 0 };
  const scopes: string[] = [];

  const tokenFor = (user: string, requested: string[]): string => {
    const access = requested.flatMap((scope) => {
      const [type, ...rest] = scope.split(':');
      const actions = (rest.pop() ?? '').split(',').filter(Boolean);
      const name = rest.join(':');
      if (!type || !name) return [];
      const allowed = user ? actions : actions.filter((a) => a === 'pull');
      if (type === 'registry' && !user) return [];
      return allowed.length ? [{ type, name, actions: allowed }] : [];
    });
    const now = Math.floor(Date.now() / 1000);
    const header = { typ: 'JWT', alg: 'ES256', x5c: [certDer.toString('base64')] };
    const claims = { iss: options.issuer, sub: user, aud: options.service, exp: now + expiresIn, nbf: now - 10, iat: now, jti: randomUUID(), access };
    const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
    const signature = sign('sha256', Buffer.from(signingInput), { key, dsaEncoding: 'ieee-p1363' });
    return `${signingInput}.${base64url(signature)}`;
  };

  const readBody = (req: IncomingMessage) =>
    new Promise<string>((resolve) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => resolve(body));
    });

  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const refuse = () => {
      counts.refused++;
      res
        .writeHead(401, { 'content-type': 'application/json' })
        .end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] }));
    };
    if (url.pathname !== '/token') {
      res.writeHead(404).end();
      return;
    }
    let user = '';
    let requested: string[];
    let service: string | null;
    if (req.method === 'POST') {
      const form = new URLSearchParams(await readBody(req));
      service = form.get('service');
      requested = (form.get('scope') ?? '').split(' ').filter(Boolean);
      const owner = form.get('grant_type') === 'refresh_token' ? options.identityTokens?.[form.get('refresh_token') ?? ''] : undefined;
      if (!owner) return refuse();
      user = owner;
    } else {
      service = url.searchParams.get('service');
      requested = url.searchParams
        .getAll('scope')
        .flatMap((s) => s.split(' '))
        .filter(Boolean);
      const authorization = req.headers.authorization;
      if (authorization?.startsWith('Basic ')) {
        const decoded = Buffer.from(authorization.slice(6), 'base64').toString();
        const colon = decoded.indexOf(':');
        const name = decoded.slice(0, colon);
        if (colon < 0 || options.users[name] !== decoded.slice(colon + 1)) return refuse();
        user = name;
      } else if (!options.anonymousPull) {
        return refuse();
      }
    }
    if (service !== options.service) {
      res.writeHead(400).end();
      return;
    }
    scopes.push(...requested);
    counts.issued++;
    const token = tokenFor(user, requested);
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ token, access_token: token, expires_in: expiresIn, issued_at: new Date().toISOString() }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    realm: `http://127.0.0.1:${port}/token`,
    certPath,
    counts,
    scopes,
    tokenFor,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
