/**
 * A digest -> manifest summary cache. Manifests are content-addressed, so an entry never
 * goes stale: once the image id (config digest) behind a manifest digest, or the platform
 * list behind an index digest, is known, it is known for good. With the cache carried from
 * one run to the next, a run in which no tag moved makes HEAD requests only and no
 * manifest GET — which is what Docker Hub counts as a pull.
 *
 * Two stores: {@link memoryManifestCache} (a `Map`, for one process or a Lambda warm
 * start) and {@link fileManifestCache} (a JSON file, loaded on first use and written
 * atomically by `flush()`). The file is a plain object `{ "sha256:…": ManifestSummary }`
 * with a `"version": 1` key; an unreadable or foreign file is treated as empty.
 */
import * as nodeFs from 'node:fs/promises';
import { isValidDigest } from './validate.js';
import type { ManifestSummary } from './manifest.js';

export interface ManifestCache {
  get(digest: string): Promise<ManifestSummary | undefined>;
  set(digest: string, summary: ManifestSummary): Promise<void>;
  /** Persists pending entries; a no-op for memory stores. */
  flush(): Promise<void>;
}

/**
 * @example
 * const cache = memoryManifestCache();
 * const client = createRegistryClient({ registry: 'docker.io', cache });
 */
export function memoryManifestCache(entries: Map<string, ManifestSummary> = new Map()): ManifestCache {
  return {
    get: async (digest) => entries.get(digest),
    set: async (digest, summary) => {
      entries.set(digest, summary);
    },
    flush: async () => {},
  };
}

/** The file operations {@link fileManifestCache} needs; node:fs/promises by default. */
export interface CacheFileSystem {
  readFile(path: string, encoding: 'utf8'): Promise<string>;
  writeFile(path: string, data: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
}

/**
 * @example
 * const cache = fileManifestCache('.imgsync-cache.json');
 * const client = createRegistryClient({ registry: 'docker.io', cache });
 * // ... resolve tags ...
 * await cache.flush();
 */
export function fileManifestCache(path: string, fs: CacheFileSystem = nodeFs): ManifestCache {
  let entries: Map<string, ManifestSummary> | undefined;
  let dirty = false;
  const load = async (): Promise<Map<string, ManifestSummary>> => {
    if (entries) return entries;
    const loaded = new Map<string, ManifestSummary>();
    try {
      const parsed = JSON.parse(await fs.readFile(path, 'utf8')) as Record<string, unknown>;
      if (parsed && typeof parsed === 'object' && parsed.version === 1) {
        for (const [digest, summary] of Object.entries(parsed)) {
          if (isValidDigest(digest) && isSummary(summary)) loaded.set(digest, summary);
        }
      }
    } catch {
      // missing or unreadable: start empty, the file is rewritten on flush
    }
    entries ??= loaded;
    return entries;
  };
  return {
    get: async (digest) => (await load()).get(digest),
    set: async (digest, summary) => {
      (await load()).set(digest, summary);
      dirty = true;
    },
    flush: async () => {
      if (!dirty || !entries) return;
      const out: Record<string, unknown> = { version: 1 };
      for (const [digest, summary] of [...entries].sort(([a], [b]) => a.localeCompare(b))) out[digest] = summary;
      const temporary = `${path}.${process.pid}.tmp`;
      await fs.writeFile(temporary, `${JSON.stringify(out, null, 1)}\n`);
      await fs.rename(temporary, path);
      dirty = false;
    },
  };
}

function isSummary(value: unknown): value is ManifestSummary {
  if (!value || typeof value !== 'object') return false;
  const v = value as Partial<Record<string, unknown>>;
  if (typeof v.mediaType !== 'string') return false;
  if (v.kind === 'image') return isValidDigest(v.configDigest);
  if (v.kind === 'index' && Array.isArray(v.platforms)) {
    return v.platforms.every(
      (p: { os?: unknown; architecture?: unknown; manifestDigest?: unknown }) =>
        typeof p?.os === 'string' && typeof p.architecture === 'string' && isValidDigest(p.manifestDigest),
    );
  }
  return false;
}
