/**
 * Where a tick's snapshot set lives between the recording step and the shards: a file (a
 * shared volume), or an `https://` URL read with GET and written with PUT (an object store's
 * pre-signed URL, a WebDAV share, any server that keeps what is PUT). Plain `http://` only on
 * loopback. S3 URLs (`s3://bucket/key`) are the Lambda's to read and write (with the AWS SDK
 * it runs with), not the library's.
 *
 * A URL's query string (a pre-signed URL's signature) never appears in a message.
 */
import * as nodeFs from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic, type AtomicWriteFileSystem } from '../atomic-write.js';
import { ConfigError, RegistryError } from '../errors.js';
import { readBoundedBody } from '../bounded-body.js';
import { formatBytes } from './body-limits.js';
import { isLoopbackHost } from './registry-address.js';
import { parseSnapshotSet, type SnapshotSet } from './snapshot.js';
import type { FetchLike } from './types.js';

/** What {@link readSnapshotSetFrom} and {@link writeSnapshotSetTo} read and write with. */
export interface SnapshotLocationIo {
  fetch?: FetchLike;
  fs?: Pick<typeof nodeFs, 'readFile' | 'stat'> & AtomicWriteFileSystem;
  /** Stops a request in flight (the run's deadline). */
  signal?: AbortSignal;
  /** Largest snapshot read, in bytes; default 64 MiB (10,000 tags record to about 4 MiB). */
  maxBytes?: number;
  /** Directory a relative file path is taken from; default the process's. */
  cwd?: string;
}

export const DEFAULT_SNAPSHOT_MAX_BYTES = 64 * 1024 * 1024;

/**
 * Reads a snapshot set from a file path or an `https://` URL.
 *
 * @example const set = await readSnapshotSetFrom('https://store.example/imgsync/tick.json?X-Amz-Signature=…');
 */
export async function readSnapshotSetFrom(location: string, io: SnapshotLocationIo = {}): Promise<SnapshotSet> {
  const maxBytes = io.maxBytes ?? DEFAULT_SNAPSHOT_MAX_BYTES;
  const url = urlOf(location);
  if (!url) {
    const fs = io.fs ?? nodeFs;
    const path = io.cwd ? join(io.cwd, location) : location;
    const size = await fs.stat(path).then(
      (s) => s.size,
      () => undefined,
    );
    if (size !== undefined && size > maxBytes)
      throw new ConfigError(`snapshot is ${formatBytes(size)}, over the ${formatBytes(maxBytes)} limit`, { path: location });
    let text: string;
    try {
      text = await fs.readFile(path, 'utf8');
    } catch (error) {
      throw new ConfigError(`cannot read snapshot: ${(error as Error).message}`, { path: location });
    }
    return parseSnapshotSet(text, location);
  }
  const shown = shownUrl(url);
  const response = await request(io, url, { method: 'GET', headers: { accept: 'application/json' } }, 'read');
  if (!response.ok) {
    await response.body?.cancel().catch(() => {});
    throw new RegistryError(`reading the snapshot failed`, { registry: shown, status: response.status });
  }
  const body = await readBoundedBody(response, maxBytes);
  if (!body) throw new RegistryError(`the snapshot is over the ${formatBytes(maxBytes)} limit; it was not read further`, { registry: shown });
  return parseSnapshotSet(new TextDecoder().decode(body), shown);
}

/**
 * Writes `text` (a serialized snapshot set) to a file, atomically (a temp file and a
 * rename), or PUTs it to an `https://` URL.
 *
 * @example await writeSnapshotSetTo('/shared/tick.json', serializeSnapshotSet(set));
 */
export async function writeSnapshotSetTo(location: string, text: string, io: SnapshotLocationIo = {}): Promise<void> {
  const url = urlOf(location);
  if (!url) {
    const fs = io.fs ?? nodeFs;
    const path = io.cwd ? join(io.cwd, location) : location;
    try {
      await writeFileAtomic(fs, path, text);
    } catch (error) {
      throw new ConfigError(`cannot write snapshot: ${(error as Error).message}`, { path: location });
    }
    return;
  }
  const response = await request(io, url, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: text }, 'write');
  await response.body?.cancel().catch(() => {});
  if (!response.ok) throw new RegistryError(`writing the snapshot failed`, { registry: shownUrl(url), status: response.status });
}

/** `https://…` (or `http://` on loopback) as a URL; `undefined` for a file path; refuses other schemes. */
function urlOf(location: string): URL | undefined {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(location)) return undefined;
  let url: URL;
  try {
    url = new URL(location);
  } catch {
    throw new ConfigError(`snapshot location is not a valid URL`, { path: location.replace(/\?.*$/s, '') });
  }
  if (url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.host))) return url;
  if (url.protocol === 's3:') {
    throw new ConfigError('an s3:// snapshot is read and written by the Lambda (IMGSYNC_SNAPSHOT there); elsewhere use a pre-signed https:// URL or a file', {
      path: shownUrl(url),
    });
  }
  throw new ConfigError(`snapshot location must be a file path or an https:// URL (plain http only on loopback)`, { path: shownUrl(url) });
}

/** The URL without its query or credentials: what messages name. */
function shownUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

async function request(io: SnapshotLocationIo, url: URL, init: RequestInit, phase: 'read' | 'write'): Promise<Response> {
  const fetchFn = io.fetch ?? fetch;
  try {
    return await fetchFn(url.href, { ...init, redirect: 'error', ...(io.signal && { signal: io.signal }) });
  } catch (error) {
    if (io.signal?.aborted) throw io.signal.reason instanceof Error ? io.signal.reason : error;
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new RegistryError(`${phase === 'read' ? 'reading' : 'writing'} the snapshot failed: ${cause?.code ?? cause?.message ?? (error as Error).message}`, {
      registry: shownUrl(url),
    });
  }
}
