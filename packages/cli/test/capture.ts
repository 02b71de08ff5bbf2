/**
 * Runs the CLI's `main` in-process with captured streams (a terminal or a pipe, as the
 * test says) and a controlled environment.
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
  options: { cwd: string; env?: Record<string, string | undefined>; tty?: boolean } = { cwd: process.cwd() },
): Promise<InProcessRun> {
  const stdout = new CapturedStream(options.tty ?? false);
  const stderr = new CapturedStream(options.tty ?? false);
  const code = await main({ argv: ['node', 'imgsync', ...args], env: options.env ?? {}, cwd: options.cwd, stdout, stderr });
  return { code, stdout: stdout.text, stderr: stderr.text };
}
