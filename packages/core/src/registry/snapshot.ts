/**
 * A registry frozen in a file: the same {@link RegistrySource} interface as a live client,
 * answered from a snapshot, for offline runs, demos and reproducible tests.
 * {@link recordSnapshot} writes one from a live client (`imgsync snapshot`).
 *
 * The format (JSON; YAML with the same shape is read too):
 *
 * ```json
 * {
 *   "version": 1,
 *   "registry": "docker.io",
 *   "recordedAt": "2024-05-01T12:00:00.000Z",
 *   "namespaces": ["lablup"],
 *   "repositories": {
 *     "lablup/python": {
 *       "tags": {
 *         "3.6-ubuntu": {
 *           "manifestDigest": "sha256:<64 hex>",
 *           "mediaType": "application/vnd.oci.image.index.v1+json",
 *           "imageId": "sha256:<64 hex>",
 *           "pushedAt": "2024-04-30T08:00:00.000Z",
 *           "platforms": [
 *             { "os": "linux", "architecture": "amd64", "manifestDigest": "sha256:…", "imageId": "sha256:…" },
 *             { "os": "linux", "architecture": "arm64", "variant": "v8", "manifestDigest": "sha256:…", "imageId": "sha256:…" }
 *           ]
 *         }
 *       }
 *     }
 *   }
 * }
 * ```
 *
 * `namespaces` lists the namespaces recorded in full, whose listing is then complete (a
 * repository missing from it is gone); without it, a namespace lists what the snapshot holds.
 * `imageId` at tag level is the image id of a single-platform image, or of the platform
 * chosen when recording (linux/amd64 by default); `platforms` is empty for a
 * single-platform image; `pushedAt` is present where the registry told it. A snapshot is
 * input like any registry answer: invalid tags and digests are dropped with a warning.
 */
import * as nodeFs from 'node:fs/promises';
import { DEFAULT_PLATFORM } from '../policy/digest-form.js';
import { parse as parseYamlValue } from 'yaml';
import { ConfigError, RegistryError } from '../errors.js';
import { choosePlatform, MEDIA_TYPES } from './manifest.js';
import { emptyStats, type Platform, type PlatformImage, type RegistrySource, type RegistryWarning, type ResolvedTag, type ListedTag } from './types.js';
import { isValidDigest, isValidRepository, isValidTag } from '../image-ref/grammar.js';

/**
 * A tag of a {@link RegistrySnapshot}: its manifest digest and, where recorded, media type, image ids and platforms.
 */
export interface SnapshotTag {
  /**
   * Absent for a tag the registry listed that was not resolved when recording (a tick
   * snapshot records what its run asked, see `snapshot-layers.ts`): such a tag is listed,
   * and resolving it is an error.
   */
  manifestDigest?: string;
  mediaType?: string;
  imageId?: string;
  pushedAt?: string;
  platforms?: Array<Platform & { manifestDigest: string; imageId?: string }>;
}

/** One registry's state, frozen: the format of a snapshot file (see the module comment). */
export interface RegistrySnapshot {
  version: 1;
  registry: string;
  recordedAt?: string;
  /** Namespaces recorded in full (`imgsync snapshot --namespace`): their listing is complete. */
  namespaces?: string[];
  repositories: Record<string, SnapshotRepository>;
}

/** A repository of a {@link RegistrySnapshot}: its tags, keyed by name. */
export interface SnapshotRepository {
  tags: Record<string, SnapshotTag>;
  /**
   * `false` for a repository known only from a namespace listing, whose tags were not
   * recorded: listing its tags is an error (a layered source asks the registry instead).
   */
  listed?: false;
  /** `true` when the registry answered that it has no such repository (it is then not listed). */
  missing?: true;
}

/**
 * The registry state of one tick, over several registries: what `imgsync snapshot --config`
 * records and the shards of a fleet read (`imgsync update --snapshot`). A single
 * {@link RegistrySnapshot} is a set of one.
 */
export interface SnapshotSet {
  version: 1;
  recordedAt?: string;
  snapshots: RegistrySnapshot[];
}

