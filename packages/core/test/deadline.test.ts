import { describe, expect, it } from 'vitest';
import { Deadline, parseDeadline, parseDuration } from '../src/deadline.js';
import { DeadlineError } from '../src/errors.js';

describe('parseDuration', () => {
  it.each([
    ['90s', 90_000],
    ['15m', 900_000],
    ['1h30m', 5_400_000],
    ['500ms', 500],
    ['600', 600_000],
    ['1.5m', 90_000],
    [' 2M ', 120_000],
  ])('reads %s as %i ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '0', '0s', '-5m', '10 minutes', '5d', 'm', '1h 30m', '200h'])('refuses %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});

describe('parseDeadline', () => {
  it('reads a duration from now, or an RFC 3339 time with its zone', () => {
    expect(parseDeadline('15m', 1_000)).toBe(901_000);
    expect(parseDeadline('2025-06-01T12:00:00Z', 0)).toBe(Date.UTC(2025, 5, 1, 12));
    expect(parseDeadline('2025-06-01T14:00:00+02:00', 0)).toBe(Date.UTC(2025, 5, 1, 12));
  });

  it('refuses a time without a zone (ambiguous) and anything else', () => {
    expect(parseDeadline('2025-06-01T12:00:00', 0)).toBeUndefined();
    expect(parseDeadline('tomorrow', 0)).toBeUndefined();
  });
});

describe('Deadline', () => {
  it('lets 64 pieces of work race it at once without a MaxListenersExceededWarning', async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      const deadline = new Deadline({ at: Date.now() + 60_000 });
      const works = Array.from({ length: 64 }, (_, i) => deadline.race(new Promise<number>((resolve) => setTimeout(() => resolve(i), 5)), `work ${i}`));
      expect(await Promise.all(works)).toHaveLength(64);
      deadline.dispose();
      await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on a later tick
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings.map((warning) => warning.name)).not.toContain('MaxListenersExceededWarning');
  });

  it('fires its signal at the deadline and then names what was under way', async () => {
    const deadline = new Deadline({ at: Date.now() + 100 });
    expect(deadline.stopped).toBe(false);
    const started = Date.now();
    await new Promise((resolve) => deadline.signal.addEventListener('abort', resolve, { once: true }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
    expect(deadline.remaining()).toBe(0);
    expect(() => deadline.check('registry ghcr.io: tags of org/app')).toThrow('time budget ran out during registry ghcr.io: tags of org/app');
  });

  it('refuses at once a wait longer than the time left, saying both', async () => {
    const deadline = new Deadline({ at: Date.now() + 5_000 });
    const slept: number[] = [];
    const started = Date.now();
    const error = await deadline
      .wait(59_000, 'registry r: tags of x', async (ms) => {
        slept.push(ms);
      })
      .catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(500);
    expect(slept).toEqual([]);
    expect(error).toBeInstanceOf(DeadlineError);
    expect((error as Error).message).toMatch(/^time budget: registry r: tags of x asks to wait 59 s, but only [45]\.\d s are left$/);
    deadline.dispose();
  });

  it('ends a wait in progress when the deadline passes', async () => {
    const deadline = new Deadline({ at: Date.now() + 20_000 });
    const started = Date.now();
    // the wait fits when asked; the deadline is then brought forward by expiring it
    setTimeout(() => deadline.expire(), 50);
    const error = await deadline.wait(10_000, 'a retry').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeadlineError);
    expect((error as Error).message).toBe('time budget ran out during a retry');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('races work against the deadline: the work wins when it is quicker, the deadline otherwise', async () => {
    const deadline = new Deadline({ at: Date.now() + 200 });
    await expect(deadline.race(Promise.resolve('quick'), 'x')).resolves.toBe('quick');
    const never = new Promise<string>(() => undefined);
    const started = Date.now();
    await expect(deadline.race(never, 'git clone http://127.0.0.1/r.git')).rejects.toThrow('time budget ran out during git clone http://127.0.0.1/r.git');
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it("stops with the caller's signal, naming its reason, as an aborted (not a late) run", () => {
    const caller = new AbortController();
    const deadline = new Deadline({ signal: caller.signal });
    expect(deadline.remaining()).toBe(Infinity);
    caller.abort(new Error('SIGTERM'));
    const error = deadline.error('git push');
    expect(error).toMatchObject({ code: 'DEADLINE', reason: 'aborted', during: 'git push' });
    expect(error.message).toBe('stopped (SIGTERM) during git push');
  });

  it('never fires without a deadline or a signal, and caps nothing', async () => {
    expect(Deadline.none.remaining()).toBe(Infinity);
    expect(Deadline.none.cap(30_000)).toBe(30_000);
    Deadline.none.expire(); // the shared instance cannot be stopped
    expect(Deadline.none.stopped).toBe(false);
    await expect(Deadline.none.race(Promise.resolve(1), 'x')).resolves.toBe(1);
  });

  it('caps a timeout by the time left', () => {
    const deadline = new Deadline({ at: Date.now() + 2_000 });
    expect(deadline.cap(30_000)).toBeLessThanOrEqual(2_000);
    expect(deadline.cap(30_000)).toBeGreaterThan(1_500);
    expect(deadline.cap(500)).toBe(500);
    deadline.dispose();
  });

  it('handles a deadline further away than a timer can wait (24.8 days)', () => {
    const deadline = new Deadline({ at: Date.now() + 30 * 24 * 3_600_000 });
    expect(deadline.stopped).toBe(false);
    expect(deadline.remaining()).toBeGreaterThan(29 * 24 * 3_600_000);
    deadline.dispose();
  });
});
