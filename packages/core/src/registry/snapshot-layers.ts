/**
 * A tick's registry state, recorded once and read by many runs (the shards of a fleet):
 *
 * - {@link recordingSource} wraps a live source and keeps what it answered: the namespaces
 *   listed, each repository's tag list, and every tag resolved (with the image ids of the
 *   platforms asked for). `imgsync snapshot --config` records a run this way.
 * - {@link layeredSource} answers from such a snapshot what it holds and asks the live
 *   source the rest: a repository, tag or platform the recording run did not need (another
 *   config, a file changed since) is looked up live, never guessed. Its stats count only
 *   the live requests.
 *
 * Unlike a `file:` snapshot (a registry frozen for offline runs, see `snapshot.ts`), a
 * layered snapshot never stands in for what it did not record.
 */
import { RegistryError } from '../errors.js';
import { DEFAULT_PLATFORM } from '../policy/digest-form.js';
import { choosePlatform } from './manifest.js';
import { createSnapshotSource, type RegistrySnapshot, type SnapshotRepository, type SnapshotTag } from './snapshot.js';
import type { ListedTag, Platform, PlatformImage, RegistrySource, ResolvedTag } from './types.js';

/** A {@link RegistrySource} that keeps what it answered, as a snapshot. */
export interface RecordingSource extends RegistrySource {
  /** What was answered so far, as a version-1 snapshot of this source's registry. */
  snapshot(): RegistrySnapshot;
}

/**
 * Wraps `source` so that its answers are recorded.
 *
 * @example
 * const recorder = recordingSource(createRegistryClient({ registry: 'docker.io' }));
 * await recorder.listTags('library/redis');
 * await writeFile('tick.json', serializeSnapshot(recorder.snapshot()));
 */
export function recordingSource(source: RegistrySource, now: () => Date = () => new Date()): RecordingSource {
  const namespaces = new Set<string>();
  const repositories = new Map<string, SnapshotRepository>();
  const entry = (repository: string): SnapshotRepository => {
    let found = repositories.get(repository);
    if (!found) {
      found = { tags: Object.create(null) as Record<string, SnapshotTag>, listed: false };
      repositories.set(repository, found);
    }
    return found;
  };
  return {
    registry: source.registry,
    async listRepositories(namespace) {
      const listed = await source.listRepositories(namespace);
      if (listed.complete !== false) namespaces.add(listed.namespace);
      for (const name of listed.repositories) entry(name);
      return listed;
    },
    async listTags(repository) {
      let listed;
      try {
        listed = await source.listTags(repository);
      } catch (error) {
        // a repository the registry does not have is an answer too: the shards need not ask again
        if (error instanceof RegistryError && error.status === 404) repositories.set(repository, { tags: {}, missing: true });
        throw error;
      }
      const recorded = entry(listed.repository);
      delete recorded.listed;
      for (const info of listed.tags) recorded.tags[info.tag] = mergeTag(own(recorded.tags, info.tag), fromListing(info));
      return listed;
    },
    async resolveTag(repository, tag, options) {
      const resolved = await source.resolveTag(repository, tag, options);
      const recorded = entry(resolved.repository);
      recorded.tags[resolved.tag] = mergeTag(own(recorded.tags, resolved.tag), fromResolution(resolved));
      return resolved;
    },
    stats: () => source.stats(),
    snapshot() {
      const names = [...repositories.keys()].sort();
      return {
        version: 1,
        registry: source.registry,
        recordedAt: now().toISOString(),
        ...(namespaces.size && { namespaces: [...namespaces].sort() }),
        repositories: Object.fromEntries(names.map((name) => [name, sortedTags(repositories.get(name)!)])),
      };
    },
  };
}

/** A layered source and what it had to ask the live source for. */
export interface LayeredSource extends RegistrySource {
  /** Lookups the snapshot did not hold (`tags of org/app`, `org/app:1.2`), in the order asked. */
  misses(): string[];
}

/**
 * Answers from `snapshot` what it recorded, and asks `live` the rest. A namespace is
 * answered from the snapshot only when it was recorded complete; a repository only when
 * its tags were listed; a resolution only when the tag was resolved and, for a
 * multi-platform image, the wanted platform's image id was recorded.
 *
 * @example
 * const source = layeredSource(recorded, createRegistryClient({ registry: 'docker.io' }));
 */
