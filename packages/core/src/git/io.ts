/**
 * Defaults for the injected side effects ({@link GitIo}: Node's fs, isomorphic-git's fetch-based HTTP client) and the few file-system steps
 * git delivery needs beyond isomorphic-git: a fresh temp directory and its removal, both
 * through the injected `fs` so that an in-memory file system works too.
 */
import { randomUUID } from 'node:crypto';
import nodeFs from 'node:fs';
import { tmpdir } from 'node:os';
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
}

export function resolveIo(io: GitIo = {}): ResolvedIo {
  return {
    fs: io.fs ?? nodeFs,
    http: io.http ?? fetchHttp,
    now: io.now ?? (() => new Date()),
    tmpDir: io.tmpDir ?? tmpdir(),
  };
}

/** Creates `<tmpDir>/imgsync-<uuid>` (mode 0700: other users cannot read the clone). */
export async function makeTempDir(io: ResolvedIo): Promise<string> {
  const dir = join(io.tmpDir, `imgsync-${randomUUID()}`);
  await io.fs.promises.mkdir(dir, { mode: 0o700 });
  return dir;
}

/** `rm -rf dir` through the injected fs; missing entries are fine. */
export async function removeTree(fs: PromiseFsClient, dir: string): Promise<void> {
  let stat: { isDirectory(): boolean };
  try {
    stat = await fs.promises.lstat(dir);
  } catch {
    return;
  }
  if (stat.isDirectory()) {
    const names: string[] = await fs.promises.readdir(dir);
    for (const name of names) await removeTree(fs, join(dir, name));
    await fs.promises.rmdir(dir);
  } else {
    await fs.promises.unlink(dir);
  }
}