/**
 * Parses snapshot text (JSON or YAML). Throws {@link ConfigError} naming `path` when the
 * document is not a version-1 snapshot.
 *
 * @example const snapshot = parseSnapshot(await readFile('registry.snapshot.json', 'utf8'));
 */
export function parseSnapshot(text: string, path = '(snapshot)'): RegistrySnapshot {
  return checkSnapshot(parseSnapshotText(text, path), path);
}

/** The snapshot text's data: JSON, or YAML with the same shape. */
function parseSnapshotText(text: string, path: string): unknown {
  try {
    return parseYamlValue(text);
  } catch (error) {
    throw new ConfigError(`snapshot is neither JSON nor YAML: ${(error as Error).message}`, { path });
  }
}

function checkSnapshot(parsed: unknown, path: string): RegistrySnapshot {
  const doc = parsed as Partial<RegistrySnapshot> | null;
  if (!doc || typeof doc !== 'object' || doc.version !== 1 || typeof doc.registry !== 'string' || !doc.repositories || typeof doc.repositories !== 'object') {
    throw new ConfigError('not an imgsync registry snapshot (expected version: 1, registry, repositories)', { path });
  }
  return doc as RegistrySnapshot;
}

/** @example const snapshot = await readSnapshotFile('registry.snapshot.json'); */
export async function readSnapshotFile(path: string, fs: { readFile(path: string, encoding: 'utf8'): Promise<string> } = nodeFs): Promise<RegistrySnapshot> {
  let text: string;
  try {
    text = await fs.readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read snapshot: ${(error as Error).message}`, { path });
  }
  return parseSnapshot(text, path);
}

/**
 * Parses a tick's snapshots: a {@link SnapshotSet}, or a single snapshot (a set of one).
 * Throws {@link ConfigError} naming `path` when it is neither, or when two snapshots record
 * the same registry.
 *
 * @example const { snapshots } = parseSnapshotSet(await readFile('tick.json', 'utf8'), 'tick.json');
 */
export function parseSnapshotSet(text: string, path = '(snapshot)'): SnapshotSet {
  const parsed = parseSnapshotText(text, path);
  const doc = parsed as Partial<SnapshotSet> | null;
  if (doc && typeof doc === 'object' && 'snapshots' in doc) {
    if (doc.version !== 1 || !Array.isArray(doc.snapshots)) {
      throw new ConfigError('not an imgsync snapshot set (expected version: 1, snapshots: [...])', { path });
    }
    const seen = new Set<string>();
    const snapshots = doc.snapshots.map((one, i) => {
      const snapshot = checkSnapshot(one, `${path} snapshots[${i}]`);
      if (seen.has(snapshot.registry)) throw new ConfigError(`snapshots[${i}] records ${snapshot.registry} a second time`, { path });
      seen.add(snapshot.registry);
      return snapshot;
    });
    return { version: 1, ...(typeof doc.recordedAt === 'string' && { recordedAt: doc.recordedAt }), snapshots };
  }
  const snapshot = checkSnapshot(parsed, path);
  return { version: 1, ...(snapshot.recordedAt && { recordedAt: snapshot.recordedAt }), snapshots: [snapshot] };
}

/** Stable JSON text: keys in the order written, two-space indent, trailing newline. */
export function serializeSnapshot(snapshot: RegistrySnapshot): string {
  return `${JSON.stringify(snapshot, null, 2)}\n`;
}

/** A tick's snapshots as stable JSON text (see {@link serializeSnapshot}). */
export function serializeSnapshotSet(set: SnapshotSet): string {
  return `${JSON.stringify(set, null, 2)}\n`;
}

/**
 * A {@link RegistrySource} answering from a snapshot. Its stats count nothing: it makes
 * no requests.
 *
 * @example
 * const source = createSnapshotSource(await readSnapshotFile('registry.snapshot.json'));
 * const { manifestDigest } = await source.resolveTag('lablup/python', '3.6-ubuntu');
 */
export function createSnapshotSource(snapshot: RegistrySnapshot): RegistrySource {
  const loadWarnings: RegistryWarning[] = [];
  const repositories = new Map<string, Map<string, SnapshotTag>>();
  for (const [repository, entry] of Object.entries(snapshot.repositories)) {
    if (entry?.missing === true) continue;
    if (!isValidRepository(repository)) {
      loadWarnings.push({ code: 'invalid-repository', message: `snapshot: skipped invalid repository ${JSON.stringify(repository)}` });
      continue;
    }
    const tags = new Map<string, SnapshotTag>();
    for (const [tag, value] of Object.entries(entry?.tags ?? {})) {
      if (!isValidTag(tag)) {
        loadWarnings.push({ code: 'invalid-tag', repository, message: `snapshot: skipped invalid tag ${JSON.stringify(tag)}` });
        continue;
      }
      if (value?.manifestDigest !== undefined && !isValidDigest(value.manifestDigest)) {
        loadWarnings.push({ code: 'invalid-digest', repository, tag, message: 'snapshot: skipped tag with an invalid manifestDigest' });
        continue;
      }
      tags.set(tag, value);
    }
    repositories.set(repository, tags);
  }
  const warningsFor = (repository: string) => loadWarnings.filter((w) => w.repository === repository);

  const platformsOf = (repository: string, tag: string, value: SnapshotTag, warnings: RegistryWarning[]): PlatformImage[] => {
    const platforms: PlatformImage[] = [];
    for (const p of value.platforms ?? []) {
      if (!isValidDigest(p.manifestDigest) || (p.imageId !== undefined && !isValidDigest(p.imageId))) {
        warnings.push({ code: 'invalid-digest', repository, tag, message: `snapshot: skipped platform ${p.os}/${p.architecture} with an invalid digest` });
        continue;
      }
      platforms.push({
        os: p.os,
        architecture: p.architecture,
        ...(p.variant ? { variant: p.variant } : {}),
        manifestDigest: p.manifestDigest,
        imageId: p.imageId,
      });
    }
    return platforms;
  };

  const tagsOf = (repository: string): Map<string, SnapshotTag> => {
    const tags = repositories.get(repository);
    if (!tags) throw new RegistryError('repository not in the snapshot', { registry: snapshot.registry, repository, status: 404 });
    if (Object.hasOwn(snapshot.repositories, repository) && snapshot.repositories[repository]!.listed === false) {
      throw new RegistryError('the snapshot knows this repository from a namespace listing only; its tags were not recorded', {
        registry: snapshot.registry,
        repository,
      });
    }
    return tags;
  };

  return {
    registry: snapshot.registry,

    async listRepositories(namespace) {
      const prefix = namespace ? `${namespace.replace(/^\/+|\/+$/g, '')}/` : '';
      const names = [...repositories.keys()].filter((name) => name.startsWith(prefix)).sort();
      const ns = prefix.replace(/\/$/, '');
      const complete = Array.isArray(snapshot.namespaces) && snapshot.namespaces.includes(ns);
      return { namespace: ns, repositories: names, complete, warnings: loadWarnings.filter((w) => w.code === 'invalid-repository') };
    },

    async listTags(repository) {
      const warnings = warningsFor(repository);
      const tags: ListedTag[] = [...tagsOf(repository)].map(([tag, value]) => {
        const platforms = platformsOf(repository, tag, value, warnings);
        return {
          tag,
          ...(value.manifestDigest !== undefined && { manifestDigest: value.manifestDigest }),
          ...(value.pushedAt ? { pushedAt: value.pushedAt } : {}),
          ...(platforms.length ? { platforms } : {}),
        };
      });
      return { repository, tags, warnings };
    },

    async resolveTag(repository, tag, options = {}): Promise<ResolvedTag> {
      const value = tagsOf(repository).get(tag);
      if (!value) throw new RegistryError(`manifest ${tag} not found in the snapshot`, { registry: snapshot.registry, repository, status: 404 });
      if (value.manifestDigest === undefined) {
        throw new RegistryError(`tag ${tag} was listed but not resolved when the snapshot was recorded`, { registry: snapshot.registry, repository });
      }
      const warnings: RegistryWarning[] = [];
      const platforms = platformsOf(repository, tag, value, warnings);
      const wanted = options.platform ?? DEFAULT_PLATFORM;
      const platform = platforms.length ? choosePlatform(platforms, wanted) : undefined;
      const imageId = platforms.length ? platform?.imageId : isValidDigest(value.imageId) ? value.imageId : undefined;
      return {
        repository,
        tag,
        manifestDigest: value.manifestDigest,
        mediaType: value.mediaType ?? (platforms.length ? MEDIA_TYPES.ociIndex : MEDIA_TYPES.ociManifest),
        platforms,
        platform,
        imageId,
        warnings,
      };
    },

    stats: emptyStats,
  };
}

/** What {@link recordSnapshot} records. */
export interface RecordSnapshotOptions {
  /** Namespaces whose repositories are all recorded (`lablup`). */
  namespaces?: string[];
  /** Repositories recorded in addition (`library/python`). */
  repositories?: string[];
  /** Which tags to record; default all. */
  includeTag?: (repository: string, tag: string) => boolean;
  /** Platform whose image id becomes the tag-level `imageId`; default linux/amd64. */
  platform?: Platform;
  now?: () => Date;
}

/**
 * Records a snapshot from a live source: lists the namespaces' repositories, their tags,
 * and resolves every included tag (concurrently, within the client's own limit). Returns
 * the snapshot and every warning met on the way. A client made with `imageIdsFor: 'all'`
 * records every platform's image id, so that the snapshot answers for any platform.
 *
 * @example
 * const client = createRegistryClient({ registry: 'docker.io', imageIdsFor: 'all' });
 * const { snapshot } = await recordSnapshot(client, { namespaces: ['lablup'] });
 * await writeFile('registry.snapshot.json', serializeSnapshot(snapshot));
 */
export async function recordSnapshot(
  source: RegistrySource,
  options: RecordSnapshotOptions,
): Promise<{ snapshot: RegistrySnapshot; warnings: RegistryWarning[] }> {
  const warnings: RegistryWarning[] = [];
  const names = new Set(options.repositories ?? []);
  for (const namespace of options.namespaces ?? []) {
    const listed = await source.listRepositories(namespace);
    warnings.push(...listed.warnings);
    for (const name of listed.repositories) names.add(name);
  }
  const repositories: RegistrySnapshot['repositories'] = {};
  for (const repository of [...names].sort()) {
    const listed = await source.listTags(repository);
    warnings.push(...listed.warnings);
    const included = listed.tags.filter((t) => options.includeTag?.(listed.repository, t.tag) ?? true);
    const resolved = await Promise.all(
      included.map((info) => source.resolveTag(listed.repository, info.tag, options.platform ? { platform: options.platform } : {})),
    );
    const tags: Record<string, SnapshotTag> = {};
    resolved
      .map((r, i) => [r, included[i]!] as const)
      .sort(([a], [b]) => a.tag.localeCompare(b.tag))
      .forEach(([r, info]) => {
        warnings.push(...r.warnings);
        tags[r.tag] = {
          manifestDigest: r.manifestDigest,
          mediaType: r.mediaType,
          ...(r.imageId ? { imageId: r.imageId } : {}),
          ...(info.pushedAt ? { pushedAt: info.pushedAt } : {}),
          platforms: r.platforms.map((p) => ({
            os: p.os,
            architecture: p.architecture,
            ...(p.variant ? { variant: p.variant } : {}),
            manifestDigest: p.manifestDigest,
            ...(p.imageId ? { imageId: p.imageId } : {}),
          })),
        };
      });
    repositories[listed.repository] = { tags };
  }
  return {
    snapshot: {
      version: 1,
      registry: source.registry,
      recordedAt: (options.now?.() ?? new Date()).toISOString(),
      ...(options.namespaces?.length && { namespaces: [...options.namespaces].sort() }),
      repositories,
    },
    warnings,
  };
}
