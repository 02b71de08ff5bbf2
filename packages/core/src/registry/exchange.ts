/**
 * One HTTP exchange: a request out, its status, headers and body, the body read only up to
 * a bound chosen once the headers are in (a manifest's limit depends on its content type).
 * `http.ts` retries, times and counts exchanges; how one goes over the wire is one of two:
 *
 * - {@link nodeExchange} (`node-exchange.ts`), the default: `node:http` / `node:https` with
 *   keep-alive agents of its own;
 * - {@link fetchExchange}: any `fetch` a caller passes in (a test double, a proxy's fetch),
 *   and Node's own fetch when a proxy agent is installed as undici's global dispatcher.
 */
import { readBoundedBody } from '../bounded-body.js';
import { hasCustomGlobalDispatcher, keepAliveFetch } from './keep-alive.js';
import { nodeExchange } from './node-exchange.js';
import type { FetchLike } from './types.js';

/** What an exchange needs of response headers: `Headers` has it, so does a plain map. */
export interface ResponseHeaders {
  /** The value, several joined with `, ` as `Headers.get` does; `null` when absent. Any case. */
  get(name: string): string | null;
}

export interface ExchangeRequest {
  url: string;
  method: 'GET' | 'HEAD' | 'POST';
  headers: Record<string, string>;
  body?: string;
  /** Ends the exchange (connect, headers or body) with the signal's reason. */
  signal: AbortSignal;
  /** The most body bytes to read, given the answer's headers; a larger body is not read. */
  bodyLimit(headers: ResponseHeaders): number;
}

export interface ExchangeResponse {
  status: number;
  headers: ResponseHeaders;
  /** Where the answer came from, after redirects. */
  url: string;
  /** The body (empty for HEAD); `undefined` when it was larger than `bodyLimit` allowed. */
  body: Uint8Array | undefined;
}

export type Exchange = (request: ExchangeRequest) => Promise<ExchangeResponse>;

/**
 * Exchanges through `fetch`: redirects followed, the body read with {@link readBoundedBody}.
 *
 * @example
 * const exchange = fetchExchange((input, init) => fetch(input, init));
 */
export function fetchExchange(fetchImpl: FetchLike): Exchange {
  return async (request) => {
    const response = await fetchImpl(request.url, {
      method: request.method,
      headers: request.headers,
      ...(request.body !== undefined && { body: request.body }),
      redirect: 'follow',
      signal: request.signal,
    });
    const url = response.url || request.url;
    if (request.method === 'HEAD') {
      await response.body?.cancel().catch(() => {});
      return { status: response.status, headers: response.headers, url, body: new Uint8Array() };
    }
    const body = await readBoundedBody(response, request.bodyLimit(response.headers));
    return { status: response.status, headers: response.headers, url, body };
  };
}

/**
 * The client's exchange when no `fetch` is given: {@link nodeExchange}, unless a proxy agent
 * is installed as undici's global dispatcher when the first request goes out; then Node's
 * fetch, through that proxy, with connections kept ({@link keepAliveFetch}).
 *
 * @example
 * const exchange = defaultExchange(8);
 */
export function defaultExchange(connections: number): Exchange {
  let chosen: Exchange | undefined;
  return (request) => {
    chosen ??= hasCustomGlobalDispatcher() ? fetchExchange(keepAliveFetch({ connections })) : nodeExchange({ connections });
    return chosen(request);
  };
}
