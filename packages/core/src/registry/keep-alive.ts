/**
 * Keep-alive for registry requests sent with Node's own `fetch`.
 *
 * Node's fetch is undici, whose connection pool keeps sockets open between requests, with
 * two exceptions that dominate registry traffic:
 *
 * - undici closes the socket after every `HEAD` (nodejs/undici#258, for servers that
 *   wrongly send a body with a HEAD answer). Resolving a tag is one manifest HEAD, so a run
 *   of 10,000 tags opened 10,000 TCP connections (and as many TLS handshakes against a real
 *   registry), and every close built an error object with a stack trace.
 * - its pool opens a new connection when a request arrives in the instant between a
 *   response and the socket being marked free again, so even kept-alive traffic at
 *   concurrency N settles on about 2N connections.
 *
 * {@link keepAliveFetch} gives fetch a dispatcher that asks undici to keep the socket of a
 * HEAD open (`reset: false`; undici still tells its parser that a HEAD answer has no body,
 * so a server that sends one anyway breaks only that connection's next answer, which the
 * transport retries like any other network error) and sends everything through an undici
 * `Agent` of its own limited to `connections` per origin. That Agent is made from the
 * class of the process's global dispatcher, i.e. the undici that fetch itself is: its
 * dispatch interface always matches fetch's (Node 20 bundles undici 6, Node 24 undici 7,
 * and an `undici` package of another major would be refused by one of them), and nothing
 * is added to the bundle. When the global dispatcher is not a plain Agent (a proxy agent
 * installed with `setGlobalDispatcher`, or Node's `NODE_USE_ENV_PROXY`), requests go
 * through it unchanged apart from `reset`, so the proxy still applies.
 *
 * Only `dispatch` is implemented: it is all that fetch calls on a dispatcher.
 */
import type { FetchLike } from './types.js';

/** The key under which undici (Node's bundled copy and the npm package) keeps the global dispatcher. */
const GLOBAL_DISPATCHER = Symbol.for('undici.globalDispatcher.1');

interface DispatchOptions {
  method?: string;
  reset?: boolean;
}

interface Dispatcher {
  dispatch(options: DispatchOptions, handler: unknown): boolean;
}

type AgentClass = new (options: { connections: number }) => Dispatcher;

export interface KeepAliveOptions {
  /** Most connections per origin (scheme, host, port); the transport's concurrency. */
  connections: number;
}

/**
 * A dispatcher for `fetch(url, { dispatcher })` that keeps connections, HEADs included,
 * alive and opens at most `connections` per origin.
 *
 * @example
 * const dispatcher = keepAliveDispatcher({ connections: 8 });
 * const response = await fetch(url, { method: 'HEAD', dispatcher } as RequestInit);
 */
export function keepAliveDispatcher(options: KeepAliveOptions): Dispatcher {
  let target: Dispatcher | undefined;
  return {
    dispatch(dispatchOptions, handler) {
      // undici sets the global dispatcher when fetch first loads it, so it is there by the
      // time fetch dispatches; the Agent is made then, once.
      target ??= ownAgent(options.connections);
      return target.dispatch(dispatchOptions.method === 'HEAD' ? { ...dispatchOptions, reset: false } : dispatchOptions, handler);
    },
  };
}

/**
 * Whether a global dispatcher other than undici's plain `Agent` is installed (a proxy agent
 * set with `setGlobalDispatcher`): requests should then go through fetch, which uses it.
 * Does not load undici.
 */
export function hasCustomGlobalDispatcher(): boolean {
  const global = (globalThis as Record<symbol, Dispatcher | undefined>)[GLOBAL_DISPATCHER];
  return global !== undefined && global.constructor.name !== 'Agent';
}

function ownAgent(connections: number): Dispatcher {
  const global = (globalThis as Record<symbol, Dispatcher | undefined>)[GLOBAL_DISPATCHER];
  if (!global) throw new Error('no global undici dispatcher: keepAliveDispatcher works only with Node.js fetch');
  const Agent = global.constructor as AgentClass;
  return Agent.name === 'Agent' ? new Agent({ connections: Math.max(1, connections) }) : global;
}

/**
 * Node's global fetch over a {@link keepAliveDispatcher} of its own; every request option
 * passes through untouched (`signal`, `headers`, `redirect`, …).
 *
 * @example
 * const client = createRegistryClient({ registry: 'ghcr.io', fetch: keepAliveFetch({ connections: 8 }) }); // the default
 */
export function keepAliveFetch(options: KeepAliveOptions): FetchLike {
  const dispatcher = keepAliveDispatcher(options);
  return (input, init) => fetch(input, { ...init, dispatcher } as RequestInit);
}
