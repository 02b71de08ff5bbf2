/**
 * Defaults for the injected side effects ({@link GitIo}: Node's fs, isomorphic-git's fetch-based HTTP client) and the few file-system steps
 * git delivery needs beyond isomorphic-git: a fresh temp directory and its removal, both
 * through the injected `fs` so that an in-memory file system works too.
 *
 * Temp clones of a run that was killed (kill -9, an OOM, a Lambda timeout) are not removed
 * by that run. Each clone directory therefore holds an owner file naming the process and
 * host that made it, and the next clone on the same temp directory removes those whose
 * owner process is gone ({@link removeStaleClones}).
 */
import { randomUUID } from 'node:crypto';
import nodeFs from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
// The fetch-based client: Node's global fetch (undici), no url.parse (deprecated in Node 24).
import fetchHttp from 'isomorphic-git/http/web';
import type { HttpClient, PromiseFsClient } from 'isomorphic-git';
import type { GitIo } from './types.js';

export interface ResolvedIo {
  fs: PromiseFsClient;
  http: HttpClient;
  now: () => Date;
  tmpDir: string;
  isRunning: (pid: number) => boolean;
}

export function resolveIo(io: GitIo = {}): ResolvedIo {
  return {
    fs: io.fs ?? nodeFs,
    http: io.http ?? fetchHttp,
    now: io.now ?? (() => new Date()),
    tmpDir: io.tmpDir ?? tmpdir(),
    isRunning: io.isRunning ?? processIsRunning,
  };
}

/**
 * The HTTP client with every request tied to `signal` (the run's deadline), so a clone,
 * fetch or push in flight stops when it fires.
 */
export function httpWithSignal(http: HttpClient, signal: AbortSignal): HttpClient {
  return {
    request: (request) => http.request({ ...request, signal: request.signal ? AbortSignal.any([request.signal, signal]) : signal }),
  };
}

/** Temp clone directories: `imgsync-<uuid>`. */
export const CLONE_DIR = /^imgsync-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** The file in a clone directory that names who made it. */
export const OWNER_FILE = '.imgsync-owner';
/** A clone directory without an owner file (its run died before writing one) is stale after this long. */
const UNOWNED_STALE_MS = 60 * 60 * 1000;
/** Most directories one sweep looks at, so a crowded temp directory cannot stall a run. */
const MAX_SWEEP = 200;

/**
 * The calls imgsync makes on an isomorphic-git file system, typed (isomorphic-git types its
 * client's methods as `Function`). Node's `fs` and isomorphic-git's test doubles both fit.
 */
export interface FsPromises {
  mkdir(path: string, options?: { recursive?: boolean; mode?: number }): Promise<unknown>;
  writeFile(path: string, data: string | Uint8Array, options?: { mode?: number } | string): Promise<void>;
  readFile(path: string, encoding: 'utf8'): Promise<string>;
  readdir(path: string): Promise<string[]>;
  lstat(path: string): Promise<{ isDirectory(): boolean; mtimeMs?: number }>;
  rmdir(path: string): Promise<void>;
  unlink(path: string): Promise<void>;
}

/** The typed view of `fs.promises` (see {@link FsPromises}). */
export function fsPromises(fs: PromiseFsClient): FsPromises {
  return fs.promises as unknown as FsPromises;
}

interface Owner {
  pid: number;
  host: string;
}

/** Directories this process made (a recycled pid in a restarted container is told from us by this). */
const ownDirs = new Set<string>();

/** Creates `<tmpDir>/imgsync-<uuid>` (mode 0700: other users cannot read the clone) with its owner file. */
export async function makeTempDir(io: ResolvedIo): Promise<string> {
  const dir = join(io.tmpDir, `imgsync-${randomUUID()}`);
  const fs = fsPromises(io.fs);
  await fs.mkdir(dir, { mode: 0o700 });
  ownDirs.add(dir);
  const owner: Owner = { pid: process.pid, host: hostname() };
  await fs.writeFile(join(dir, OWNER_FILE), JSON.stringify(owner), { mode: 0o600 });
  return dir;
}

/**
 * Removes the clone directories under `io.tmpDir` that a killed run left: those whose owner
 * file names this host and a process that no longer runs (or this very process, when this
 * process did not make them: a restarted container reuses pids), and those without an owner
 * file older than an hour. Clones of live runs, and of other hosts sharing the directory,
 * are left alone. Best effort: what cannot be read or removed is skipped. Returns the
 * directories removed.
 */
export async function removeStaleClones(io: ResolvedIo): Promise<string[]> {
  let names: string[];
  try {
    names = await fsPromises(io.fs).readdir(io.tmpDir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names.filter((n) => CLONE_DIR.test(n)).slice(0, MAX_SWEEP)) {
    const dir = join(io.tmpDir, name);
    if (ownDirs.has(dir)) continue;
    try {
      if (await isStale(io, dir)) {
        await removeTree(io.fs, dir);
        removed.push(dir);
      }
    } catch {
      // another run may be removing it, or it is not ours to remove
    }
  }
  return removed;
}

async function isStale(io: ResolvedIo, dir: string): Promise<boolean> {
  let owner: Owner | undefined;
  try {
    const text = String(await fsPromises(io.fs).readFile(join(dir, OWNER_FILE), 'utf8'));
    if (text.length < 1024) {
      const parsed = JSON.parse(text) as Partial<Owner>;
      if (typeof parsed.pid === 'number' && typeof parsed.host === 'string') owner = { pid: parsed.pid, host: parsed.host };
    }
  } catch {
    owner = undefined;
  }
  if (!owner) {
    const stat = await fsPromises(io.fs).lstat(dir);
    return stat.mtimeMs !== undefined && io.now().getTime() - stat.mtimeMs > UNOWNED_STALE_MS;
  }
  if (owner.host !== hostname()) return false;
  if (owner.pid === process.pid) return true; // not made by us (checked above): an earlier process with our pid
  return !io.isRunning(owner.pid);
}

/** `kill(pid, 0)`: true while the process exists (EPERM: it exists, as another user). */
function processIsRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** `rm -rf dir` through the injected fs; missing entries are fine. */
export async function removeTree(fs: PromiseFsClient, dir: string): Promise<void> {
  ownDirs.delete(dir);
  await removeEntries(fs, dir);
}

async function removeEntries(client: PromiseFsClient, dir: string): Promise<void> {
  const fs = fsPromises(client);
  let stat: { isDirectory(): boolean };
  try {
    stat = await fs.lstat(dir);
  } catch {
    return;
  }
  if (stat.isDirectory()) {
    for (const name of await fs.readdir(dir)) await removeEntries(client, join(dir, name));
    await fs.rmdir(dir);
  } else {
    await fs.unlink(dir);
  }
}
