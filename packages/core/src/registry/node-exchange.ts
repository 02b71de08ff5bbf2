/**
 * The default way registry requests go out: `node:http` and `node:https` over keep-alive
 * agents of the client's own, at most `connections` sockets per origin (scheme, host, port).
 *
 * Not Node's `fetch`. Measured on 10,000 manifest HEADs at concurrency 8 against the real
 * registry, fetch (undici) allocates about 15 KiB per request, and registers every response
 * (and, given a signal, every request) with a `FinalizationRegistry` through a `WeakRef`:
 * the young-generation collector keeps what a `WeakRef` points to alive, so each request's
 * objects (request, response, web stream, abort wiring) survived into the old generation
 * and stayed there as garbage until the next full collection — 70 to 100 MiB promoted over
 * such a run, against 1.5 MiB here. Loading undici also costs about 12 MiB of the process
 * before the first request. What fetch did that matters here is done here too:
 *
 * - connections are kept alive, HEADs included (undici closed the socket after every HEAD
 *   unless told otherwise, see `keep-alive.ts`);
 * - redirects are followed (at most 20), a 303, or a 301/302 after a POST, continuing as a
 *   GET without body, and the `Authorization` header is dropped when a redirect leaves the
 *   origin, so a registry's credentials never reach the storage it redirects to;
 * - `Accept-Encoding` is sent as fetch sends it and gzip, deflate and br bodies are decoded,
 *   the body limit applying to the decoded size;
 * - the request's signal ends the exchange at any point (connect, headers, body).
 *
 * A caller who needs requests to go elsewhere (a proxy, a test double) passes its own
 * `fetch` to the client, which then uses {@link fetchExchange} instead.
 */
import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { promisify } from 'node:util';
import { brotliDecompress, gunzip, inflate, inflateRaw, type ZlibOptions } from 'node:zlib';
import type { Exchange, ExchangeRequest, ExchangeResponse, ResponseHeaders } from './exchange.js';

export interface NodeExchangeOptions {
  /** Most sockets per origin; the transport's concurrency. */
  connections: number;
}

/** As fetch: more redirects than this is a network error. */
export const MAX_REDIRECTS = 20;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** A redirect's own body is read (and dropped) up to this, keeping its connection; a longer one closes it. */
const MAX_REDIRECT_BODY = 64 * 1024;
/** Dropped when a redirect leaves the origin (as fetch does): they are meant for the origin alone. */
const ORIGIN_ONLY_HEADERS = ['authorization', 'proxy-authorization', 'cookie'];
/** Dropped when a redirect turns the request into a GET without body. */
const BODY_HEADERS = ['content-type', 'content-length', 'content-encoding', 'content-language', 'content-location'];

type Decoder = (buffer: Buffer, options: ZlibOptions) => Promise<Buffer>;
const DECODERS: Record<string, Decoder> = {
  gzip: promisify(gunzip),
  'x-gzip': promisify(gunzip),
  br: promisify(brotliDecompress),
  // "deflate" is meant to be zlib-wrapped; some servers send it raw (fetch accepts both)
  deflate: (buffer, options) => ((buffer[0]! & 0x0f) === 0x08 ? promisify(inflate)(buffer, options) : promisify(inflateRaw)(buffer, options)),
};

/**
 * @example
 * const exchange = nodeExchange({ connections: 8 });
 * const answer = await exchange({ url, method: 'HEAD', headers: {}, signal, bodyLimit: () => 0 });
 */
