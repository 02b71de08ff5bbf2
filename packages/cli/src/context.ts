import type { ColorLevel, Output, OutputStreams } from './output.js';

/** What a command gets: its I/O (injected, so tests run the CLI in-process too) and output. */
export interface CliIo extends OutputStreams {
  argv: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /**
   * The colours stdout supports, as chalk's own detection (supports-color: a terminal,
   * `TERM`, `COLORTERM`, CI, `FORCE_COLOR`) sees it; `bin.ts` passes chalk's
   * `supportsColor`. Absent: no colours unless `FORCE_COLOR` says so. `--no-color` and
   * `NO_COLOR` turn them off either way.
   */
  colorLevel?: ColorLevel;
  /** Fires on SIGINT / SIGTERM (`bin.ts`): the run stops as at its deadline, cleaning up. */
  signal?: AbortSignal;
}

export interface CommandContext {
  io: CliIo;
  out: Output;
}
