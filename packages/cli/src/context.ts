import type { Output, OutputStreams } from './output.js';

/** What a command gets: its I/O (injected, so tests run the CLI in-process too) and output. */
export interface CliIo extends OutputStreams {
  argv: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
}

export interface CommandContext {
  io: CliIo;
  out: Output;
}
