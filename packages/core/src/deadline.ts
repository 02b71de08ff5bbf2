/**
 * One deadline for a whole run, handed to every layer that waits: registry requests and
 * their retries and `Retry-After` pauses, token requests, git clone, fetch and push, the
 * GitHub API. Each layer
 *
 * - passes {@link Deadline.signal} to what it awaits (fetch, isomorphic-git, a child
 *   process), so work in flight stops the moment the deadline passes;
 * - caps its own timeouts with {@link Deadline.cap};
 * - waits with {@link Deadline.wait}, which refuses at once a wait longer than the time
 *   left (a `Retry-After: 59` with 18 s left fails now, not in 59 s);
 * - turns whatever the abort made its library throw into {@link Deadline.error}, a
 *   {@link DeadlineError} naming what was under way.
 *
 * The signal also carries the caller's own cancellation (SIGTERM in the CLI), so a
 * stopped run and a late run end the same way. A run without a deadline gets
 * {@link Deadline.none}, whose signal never fires.
 */
import { setMaxListeners } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import { DeadlineError } from './errors.js';

/**
 * When a {@link Deadline} ends: a time (`at`, ms since the epoch), a caller's `signal`, or both (whichever comes first).
 */
export interface DeadlineOptions {
  /** When the run must be over, in milliseconds since the epoch (by `now`). Default: never. */
  at?: number;
  /** The caller's cancellation; its reason (an Error's message, or a string) is named in the error. */
  signal?: AbortSignal;
  /** Clock; default `Date.now`. */
  now?: () => number;
}

/** Longest delay `setTimeout` takes; longer ones fire at once, so the timer is re-armed. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Sleeps `ms`, ending early (rejecting) when `signal` fires. The default sleep of every layer. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return delay(ms, undefined, signal ? { signal } : {});
}

/**
 * A run's time budget and cancellation in one: its `signal` fires when the deadline passes or the caller aborts, and `check`, `race` and `sleep` turn that into a {@link DeadlineError} naming what was under way.
 *
 * @example
 * const deadline = new Deadline({ at: Date.now() + 60_000 });
 * await deadline.race(fetch(url, { signal: deadline.signal }), `GET ${url}`);
 */
export class Deadline {
  /** No deadline and no cancellation. */
  static readonly none: Deadline = new Deadline();

  /** `Infinity` when there is none. */
  readonly at: number;
  /** Fires when the deadline passes or the caller's signal fires, whichever is first. */
  readonly signal: AbortSignal;
  readonly #controller = new AbortController();
  readonly #now: () => number;
  readonly #hasCaller: boolean;
  #timer: ReturnType<typeof setTimeout> | undefined;

