/**
 * Runs the CLI's `main` in-process with captured streams (a terminal or a pipe, as the
 * test says), a controlled environment and the colour level chalk would have detected
 * (`bin.ts` passes the real one; the terminal test runs the built CLI under a pty).
 */
import { Writable } from 'node:stream';
import { main } from '../src/main.js';

export class CapturedStream extends Writable {
  text = '';
  constructor(readonly isTTY: boolean) {
    super();
  }
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: () => void): void {
    this.text += chunk.toString();
    callback();
  }
}

export interface InProcessRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runMain(
  args: readonly string[],
  options: { cwd: string; env?: Record<string, string | undefined>; tty?: boolean; colorLevel?: 0 | 1 | 2 | 3 } = { cwd: process.cwd() },
): Promise<InProcessRun> {
  const stdout = new CapturedStream(options.tty ?? false);
  const stderr = new CapturedStream(options.tty ?? false);
  const code = await main({
    argv: ['node', 'imgsync', ...args],
    env: options.env ?? {},
    cwd: options.cwd,
    stdout,
    stderr,
    ...(options.colorLevel !== undefined && { colorLevel: options.colorLevel }),
  });
  return { code, stdout: stdout.text, stderr: stderr.text };
}
