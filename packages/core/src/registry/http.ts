/**
 * The one place where registry requests go out. Every request gets:
 *
 * - a slot in a global concurrency limit (held per attempt, released while backing off);
 * - a timeout covering the response *and* its body, since a stalled body is as bad as a
 *   stalled connect;
 * - bounded retries with exponential backoff and jitter on network errors, timeouts,
 *   truncated or corrupt bodies, 5xx and 429;
 * - `Retry-After` honoured on 429/503 when it fits in `maxRetryAfterMs`, and shared: the
 *   whole client pauses, because the server is throttling us, not one request. A longer
 *   wait fails at once with a {@link RegistryError} rather than hanging a scheduled run;
 * - counters in {@link RegistryStats}, including the last `RateLimit-Remaining`.
 *
 * Bodies are read in full, up to their kind's limit (`body-limits.ts`: a larger one fails
 * at once, unread), so that a body cut off mid-way is retried like any other transient
 * failure. Responses other than 2xx/3xx that are not retryable (401, 403, 404, ...) are
 * returned to the caller to interpret.
 */
import { createHash } from 'node:crypto';
import pLimit, { type LimitFunction } from 'p-limit';
import { Deadline } from '../deadline.js';
import { RegistryError } from '../errors.js';
import { hostOf, networkCause } from '../network-cause.js';
import { requestPhase } from './request-phase.js';
import { BODY_LIMITS, bodyTooLarge, manifestBodyKind, type BodyKind } from './body-limits.js';
import type { Exchange, ExchangeResponse, ResponseHeaders } from './exchange.js';
import { backoffDelay, DEFAULT_BACKOFF, parseRateLimitValue, parseRetryAfter, type BackoffPolicy } from './retry.js';
import type { RegistryStats } from './types.js';

export type RequestKind = 'manifest-head' | 'manifest-get' | 'token' | 'hub-api' | 'tag-list' | 'catalog';

export interface HttpRequest {
  url: string;
  method?: 'GET' | 'HEAD' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  kind: RequestKind;
  /** Named in errors. */
  repository?: string;
  /** Parse the body as JSON inside the retry loop, so a truncated document is retried. */
  json?: boolean;
  /** Check that sha256(body) equals this digest inside the retry loop (manifest GET by digest). */
  expectDigest?: string;
}

export interface HttpResponse {
  status: number;
  headers: ResponseHeaders;
  body: Uint8Array;
  /** Parsed body when `json` was asked for and the status is 2xx. */
  json: unknown;
  url: string;
}

export interface HttpTransportOptions {
  /** Registry label for error messages (never carries credentials). */
  registry: string;
  /** How one request goes over the wire (`exchange.ts`). */
  exchange: Exchange;
  concurrency: number;
  timeoutMs: number;
  /** Retries after the first attempt. */
  retries: number;
  /** Longest `Retry-After` to wait for; longer asks fail at once. */
  maxRetryAfterMs: number;
  backoff?: BackoffPolicy;
  /** The run's deadline: caps each attempt's timeout and every wait, and stops requests in flight. */
  deadline?: Deadline;
  /** Gets the deadline's signal, so that a real sleep ends with the run. */
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  now: () => number;
  random: () => number;
  stats: RegistryStats;
  /** Per kind of body, replacing {@link BODY_LIMITS}' value. */
  bodyLimits?: Partial<Record<BodyKind, number>>;
}