export function nodeExchange(options: NodeExchangeOptions): Exchange {
  let agents: { http: HttpAgent; https: HttpsAgent } | undefined;
  const agentFor = (url: URL) => {
    const maxSockets = Math.max(1, options.connections);
    agents ??= { http: new HttpAgent({ keepAlive: true, maxSockets }), https: new HttpsAgent({ keepAlive: true, maxSockets }) };
    return url.protocol === 'https:' ? agents.https : agents.http;
  };

  return async (request) => {
    const { signal } = request;
    signal.throwIfAborted();
    let url = new URL(request.url);
    let method = request.method;
    let body = request.body;
    let headers: Record<string, string> = {
      accept: '*/*',
      'accept-encoding': url.protocol === 'https:' ? 'br, gzip, deflate' : 'gzip, deflate',
      'user-agent': 'imgsync',
      ...request.headers,
    };
    // whatever is under way when the signal fires ends with its reason
    let current: { request: ClientRequest; response?: IncomingMessage } | undefined;
    const stop = () => {
      const reason = signal.reason instanceof Error ? signal.reason : new Error('aborted');
      current?.response?.destroy(reason);
      current?.request.destroy(reason);
    };
    signal.addEventListener('abort', stop, { once: true });
    try {
      for (let redirects = 0; ; redirects++) {
        const sent = send(url, method, headers, body, url.protocol === 'https:' ? httpsRequest : httpRequest, agentFor(url));
        current = { request: sent.request };
        const response = await sent.response;
        current.response = response;
        const location = REDIRECTS.has(response.statusCode ?? 0) ? response.headers.location : undefined;
        if (location === undefined) return await answer(response, url, method, request);
        await readBody(response, MAX_REDIRECT_BODY, signal);
        if (redirects >= MAX_REDIRECTS) throw new Error(`more than ${MAX_REDIRECTS} redirects`);
        const next = new URL(location, url);
        if (next.protocol !== 'http:' && next.protocol !== 'https:') throw new Error(`redirect to a ${next.protocol} URL`);
        const status = response.statusCode!;
        if ((status === 303 && method !== 'GET' && method !== 'HEAD') || ((status === 301 || status === 302) && method === 'POST')) {
          method = 'GET';
          body = undefined;
          headers = without(headers, BODY_HEADERS);
        }
        if (next.origin !== url.origin) headers = without(headers, ORIGIN_ONLY_HEADERS);
        url = next;
      }
    } finally {
      signal.removeEventListener('abort', stop);
    }
  };
}

function send(
  url: URL,
  method: string,
  headers: Record<string, string>,
  body: string | undefined,
  request: typeof httpRequest,
  agent: HttpAgent,
): { request: ClientRequest; response: Promise<IncomingMessage> } {
  const sent = request(url, {
    method,
    headers: body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) },
    agent,
  });
  const response = new Promise<IncomingMessage>((resolve, reject) => {
    sent.once('response', resolve);
    sent.once('error', reject);
  });
  sent.end(body);
  return { request: sent, response };
}

async function answer(response: IncomingMessage, url: URL, method: string, request: ExchangeRequest): Promise<ExchangeResponse> {
  const headers = headersOf(response);
  const status = response.statusCode ?? 0;
  if (method === 'HEAD') {
    await readBody(response, 0, request.signal);
    return { status, headers, url: url.href, body: new Uint8Array() };
  }
  const limit = request.bodyLimit(headers);
  const declared = headers.get('content-length');
  if (declared !== null && Number(declared) > limit) {
    response.destroy();
    return { status, headers, url: url.href, body: undefined };
  }
  const raw = await readBody(response, limit, request.signal);
  return { status, headers, url: url.href, body: raw && (await decode(raw, headers.get('content-encoding'), limit)) };
}

/** The whole body, or `undefined` (the rest unread, the connection closed) once it passes `limit`. */
function readBody(response: IncomingMessage, limit: number, signal: AbortSignal): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    let settled = false;
    const settle = (value: Buffer | undefined, error?: Error) => {
      if (settled) return;
      settled = true;
      if (error) reject(error);
      else resolve(value);
    };
    response.on('data', (chunk: Buffer) => {
      total += chunk.length;
      if (total > limit) {
        settle(undefined);
        response.destroy();
        return;
      }
      chunks.push(chunk);
    });
    response.once('end', () => settle(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total)));
    // ended by the request's signal: its reason; else the server (or the network) cut the body off
    const cutOff = (error?: Error) => settle(undefined, signal.aborted && error ? error : new Error('the server closed the connection mid-answer'));
    response.once('error', cutOff);
    response.once('close', () => cutOff());
  });
}

/** The body decoded as its `Content-Encoding` says (the last coding applied is undone first); `undefined` past `limit`. */
async function decode(body: Buffer, encoding: string | null, limit: number): Promise<Uint8Array | undefined> {
  if (!encoding) return body;
  const codings = encoding
    .toLowerCase()
    .split(',')
    .map((coding) => coding.trim())
    .filter((coding) => coding && coding !== 'identity');
  let decoded: Buffer = body;
  for (const coding of codings.reverse()) {
    const decoder = DECODERS[coding];
    if (!decoder) return decoded; // not one fetch decodes either: handed on as it came
    try {
      decoded = await decoder(decoded, { maxOutputLength: Math.max(1, limit) });
    } catch (error) {
      if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') return undefined;
      throw new Error(`corrupt ${coding} body: ${(error as Error).message}`);
    }
  }
  return decoded.length > limit ? undefined : decoded;
}

/** `Headers.get` semantics over a response's headers: any case, repeated values joined with `, `. */
function headersOf(response: IncomingMessage): ResponseHeaders {
  const distinct = response.headersDistinct;
  return { get: (name) => distinct[name.toLowerCase()]?.join(', ') ?? null };
}

function without(headers: Record<string, string>, names: readonly string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !names.includes(name.toLowerCase())));
}
