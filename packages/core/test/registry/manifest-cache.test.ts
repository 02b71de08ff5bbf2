import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as nodeFs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fileManifestCache, type CacheFileSystem, type ManifestSummary } from '../../src/registry/index.js';

const dir = mkdtempSync(join(tmpdir(), 'imgsync-cache-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const digest = (n: number) => `sha256:${n.toString(16).padStart(64, '0')}`;
const image = (n: number): ManifestSummary => ({ kind: 'image', mediaType: 'application/vnd.oci.image.manifest.v1+json', configDigest: digest(n + 1_000_000) });

/** node:fs/promises that counts what it is asked to do, reading slowly (as a big file on a busy disk would). */
function countingFs(readDelayMs = 20) {
  const calls = { readFile: 0, writeFile: 0, rename: 0 };
  const fs: CacheFileSystem = {
    stat: (path) => nodeFs.stat(path),
    readFile: async (path, encoding) => {
      calls.readFile++;
      await new Promise((resolve) => setTimeout(resolve, readDelayMs));
      return nodeFs.readFile(path, encoding);
    },
    writeFile: async (path, data) => {
      calls.writeFile++;
      await nodeFs.writeFile(path, data);
    },
    rename: async (from, to) => {
      calls.rename++;
      await nodeFs.rename(from, to);
    },
  };
  return { fs, calls };
}

function writeCacheFile(path: string, count: number): void {
  const entries: Record<string, unknown> = { version: 1 };
  for (let n = 0; n < count; n++) entries[digest(n)] = image(n);
  writeFileSync(path, JSON.stringify(entries));
}

describe('fileManifestCache: loaded once, written once, atomically', () => {
  it('reads and parses the file once however many lookups arrive while it loads', async () => {
    const path = join(dir, 'once.json');
    writeCacheFile(path, 500);
    const { fs, calls } = countingFs();
    const cache = fileManifestCache(path, fs);
    const found = await Promise.all(Array.from({ length: 200 }, (_, n) => cache.get(digest(n))));
    expect(found.every((summary) => summary?.kind === 'image')).toBe(true);
    expect(await cache.get(digest(499))).toEqual(image(499));
    expect(calls.readFile).toBe(1);
  });

  it('writes nothing when nothing was stored, and once per change set through a temporary file renamed over the old one', async () => {
    const path = join(dir, 'write.json');
    writeCacheFile(path, 3);
    const { fs, calls } = countingFs(0);
    const cache = fileManifestCache(path, fs);
    await cache.get(digest(1));
    await cache.flush();
    expect(calls.writeFile).toBe(0);

    await Promise.all([cache.set(digest(7), image(7)), cache.set(digest(8), image(8))]);
    await Promise.all([cache.flush(), cache.flush(), cache.flush()]);
    expect(calls).toMatchObject({ writeFile: 1, rename: 1 });
    await cache.flush();
    expect(calls.writeFile).toBe(1);

    const written = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    expect(Object.keys(written).sort()).toEqual(['version', digest(0), digest(1), digest(2), digest(7), digest(8)].sort());
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    expect(calls.readFile).toBe(1);
  });

  it('does not read a file over the size limit: starts empty and replaces it on flush', async () => {
    const path = join(dir, 'big.json');
    writeCacheFile(path, 50);
    const { fs, calls } = countingFs(0);
    const cache = fileManifestCache(path, fs, { maxFileBytes: 1024 });
    expect(await cache.get(digest(1))).toBeUndefined();
    expect(calls.readFile).toBe(0);
    await cache.set(digest(2), image(2));
    await cache.flush();
    expect(Object.keys(JSON.parse(readFileSync(path, 'utf8')))).toEqual(['version', digest(2)]);
  });

  it('writes at most maxEntries, keeping the digests this run used', async () => {
    const path = join(dir, 'bounded.json');
    writeCacheFile(path, 40);
    const cache = fileManifestCache(path, undefined, { maxEntries: 10 });
    for (const n of [35, 36, 37]) await cache.get(digest(n));
    await cache.set(digest(99), image(99));
    await cache.flush();
    const kept = Object.keys(JSON.parse(readFileSync(path, 'utf8'))).filter((key) => key !== 'version');
    expect(kept).toHaveLength(10);
    expect(kept).toEqual(expect.arrayContaining([digest(35), digest(36), digest(37), digest(99)]));
  });

  it('keeps the entries unwritten after a failed write, for the next flush', async () => {
    const path = join(dir, 'retry.json');
    let fail = true;
    const fs: CacheFileSystem = {
      readFile: (p, e) => nodeFs.readFile(p, e),
      writeFile: async (p, data) => {
        if (fail) throw new Error('disk full');
        await nodeFs.writeFile(p, data);
      },
      rename: (from, to) => nodeFs.rename(from, to),
    };
    const cache = fileManifestCache(path, fs);
    await cache.set(digest(5), image(5));
    await expect(cache.flush()).rejects.toThrow('disk full');
    fail = false;
    await cache.flush();
    expect(JSON.parse(readFileSync(path, 'utf8'))).toHaveProperty(digest(5));
  });

  it('release() writes what is pending and lets go of the entries; a later lookup reads the file again', async () => {
    const path = join(dir, 'release.json');
    writeCacheFile(path, 5);
    const { fs, calls } = countingFs(0);
    const cache = fileManifestCache(path, fs);
    expect(await cache.get(digest(1))).toEqual(image(1));
    await cache.set(digest(9), image(9));
    await cache.release!();
    expect(calls).toMatchObject({ readFile: 1, writeFile: 1, rename: 1 });
    expect(JSON.parse(readFileSync(path, 'utf8'))).toHaveProperty(digest(9));
    expect(await cache.get(digest(9))).toEqual(image(9));
    expect(calls.readFile).toBe(2);
    await cache.release!();
    expect(calls.writeFile).toBe(1); // nothing new to write
  });
});