/** A failure worth another attempt; carries the status when there was one. */
class TransientFailure extends Error {
  constructor(
    message: string,
    readonly status?: number,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

export class HttpTransport {
  private readonly limit: LimitFunction;
  private readonly backoff: BackoffPolicy;
  private pausedUntil = 0;

  constructor(private readonly options: HttpTransportOptions) {
    this.limit = pLimit(Math.max(1, options.concurrency));
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
  }

  /**
   * Sends a request, retrying transient failures; resolves with the first non-transient
   * response, whatever its status. Throws {@link RegistryError} when the retry budget is
   * spent or a `Retry-After` exceeds `maxRetryAfterMs`.
   */
  async send(request: HttpRequest): Promise<HttpResponse> {
    const { options } = this;
    const deadline = options.deadline ?? Deadline.none;
    const during = `registry ${options.registry}: ${requestPhase(request)}${request.repository ? ` of ${request.repository}` : ''}`;
    let last: TransientFailure | undefined;
    for (let attempt = 0; attempt <= options.retries; attempt++) {
      if (attempt > 0) {
        options.stats.retries++;
        const wait = last?.retryAfterMs ?? backoffDelay(attempt - 1, this.backoff, options.random);
        await deadline.wait(wait, during, options.sleep);
      }
      const pause = this.pausedUntil - options.now();
      if (pause > 0) await deadline.wait(pause, during, options.sleep);
      deadline.check(during);
      try {
        return await this.limit(() => this.attempt(request, deadline, during));
      } catch (error) {
        if (!(error instanceof TransientFailure)) throw error;
        last = error;
        if (error.retryAfterMs !== undefined && error.retryAfterMs > options.maxRetryAfterMs) {
          throw new RegistryError(
            `rate limited: the registry asks to retry after ${Math.ceil(error.retryAfterMs / 1000)} s, ` +
              `more than the ${Math.ceil(options.maxRetryAfterMs / 1000)} s this run may wait; try again later`,
            this.where(request, error.status),
          );
        }
        if (error.retryAfterMs !== undefined) {
          this.pausedUntil = Math.max(this.pausedUntil, options.now() + error.retryAfterMs);
        }
      }
    }
    const status = last?.status;
    const what = status === 429 ? 'rate limited' : (last?.message ?? 'request failed');
    throw new RegistryError(`${what}; gave up after ${options.retries + 1} attempts (${describe(request)})`, this.where(request, status), { cause: last });
  }

  private where(request: HttpRequest, status: number | undefined) {
    return {
      registry: this.options.registry,
      ...(request.repository ? { repository: request.repository } : {}),
      ...(status ? { status } : {}),
    };
  }

  private async attempt(request: HttpRequest, deadline: Deadline, during: string): Promise<HttpResponse> {
    const { options } = this;
    const { stats } = options;
    stats.requests++;
    if (request.kind === 'manifest-head') stats.manifestHeads++;
    else if (request.kind === 'manifest-get') stats.manifestGets++;
    else if (request.kind === 'token') stats.tokenRequests++;
    else if (request.kind === 'hub-api') stats.hubApiRequests++;

    // a slot may have been waited for: the deadline can have passed meanwhile
    deadline.check(during);
    const timeoutMs = deadline.cap(options.timeoutMs);
    // One controller per attempt, aborted by its timer or by the deadline (see stopsWith).
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    const unlink = stopsWith(controller, deadline.signal);
    let response: ExchangeResponse;
    let kind: BodyKind | undefined;
    let limit = 0;
    try {
      response = await options.exchange({
        url: request.url,
        method: request.method ?? 'GET',
        headers: request.headers ?? {},
        ...(request.body !== undefined && { body: request.body }),
        signal: controller.signal,
        bodyLimit: (headers) => {
          kind = request.kind === 'manifest-get' || request.kind === 'manifest-head' ? manifestBodyKind(headers.get('content-type')) : request.kind;
          limit = options.bodyLimits?.[kind] ?? BODY_LIMITS[kind];
          return limit;
        },
      });
    } catch (error) {
      if (deadline.stopped) throw deadline.error(during);
      const what = `${requestPhase(request)} request to ${hostOf(request.url)}`;
      if (timedOut) throw new TransientFailure(`${what} timed out after ${timeoutMs} ms`);
      throw new TransientFailure(`${what} failed: ${networkCause(error) ?? (error instanceof Error ? error.message : String(error))}`);
    } finally {
      clearTimeout(timer);
      unlink();
    }
    const { body } = response;
    if (!body) throw bodyTooLarge(kind!, limit, this.where(request, response.status));

    this.readRateLimit(response.headers);
    const { status } = response;
    if (status === 429 || status === 503) {
      if (status === 429) stats.rateLimited++;
      const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), options.now());
      throw new TransientFailure(status === 429 ? 'rate limited' : 'service unavailable', status, retryAfterMs);
    }
    if (status >= 500) throw new TransientFailure(`server error ${status}`, status);

    let json: unknown;
    if (status >= 200 && status < 300) {
      const declared = response.headers.get('content-length');
      const encoded = response.headers.get('content-encoding');
      if (request.method !== 'HEAD' && !encoded && declared !== null && Number(declared) !== body.byteLength) {
        throw new TransientFailure(`truncated body (${body.byteLength} of ${declared} bytes)`, status);
      }
      if (request.expectDigest) {
        const actual = `sha256:${createHash('sha256').update(body).digest('hex')}`;
        if (actual !== request.expectDigest) {
          throw new TransientFailure(`body does not match its digest ${request.expectDigest}`, status);
        }
      }
      if (request.json) {
        try {
          json = JSON.parse(new TextDecoder().decode(body));
        } catch {
          throw new TransientFailure('malformed or truncated JSON body', status);
        }
      }
    }
    return { status, headers: response.headers, body, json, url: response.url || request.url };
  }

  private readRateLimit(headers: ResponseHeaders): void {
    const remaining = parseRateLimitValue(headers.get('ratelimit-remaining'));
    if (!remaining) return;
    const limit = parseRateLimitValue(headers.get('ratelimit-limit'));
    this.options.stats.rateLimit = {
      remaining: remaining.count,
      limit: limit?.count,
      windowSeconds: remaining.windowSeconds ?? limit?.windowSeconds,
    };
  }
}

/**
 * Aborts `controller` when `signal` fires, until the returned function is called.
 *
 * Not `AbortSignal.any([controller.signal, signal])`: Node keeps every signal made by
 * `any` in a set of `WeakRef`s on the long-lived source signal (the run's deadline) until a
 * full garbage collection, and the young-generation collector treats a `WeakRef`'s target
 * as alive. Each request's signal, and through its abort listeners the whole fetch (request,
 * response, stream, body), then survived into the old generation: measured at 10,000 tags,
 * it was most of what the heap grew by between two full collections. A listener added and
 * removed again leaves nothing behind.
 */
function stopsWith(controller: AbortController, signal: AbortSignal): () => void {
  if (signal.aborted) {
    controller.abort(signal.reason);
    return () => {};
  }
  const stop = () => controller.abort(signal.reason);
  signal.addEventListener('abort', stop, { once: true });
  return () => signal.removeEventListener('abort', stop);
}

function describe(request: HttpRequest): string {
  let path = request.url;
  try {
    const url = new URL(request.url);
    path = url.pathname;
  } catch {
    // keep the raw string; RegistryError redacts it anyway
  }
  return `${request.method ?? 'GET'} ${path}`;
}
