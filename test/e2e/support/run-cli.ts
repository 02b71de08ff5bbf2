/**
 * Runs the built `imgsync` CLI (`packages/cli/dist/bin.js`) as a child process with a
 * controlled environment: only PATH from the parent, a private HOME and TMPDIR, and the
 * variables the test passes. Every run is bounded by a timeout.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '../../..');
export const cliBin = join(repoRoot, 'packages/cli/dist/bin.js');

/** Builds the workspace when the CLI bundle is missing (the root `pnpm test` builds first). */
export function ensureBuilt(): void {
  if (existsSync(cliBin)) return;
  execFileSync('pnpm', ['build'], { cwd: repoRoot, stdio: 'ignore', timeout: 120_000 });
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A private HOME and TMPDIR for CLI runs, removed by `remove()`. */
export interface Sandbox {
  dir: string;
  home: string;
  tmp: string;
  remove(): void;
}

export function makeSandbox(prefix = 'imgsync-e2e-'): Sandbox {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const home = join(dir, 'home');
  const tmp = join(dir, 'tmp');
  mkdirSync(home);
  mkdirSync(tmp);
  return { dir, home, tmp, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface RunOptions {
  cwd: string;
  sandbox: Sandbox;
  env?: Record<string, string | undefined>;
  timeoutMs?: number;
}

export function runCli(args: readonly string[], options: RunOptions): Promise<CliRun> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: options.sandbox.home,
    TMPDIR: options.sandbox.tmp,
    XDG_CACHE_HOME: join(options.sandbox.home, '.cache'),
  };
  for (const [name, value] of Object.entries(options.env ?? {})) if (value !== undefined) env[name] = value;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliBin, ...args], { cwd: options.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** ANSI SGR escape sequences (colors, bold). */
export const ANSI = /\x1b\[[0-9;]*m/;