export function layeredSource(snapshot: RegistrySnapshot, live: RegistrySource): LayeredSource {
  const frozen = createSnapshotSource(snapshot);
  const missed: string[] = [];
  const miss = <T>(what: string, ask: () => Promise<T>): Promise<T> => {
    missed.push(what);
    return ask();
  };
  return {
    registry: live.registry,
    listRepositories(namespace) {
      const ns = namespace.replace(/^\/+|\/+$/g, '');
      return snapshot.namespaces?.includes(ns) ? frozen.listRepositories(ns) : miss(`repositories of ${ns}`, () => live.listRepositories(namespace));
    },
    listTags(repository) {
      const recorded = own(snapshot.repositories, repository);
      return recorded && recorded.listed !== false ? frozen.listTags(repository) : miss(`tags of ${repository}`, () => live.listTags(repository));
    },
    async resolveTag(repository, tag, options) {
      const recorded = own(snapshot.repositories, repository);
      const value = recorded && recorded.listed !== false ? own(recorded.tags, tag) : undefined;
      if (value?.manifestDigest !== undefined) {
        const answer = await frozen.resolveTag(repository, tag, options);
        if (answered(answer, value, options?.platform ?? DEFAULT_PLATFORM)) return answer;
      }
      return miss(`${repository}:${tag}`, () => live.resolveTag(repository, tag, options));
    },
    stats: () => live.stats(),
    misses: () => [...missed],
  };
}

/**
 * Whether a recorded resolution answers for `wanted`: the image id of the wanted platform
 * was recorded (or the image has no such platform, which the recording saw too).
 */
function answered(answer: ResolvedTag, value: SnapshotTag, wanted: Platform): boolean {
  if (answer.imageId !== undefined) return true;
  // an index without the wanted platform has no image id for it, live or recorded
  if (value.platforms?.length) return choosePlatform(value.platforms, wanted) === undefined;
  return false;
}

/** `record[key]` when it is the record's own (a repository may be called `constructor`). */
function own<T>(record: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

function fromListing(info: ListedTag): SnapshotTag {
  return {
    ...(info.manifestDigest !== undefined && { manifestDigest: info.manifestDigest }),
    ...(info.pushedAt !== undefined && { pushedAt: info.pushedAt }),
    ...(info.platforms?.length && { platforms: info.platforms.map(platformOf) }),
  };
}

function fromResolution(resolved: ResolvedTag): SnapshotTag {
  return {
    manifestDigest: resolved.manifestDigest,
    mediaType: resolved.mediaType,
    ...(!resolved.platforms.length && resolved.imageId !== undefined && { imageId: resolved.imageId }),
    ...(resolved.platforms.length && { platforms: resolved.platforms.map(platformOf) }),
  };
}

/** A tag's record: what the newer answer says, keeping image ids of platforms resolved before. */
function mergeTag(before: SnapshotTag | undefined, after: SnapshotTag): SnapshotTag {
  if (!before) return after;
  if (before.manifestDigest !== undefined && after.manifestDigest !== undefined && before.manifestDigest !== after.manifestDigest) return after;
  const platforms = after.platforms?.map((p) => {
    const known = before.platforms && choosePlatform(before.platforms, p);
    return p.imageId === undefined && known?.imageId !== undefined ? { ...p, imageId: known.imageId } : p;
  });
  return { ...before, ...after, ...((platforms ?? before.platforms) ? { platforms: platforms ?? before.platforms } : {}) };
}

function platformOf(p: PlatformImage): NonNullable<SnapshotTag['platforms']>[number] {
  return {
    os: p.os,
    architecture: p.architecture,
    ...(p.variant && { variant: p.variant }),
    manifestDigest: p.manifestDigest,
    ...(p.imageId !== undefined && { imageId: p.imageId }),
  };
}

function sortedTags(repository: SnapshotRepository): SnapshotRepository {
  const tags = Object.fromEntries(Object.entries(repository.tags).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return { tags, ...(repository.listed === false && { listed: false }), ...(repository.missing && { missing: true }) };
}