  /**
   * @example
   * const deadline = new Deadline({ at: Date.now() + 60_000 });
   * try {
   *   await fetch(url, { signal: deadline.signal });
   * } catch (error) {
   *   if (deadline.signal.aborted) throw deadline.error(`GET ${url}`);
   *   throw error;
   * } finally {
   *   deadline.dispose();
   * }
   */
  constructor(options: DeadlineOptions = {}) {
    this.#now = options.now ?? Date.now;
    this.at = options.at ?? Infinity;
    this.signal = this.#controller.signal;
    // every request, retry and resolution in flight listens to this one signal ({@link race}:
    // up to 64 tag resolutions per registry at once), so more than Node's 10 is no leak
    setMaxListeners(0, this.signal);
    const caller = options.signal;
    this.#hasCaller = caller !== undefined;
    if (caller) {
      if (caller.aborted) this.#abort('aborted', caller.reason);
      else caller.addEventListener('abort', () => this.#abort('aborted', caller.reason), { once: true });
    }
    if (Number.isFinite(this.at)) this.#arm();
  }

  /**
   * A deadline `ms` from now (none for `undefined`), also stopped by `signal`.
   *
   * @example Deadline.after(context.getRemainingTimeInMillis() - 1_000)
   */
  static after(ms: number | undefined, signal?: AbortSignal): Deadline {
    return new Deadline({ ...(ms !== undefined && { at: Date.now() + ms }), ...(signal && { signal }) });
  }

  /** Milliseconds left (`Infinity` without a deadline, 0 once stopped). */
  remaining(): number {
    if (this.signal.aborted) return 0;
    return Math.max(0, this.at - this.#now());
  }

  /**
   * Whether the run must stop: the signal fired, or the time is past though its timer has
   * not run yet (a request timeout capped by the deadline can fire first; what it ended is
   * the deadline's doing). The signal is fired then, so every listener agrees.
   */
  get stopped(): boolean {
    if (!this.signal.aborted && this.at - this.#now() <= 0) this.#abort('deadline');
    return this.signal.aborted;
  }

  /**
   * The error to throw once stopped, naming what was under way:
   * `time budget ran out during registry ghcr.io: tags of org/app`.
   */
  error(during: string): DeadlineError {
    const why: unknown = this.signal.reason;
    if (why instanceof DeadlineError && why.reason === 'aborted') {
      return new DeadlineError(`${why.message} during ${during}`, 'aborted', during);
    }
    return new DeadlineError(`time budget ran out during ${during}`, 'deadline', during);
  }

  /** Throws {@link error} when stopped. */
  check(during: string): void {
    if (this.remaining() <= 0) {
      if (!this.signal.aborted) this.#abort('deadline');
      throw this.error(during);
    }
  }

  /** `ms`, or the time left when that is shorter (at least 1 ms, for timers). */
  cap(ms: number): number {
    return Math.max(1, Math.min(ms, this.remaining()));
  }

  /**
   * Waits `ms` with `sleep` (which gets the signal), unless the wait would pass the
   * deadline: then it throws at once, saying how long was asked and how long is left.
   */
  async wait(ms: number, during: string, sleep: (ms: number, signal?: AbortSignal) => Promise<void> = abortableSleep): Promise<void> {
    this.check(during);
    const left = this.remaining();
    if (ms >= left) {
      throw new DeadlineError(`time budget: ${during} asks to wait ${seconds(ms)}, but only ${seconds(left)} are left`, 'deadline', during);
    }
    await this.race(sleep(ms, this.signal), during);
  }

  /** `work`, or {@link error} as soon as the signal fires, whichever settles first. */
  race<T>(work: Promise<T>, during: string): Promise<T> {
    if (this.signal.aborted) {
      work.catch(() => undefined);
      return Promise.reject(this.error(during));
    }
    if (!Number.isFinite(this.at) && !this.#hasCaller) return work; // a signal that never fires
    return new Promise<T>((resolve, reject) => {
      const stop = () => reject(this.error(during));
      this.signal.addEventListener('abort', stop, { once: true });
      work.then(
        (value) => {
          this.signal.removeEventListener('abort', stop);
          resolve(value);
        },
        (error: unknown) => {
          this.signal.removeEventListener('abort', stop);
          // the work's own rejection is passed on as it came
          // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
          reject(this.signal.aborted ? this.error(during) : error);
        },
      );
    });
  }

  /** Stops now, as if the deadline had passed: whatever still runs on the signal stops. */
  expire(): void {
    if (this !== Deadline.none) this.#abort('deadline');
  }

  /** Stops the timer (the signal then fires only by the caller's cancellation). */
  dispose(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #arm(): void {
    const left = this.at - this.#now();
    if (left <= 0) {
      this.#abort('deadline');
      return;
    }
    this.#timer = setTimeout(() => this.#arm(), Math.min(left, MAX_TIMER_MS));
    // the deadline alone never keeps a process alive
    this.#timer.unref?.();
  }

  #abort(kind: 'deadline' | 'aborted', reason?: unknown): void {
    if (this.signal.aborted) return;
    this.dispose();
    if (kind === 'aborted') {
      const why = reason instanceof Error ? reason.message : typeof reason === 'string' ? reason : 'aborted';
      this.#controller.abort(new DeadlineError(`stopped (${why})`, 'aborted'));
    } else {
      this.#controller.abort(new DeadlineError('time budget ran out', 'deadline'));
    }
  }
}

function seconds(ms: number): string {
  return ms >= 10_000 ? `${Math.round(ms / 1000)} s` : `${(ms / 1000).toFixed(1)} s`;
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
/** Longest duration accepted (a week): a longer one is a typo, not a time budget. */
const MAX_DURATION_MS = 7 * 24 * 3_600_000;

/**
 * Milliseconds of a duration as people write it: `90s`, `15m`, `1h30m`, `500ms`, or a plain
 * number of seconds (as `timeout(1)` reads it). `undefined` for anything else, zero, or
 * more than a week.
 *
 * @example parseDuration('1h30m') // 5_400_000
 * @example parseDuration('600')   // 600_000
 */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim().toLowerCase();
  let ms: number;
  if (/^\d+(\.\d+)?$/.test(trimmed)) {
    ms = Number(trimmed) * 1000;
  } else {
    if (!/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(trimmed)) return undefined;
    ms = 0;
    for (const part of trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) ms += Number(part[1]) * UNIT_MS[part[2]!]!;
  }
  return ms > 0 && ms <= MAX_DURATION_MS ? Math.round(ms) : undefined;
}

/**
 * When a run must end, from `IMGSYNC_DEADLINE`-style text: a duration from `now`
 * ({@link parseDuration}) or an RFC 3339 time with its zone (`2025-06-01T12:00:00Z`).
 * `undefined` when it is neither.
 *
 * @example parseDeadline('15m', 0) // 900_000
 * @example parseDeadline('2025-06-01T12:00:00Z', 0) // 1748779200000
 */
export function parseDeadline(text: string, now: number): number | undefined {
  const duration = parseDuration(text);
  if (duration !== undefined) return now + duration;
  const trimmed = text.trim();
  if (!/^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:\d{2})$/.test(trimmed)) return undefined;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : at;
}
