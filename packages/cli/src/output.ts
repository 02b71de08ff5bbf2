/**
 * Everything the CLI prints: colored diffs, change lists, warnings, errors, a progress
 * line. Colors follow `--no-color`, `NO_COLOR`, `FORCE_COLOR` and chalk's detection of
 * what stdout supports (none on a pipe or with `TERM=dumb`). Tokens never reach here:
 * core redacts its messages.
 */
import { Chalk, type ChalkInstance } from 'chalk';
import type { Change, ProgressEvent, UpdateResult } from '@imgsync/core';

export interface OutputStreams {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

export type ColorLevel = 0 | 1 | 2 | 3;

export interface OutputOptions {
  color: boolean | undefined;
  quiet: boolean;
  verbose: boolean;
  env: Readonly<Record<string, string | undefined>>;
  /** What chalk's supports-color detected for stdout (see `CliIo.colorLevel`). */
  detectedColorLevel?: ColorLevel | undefined;
}

export class Output {
  readonly chalk: ChalkInstance;
  readonly #streams: OutputStreams;
  readonly #opts: OutputOptions;
  #progressShown = false;

  constructor(streams: OutputStreams, opts: OutputOptions) {
    this.#streams = streams;
    this.#opts = opts;
    this.chalk = new Chalk({ level: colorLevel(opts) });
  }

  out(text: string): void {
    this.clearProgress();
    this.#streams.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  info(text: string): void {
    if (!this.#opts.quiet) this.out(text);
  }

  verbose(text: string): void {
    if (this.#opts.verbose) this.err(this.chalk.dim(text));
  }

  err(text: string): void {
    this.clearProgress();
    this.#streams.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  warn(text: string): void {
    if (!this.#opts.quiet) this.err(`${this.chalk.yellow('warning')} ${text}`);
  }

  error(text: string): void {
    this.err(`${this.chalk.red('error')} ${text}`);
  }

  /** A one-line progress indicator on a terminal; nothing when piped or quiet. */
  progress(event: ProgressEvent): void {
    if (this.#opts.quiet || !this.#streams.stderr.isTTY) return;
    const what = event.what ? ` ${event.what}` : '';
    this.#streams.stderr.write(`\r\x1b[2K${this.chalk.dim(`${event.phase} ${event.done}/${event.total}${what}`)}`);
    this.#progressShown = true;
  }

  clearProgress(): void {
    if (!this.#progressShown) return;
    this.#streams.stderr.write('\r\x1b[2K');
    this.#progressShown = false;
  }

  diff(text: string): void {
    const c = this.chalk;
    const lines = text.split('\n').filter((l) => !/^=+$/.test(l));
    this.out(
      lines
        .map((l) =>
          l.startsWith('+++') || l.startsWith('---')
            ? c.bold(l)
            : l.startsWith('@@')
              ? c.cyan(l)
              : l.startsWith('+')
                ? c.green(l)
                : l.startsWith('-')
                  ? c.red(l)
                  : l,
        )
        .join('\n'),
    );
  }

  changes(result: UpdateResult): void {
    const c = this.chalk;
    for (const file of result.files) {
      if (file.skipped) {
        this.info(c.dim(`${file.path}: skipped, ${file.skipped}`));
        continue;
      }
      const real = file.changes.filter((ch) => ch.kind !== 'reported');
      const reports = file.changes.filter((ch) => ch.kind === 'reported');
      if (!real.length && !reports.length) continue;
      this.info(`${c.bold(file.path)}${file.format ? c.dim(` (${file.format})`) : ''}`);
      for (const ch of real) this.info(`  ${describeChange(ch, c)}`);
      for (const ch of reports) this.info(`  ${c.yellow('report'.padEnd(9))}${ch.message ?? `${ch.image}:${ch.tag ?? ''}`}`);
    }
  }
}

/**
 * `--no-color` and `NO_COLOR` (when not empty, no-color.org) turn colours off; otherwise
 * `FORCE_COLOR` decides when set; otherwise chalk's own detection does (which knows that
 * `TERM=dumb` or a pipe has none).
 */
function colorLevel(opts: OutputOptions): ColorLevel {
  if (opts.color === false || (opts.env.NO_COLOR !== undefined && opts.env.NO_COLOR !== '')) return 0;
  const forced = opts.env.FORCE_COLOR;
  if (forced === '0' || forced === 'false') return 0;
  if (forced !== undefined) {
    const n = Number(forced);
    return n >= 1 && n <= 3 ? (n as ColorLevel) : 1;
  }
  return opts.detectedColorLevel ?? 0;
}

const KIND_COLORS = { updated: 'cyan', added: 'green', filled: 'green', repointed: 'cyan', removed: 'red', commented: 'red', reported: 'yellow' } as const;

/**
 * `updated  elasticsearch 7.16.1 → 7.17.28` for a moved tag (the values are the tags),
 * `updated  lablup/kernel-python:3.6-ubuntu ca7b9f52b6c2 → 1d2f3e4a5b6c` for a value of a tag.
 */
export function describeChange(ch: Change, c: ChalkInstance): string {
  const label = c[KIND_COLORS[ch.kind]](ch.kind.padEnd(9));
  // a whole new entry: its message names the repository, the entry and its tags
  if (ch.code === 'new-repository' && ch.message) return `${label}${ch.message}`;
  const tag = ch.tag && !(ch.field === 'tag' && ch.new) ? `:${ch.tag}` : '';
  const values = ch.old && ch.new ? ` ${c.dim(ch.old)} → ${ch.new}` : ch.new ? ` ${ch.new}` : ch.old ? ` ${c.dim(ch.old)}` : '';
  // notes on a real change: an alias its removal left dangling, a commented-out twin
  const note = ch.message ? c.dim(` (${ch.message})`) : '';
  return `${label}${ch.image}${tag}${values}${note}`;
}
