/**
 * A real git smart-HTTP server for tests: a Node HTTP server on 127.0.0.1 (free port)
 * that checks `Authorization: Basic` (any user name, password = the token) and forwards
 * to `git http-backend` as CGI over bare repositories under `root` (each with
 * `http.receivepack` enabled). It counts bytes both ways and can inject faults.
 *
 * Like careless real servers, its error pages echo the credentials it received, so the
 * tests can check that imgsync redacts them.
 */
import { spawn, execFileSync } from 'node:child_process';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

export interface Fault {
  /** `git-receive-pack` (push) or `git-upload-pack` (fetch/clone). */
  service: 'git-receive-pack' | 'git-upload-pack';
  status: number;
  /** Forward to the backend first (the ref may be updated), then answer `status`. */
  afterBackend?: boolean;
}

export interface GitServer {
  baseUrl: string;
  root: string;
  /** Clone URL of a repository under `root` (`name` without `.git`). */
  url(name: string): string;
  /** The next request for `fault.service` (after discovery) fails with `fault.status`. */
  failNext(fault: Fault): void;
  /** Holds POSTs to git-receive-pack until `count` of them are waiting, then lets all go. */
  holdPushes(count: number): void;
  /** Bytes received from and sent to clients since the last reset. */
  traffic: { requestBytes: number; responseBytes: number; requests: number };
  resetTraffic(): void;
  stop(): Promise<void>;
}

const backend = join(execFileSync('git', ['--exec-path'], { encoding: 'utf8' }).trim(), 'git-http-backend');

export async function startGitServer(options: { root: string; token: string }): Promise<GitServer> {
  const faults: Fault[] = [];
  let hold: { count: number; waiting: (() => void)[] } | undefined;
  const traffic = { requestBytes: 0, responseBytes: 0, requests: 0 };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`internal error: ${String(error)}`);
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    traffic.requests++;
    const original = res.write.bind(res);
    res.write = ((chunk: unknown, ...rest: unknown[]) => {
      if (chunk) traffic.responseBytes += Buffer.byteLength(chunk as Buffer);
      return (original as (...a: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof res.write;

    const body = await readBody(req);
    traffic.requestBytes += body.length;
    const authorization = req.headers.authorization ?? '';
    const password = authorization.startsWith('Basic ')
      ? Buffer.from(authorization.slice(6), 'base64').toString('utf8').split(':').slice(1).join(':')
      : undefined;
    if (password !== options.token) {
      const echo = authorization ? ` (you sent "${authorization}", password "${password}")` : '';
      res.writeHead(401, { 'www-authenticate': 'Basic realm="imgsync-test"', 'content-type': 'text/plain' });
      res.write(`Authentication failed${echo}\n`);
      res.end();
      return;
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const service = url.pathname.endsWith('/git-receive-pack') ? 'git-receive-pack' : url.pathname.endsWith('/git-upload-pack') ? 'git-upload-pack' : undefined;

    if (service === 'git-receive-pack' && hold) {
      const h = hold;
      await new Promise<void>((resolve) => {
        h.waiting.push(resolve);
        if (h.waiting.length >= h.count) {
          hold = undefined;
          for (const go of h.waiting) go();
        }
      });
    }
    const faultIndex = req.method === 'POST' ? faults.findIndex((f) => f.service === service) : -1;
    const fault = faultIndex >= 0 ? faults.splice(faultIndex, 1)[0] : undefined;
    if (fault && !fault.afterBackend) {
      res.writeHead(fault.status, { 'content-type': 'text/plain' });
      res.write(`injected failure; request carried "${authorization}"\n`);
      res.end();
      return;
    }
    const cgi = await runBackend(req, url, body, options.root);
    if (fault) {
      res.writeHead(fault.status, { 'content-type': 'text/plain' });
      res.write('injected failure after the update\n');
      res.end();
      return;
    }
    res.writeHead(cgi.status, cgi.headers);
    res.write(cgi.body);
    res.end();
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    baseUrl,
    root: options.root,
    url: (name) => `${baseUrl}/${name}.git`,
    failNext: (fault) => faults.push(fault),
    holdPushes: (count) => {
      hold = { count, waiting: [] };
    },
    traffic,
    resetTraffic: () => {
      traffic.requestBytes = 0;
      traffic.responseBytes = 0;
      traffic.requests = 0;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

interface CgiReply {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** Runs `git http-backend` for one request and parses its CGI reply (`Status:` + headers + body). */
function runBackend(req: IncomingMessage, url: URL, body: Buffer, root: string): Promise<CgiReply> {
  return new Promise((resolve, reject) => {
    const child = spawn(backend, [], {
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        GIT_PROJECT_ROOT: root,
        GIT_HTTP_EXPORT_ALL: '1',
        REQUEST_METHOD: req.method ?? 'GET',
        PATH_INFO: decodeURIComponent(url.pathname),
        QUERY_STRING: url.search.slice(1),
        CONTENT_TYPE: req.headers['content-type'] ?? '',
        CONTENT_LENGTH: String(body.length),
        REMOTE_USER: 'imgsync-test',
        REMOTE_ADDR: '127.0.0.1',
        ...(req.headers['git-protocol'] ? { GIT_PROTOCOL: String(req.headers['git-protocol']) } : {}),
        ...(req.headers['content-encoding'] ? { HTTP_CONTENT_ENCODING: String(req.headers['content-encoding']) } : {}),
      },
    });
    const out: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', () => undefined);
    child.on('error', reject);
    child.on('close', () => {
      const all = Buffer.concat(out);
      const split = all.indexOf('\r\n\r\n');
      const headEnd = split >= 0 ? split : all.indexOf('\n\n');
      const sepLength = split >= 0 ? 4 : 2;
      const head = all.subarray(0, headEnd).toString('latin1');
      const headers: Record<string, string> = {};
      let status = 200;
      for (const line of head.split(/\r?\n/)) {
        const colon = line.indexOf(':');
        if (colon < 0) continue;
        const name = line.slice(0, colon).trim().toLowerCase();
        const value = line.slice(colon + 1).trim();
        if (name === 'status') status = Number.parseInt(value, 10);
        else headers[name] = value;
      }
      resolve({ status, headers, body: all.subarray(headEnd + sepLength) });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(body);
  });
}
