import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExchangeRequest } from '../../src/registry/exchange.js';
import { MAX_REDIRECTS, nodeExchange } from '../../src/registry/node-exchange.js';
import { startConnectionCounter } from '@imgsync/test-helpers/registry/connection-counter.js';
import { pushImage } from '@imgsync/test-helpers/registry/push.js';
import { startRegistry, type RunningRegistry } from '@imgsync/test-helpers/registry/registry-server.js';

/** A local HTTP server answering with `handle`, recording what it was sent. */
interface StandIn {
  url: string;
  seen: Array<{ method: string; url: string; authorization?: string; body: string }>;
  close(): Promise<void>;
}

async function standIn(handle: (request: IncomingMessage, response: ServerResponse, body: string) => void): Promise<StandIn> {
  const seen: StandIn['seen'] = [];
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      seen.push({ method: request.method!, url: request.url!, ...(request.headers.authorization && { authorization: request.headers.authorization }), body });
      handle(request, response, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function request(url: string, overrides: Partial<ExchangeRequest> = {}): ExchangeRequest {
  return { url, method: 'GET', headers: {}, signal: new AbortController().signal, bodyLimit: () => 1024 * 1024, ...overrides };
}

const text = (body: Uint8Array | undefined) => (body ? Buffer.from(body).toString() : undefined);

let registry: RunningRegistry;

beforeAll(async () => {
  registry = await startRegistry();
  for (let i = 0; i < 5; i++) await pushImage({ url: registry.url }, 'acme/app', `1.${i}.0`, { seed: `app ${i}` });
});

afterAll(async () => {
  await registry?.stop();
});

describe('nodeExchange against the real registry', () => {
  it('sends HEADs and GETs over one kept-alive connection (sockets counted as the registry accepts them)', async () => {
    const counter = await startConnectionCounter(registry.url);
    try {
      const exchange = nodeExchange({ connections: 1 });
      const accept = { accept: 'application/vnd.oci.image.manifest.v1+json' };
      for (let round = 0; round < 4; round++) {
        for (let i = 0; i < 5; i++) {
          const head = await exchange(request(`${counter.url}/v2/acme/app/manifests/1.${i}.0`, { method: 'HEAD', headers: accept }));
          expect(head.status).toBe(200);
          expect(head.headers.get('Docker-Content-Digest')).toMatch(/^sha256:[0-9a-f]{64}$/);
          expect(head.body).toEqual(new Uint8Array());
        }
        const list = await exchange(request(`${counter.url}/v2/acme/app/tags/list`));
        const listed = JSON.parse(text(list.body)!) as { name: string; tags: string[] };
        expect(listed.tags.sort()).toEqual(['1.0.0', '1.1.0', '1.2.0', '1.3.0', '1.4.0']);
      }
      expect(counter.accepted).toBe(1);
    } finally {
      await counter.stop();
    }
  });

  it('reads no more than the body limit allows: a larger tag list comes back as undefined', async () => {
    const exchange = nodeExchange({ connections: 2 });
    const answer = await exchange(request(`${registry.url}/v2/acme/app/tags/list`, { bodyLimit: () => 20 }));
    expect(answer.status).toBe(200);
    expect(answer.body).toBeUndefined();
  });
});

describe('nodeExchange: what fetch did (local stand-in servers)', () => {
  it('follows a redirect to another origin without the Authorization header, and keeps it on the same origin', async () => {
    const storage = await standIn((_request, response) => response.end('stored'));
    const origin = await standIn((req, response) => {
      if (req.url === '/same') response.writeHead(307, { location: '/other' }).end();
      else if (req.url === '/other') response.writeHead(302, { location: `${storage.url}/blob` }).end();
      else response.writeHead(404).end();
    });
    try {
      const answer = await nodeExchange({ connections: 2 })(request(`${origin.url}/same`, { headers: { authorization: 'Bearer secret' } }));
      expect(answer.status).toBe(200);
      expect(text(answer.body)).toBe('stored');
      expect(answer.url).toBe(`${storage.url}/blob`);
      expect(origin.seen.map((s) => [s.url, s.authorization])).toEqual([
        ['/same', 'Bearer secret'],
        ['/other', 'Bearer secret'],
      ]);
      expect(storage.seen).toEqual([{ method: 'GET', url: '/blob', body: '' }]);
    } finally {
      await origin.close();
      await storage.close();
    }
  });

  it('continues a POST answered with 303 as a GET without body, and gives up after 20 redirects', async () => {
    const server = await standIn((req, response) => {
      if (req.url === '/token') response.writeHead(303, { location: '/token/issued' }).end();
      else if (req.url === '/token/issued') response.end('{"token":"t"}');
      else response.writeHead(302, { location: `/loop/${Number(req.url!.split('/')[2] ?? 0) + 1}` }).end();
    });
    try {
      const exchange = nodeExchange({ connections: 1 });
      const answer = await exchange(
        request(`${server.url}/token`, { method: 'POST', body: 'grant_type=password', headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
      );
      expect(text(answer.body)).toBe('{"token":"t"}');
      expect(server.seen.map((s) => [s.method, s.url, s.body])).toEqual([
        ['POST', '/token', 'grant_type=password'],
        ['GET', '/token/issued', ''],
      ]);
      await expect(exchange(request(`${server.url}/loop/0`))).rejects.toThrow(`more than ${MAX_REDIRECTS} redirects`);
      expect(server.seen.filter((s) => s.url.startsWith('/loop/'))).toHaveLength(MAX_REDIRECTS + 1);
    } finally {
      await server.close();
    }
  });

  it('decodes a gzip body, the limit applying to the decoded size', async () => {
    const json = JSON.stringify({ tags: Array.from({ length: 2000 }, (_, i) => `1.${i}.0`) });
    const accepted: Array<string | undefined> = [];
    const server = await standIn((req, response) => {
      accepted.push(req.headers['accept-encoding']);
      response.writeHead(200, { 'content-encoding': 'gzip', 'content-type': 'application/json' }).end(gzipSync(json));
    });
    try {
      const exchange = nodeExchange({ connections: 1 });
      expect(text((await exchange(request(server.url))).body)).toBe(json);
      // well under the limit on the wire, over it once decoded
      expect(gzipSync(json).byteLength).toBeLessThan(json.length / 2);
      expect((await exchange(request(server.url, { bodyLimit: () => json.length - 1 }))).body).toBeUndefined();
      expect(accepted).toEqual(['gzip, deflate', 'gzip, deflate']);
    } finally {
      await server.close();
    }
  });

  // a body cut off mid-way: deadline.test.ts, through the fault proxy in front of the real registry
  it("ends a stalled answer with the signal's reason", async () => {
    const server = await standIn((_request, response) => {
      response.writeHead(200, { 'content-length': '100' });
      response.write('partial');
    });
    try {
      const exchange = nodeExchange({ connections: 2 });
      const controller = new AbortController();
      const stalled = exchange(request(`${server.url}/stall`, { signal: controller.signal }));
      setTimeout(() => controller.abort(new Error('timed out (test)')), 50);
      await expect(stalled).rejects.toThrow('timed out (test)');
    } finally {
      await server.close();
    }
  });
});
