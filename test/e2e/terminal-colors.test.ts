/**
 * Colours on a real terminal: the built CLI under a pseudo-terminal (util-linux `script`),
 * where chalk's own detection (supports-color) decides; `TERM=dumb` gets none, NO_COLOR
 * and --no-color still turn them off, FORCE_COLOR still forces them through a pipe.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANSI, cliBin, ensureBuilt, makeSandbox, repoRoot, runCli, type Sandbox } from './support/run-cli.js';

const example = join(repoRoot, 'examples/backend.ai/imgsync.config.yaml');
let sandbox: Sandbox;
beforeAll(() => {
  ensureBuilt();
  sandbox = makeSandbox();
});
afterAll(() => sandbox?.remove());

/** `imgsync ARGS` on a pseudo-terminal; the terminal's output (stdout and stderr together). */
function onTerminal(args: readonly string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const quote = (word: string) => `'${word.replaceAll("'", "'\\''")}'`;
  const command = [process.execPath, cliBin, ...args].map(quote).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', command, '/dev/null'], {
      cwd: sandbox.dir,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: sandbox.home, XDG_CACHE_HOME: join(sandbox.home, '.cache'), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe('colours on a terminal', () => {
  const args = ['check', '--config', example];

  it('a colour terminal (TERM=xterm-256color) gets colours', async () => {
    const run = await onTerminal(args, { TERM: 'xterm-256color' });
    expect(run.code).toBe(1);
    expect(run.output).toContain('drift: 5 changes in 1 file');
    expect(run.output).toMatch(ANSI);
  });

  it('TERM=dumb gets none', async () => {
    const run = await onTerminal(args, { TERM: 'dumb' });
    expect(run.code).toBe(1);
    expect(run.output).toContain('drift: 5 changes in 1 file');
    expect(run.output).not.toMatch(ANSI);
  });

  it('NO_COLOR and --no-color turn them off on a colour terminal; FORCE_COLOR forces them on TERM=dumb and through a pipe', async () => {
    expect((await onTerminal(args, { TERM: 'xterm-256color', NO_COLOR: '1' })).output).not.toMatch(ANSI);
    expect((await onTerminal([...args, '--no-color'], { TERM: 'xterm-256color' })).output).not.toMatch(ANSI);
    expect((await onTerminal(args, { TERM: 'dumb', FORCE_COLOR: '1' })).output).toMatch(ANSI);
    expect((await runCli(args, { cwd: sandbox.dir, sandbox, env: { FORCE_COLOR: '1' } })).stdout).toMatch(ANSI);
    expect((await runCli(args, { cwd: sandbox.dir, sandbox, env: { TERM: 'xterm-256color' } })).stdout).not.toMatch(ANSI);
  });
});
