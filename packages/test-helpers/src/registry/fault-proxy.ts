/**
 * An HTTP proxy on 127.0.0.1 in front of a real server that injects the failures a
 * registry client meets in the wild. For each request, `plan(request, n)` (n counts from
 * 0 per proxy) picks a fault:
 *
 * | fault | what the client sees |
 * | --- | --- |
 * | `pass` | the upstream answer, unchanged |
 * | `{ latencyMs }` | the upstream answer, late |
 * | `drop` | the connection closed without an answer |
 * | `{ status: 429, retryAfter }` | 429 with `Retry-After` (seconds) |
 * | `{ status: 500 }` / 502 / 503 | a server error, no upstream call |
 * | `truncate` | the upstream status and headers, then half the body and a closed socket |
 * | `stall` | nothing at all until the client gives up |
 * | `{ bloat: bytes, declared? }` | 200 and a body of `bytes` spaces, streamed as the client reads, with a Content-Length when `declared` |
 *
 * A `latencyMs` option delays every answer (the benchmark's 50 ms round trip).
 */
import { createServer, request as httpRequest, Agent, type IncomingMessage, type Server } from 'node:http';

export type Fault =
  | 'pass'
  | 'drop'
  | 'truncate'
  | 'stall'
  | { latencyMs: number }
  | { bloat: number; declared?: boolean }
  | { status: number; retryAfter?: string; headers?: Record<string, string> };

export interface FaultProxyOptions {
  target: string;
  latencyMs?: number;
  plan?: (request: { method: string; path: string }, n: number) => Fault;
}

export interface RunningFaultProxy {
  url: string;
  /** Requests received, those answered by a fault, and body bytes a `bloat` fault got out. */
  counts: { requests: number; faults: number; bloatBytesSent: number };
  /** Replace the plan between tests. */
  setPlan(plan: FaultProxyOptions['plan']): void;
  stop(): Promise<void>;
}

export async function startFaultProxy(options: FaultProxyOptions): Promise<RunningFaultProxy> {
  const target = new URL(options.target);
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  let plan = options.plan ?? (() => 'pass');
  let n = 0;
  const counts = { requests: 0, faults: 0, bloatBytesSent: 0 };
  const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  const server: Server = createServer(async (req, res) => {
    const fault = plan({ method: req.method ?? 'GET', path: req.url ?? '/' }, n++);
    counts.requests++;
    const body: Buffer[] = [];
    for await (const chunk of req) body.push(chunk as Buffer);
    if (options.latencyMs) await delay(options.latencyMs);
    if (typeof fault === 'object' && 'latencyMs' in fault) await delay(fault.latencyMs);
    if (fault !== 'pass' && !(typeof fault === 'object' && 'latencyMs' in fault)) counts.faults++;
    if (fault === 'drop') {
      req.socket.destroy();
      return;
    }
    if (fault === 'stall') return; // closed by stop() or by the client's timeout
    if (typeof fault === 'object' && 'bloat' in fault) {
      const size = fault.bloat;
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      res.writeHead(200, { 'content-type': 'application/json', ...(fault.declared && { 'content-length': String(size) }) });
      let sent = 0;
      const pump = (): void => {
        while (sent < size && !res.destroyed) {
          const piece = chunk.subarray(0, Math.min(chunk.length, size - sent));
          sent += piece.length;
          counts.bloatBytesSent += piece.length;
          if (!res.write(piece)) {
            res.once('drain', pump);
            return;
          }
        }
        res.end();
      };
      pump();
      return;
    }
    if (typeof fault === 'object' && 'status' in fault) {
      res
        .writeHead(fault.status, {
          'content-type': 'application/json',
          ...(fault.retryAfter ? { 'retry-after': fault.retryAfter } : {}),
          ...fault.headers,
        })
        .end(JSON.stringify({ errors: [{ code: 'INJECTED', message: `injected ${fault.status}` }] }));
      return;
    }
    const upstream = httpRequest(
      {
        agent,
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: target.host },
      },
      async (answer: IncomingMessage) => {
        const chunks: Buffer[] = [];
        for await (const chunk of answer) chunks.push(chunk as Buffer);
        const full = Buffer.concat(chunks);
        const headers = { ...answer.headers };
        if (fault === 'truncate' && full.length > 1) {
          headers['content-length'] = String(full.length);
          delete headers['transfer-encoding'];
          res.writeHead(answer.statusCode ?? 502, headers);
          res.write(full.subarray(0, Math.floor(full.length / 2)), () => res.socket?.destroy());
          return;
        }
        res.writeHead(answer.statusCode ?? 502, headers).end(full);
      },
    );
    upstream.on('error', () => res.socket?.destroy());
    upstream.end(Buffer.concat(body));
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    counts,
    setPlan(next) {
      plan = next ?? (() => 'pass');
      n = 0;
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
    },
  };
}
