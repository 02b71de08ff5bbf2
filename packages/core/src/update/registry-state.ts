/**
 * Asking the registries what the target files need, once per run: one source per
 * registry (a live client or a snapshot), each repository listed once, and each listed
 * tag resolved to its digests and image ids. The result is the synchronous lookup the
 * format adapters apply.
 *
 * A want that names no registry (`redis`, `lablup/kernel-python`) is asked of the target's
 * `registry` (default docker.io), under its name as written there (Docker Hub alone adds
 * `library/`); a want that names one (`ghcr.io/…`, `127.0.0.1:5000/…`) is asked of that
 * registry, with the `registries` settings for its host (see `registry-endpoint.ts`). A
 * `file:` snapshot answers for the registry it recorded, and for wants naming none; a
 * want naming another registry is left alone with a warning.
 *
 * Requests are bounded: the client's own concurrency limit and retry budget, at most
 * `maxTagsPerRepository` tags resolved per repository, and the run's deadline: every
 * request, retry and wait is capped by it, and no new request starts with less than
 * `minRemainingMs` left (a `DeadlineError`, which the engine turns into a partial result).
 * A repository being asked about for one caller (another file, another repository of a
 * fleet sharing these states) is awaited by the others, not asked again.
 */
import pLimit, { type LimitFunction } from 'p-limit';
import type { TargetConfig } from '../config/types.js';
import { Deadline } from '../deadline.js';
import { DeadlineError, RegistryError } from '../errors.js';
import { wantKey } from '../formats/image-want.js';
import type { ImageWant, RepositoryState, StateLookup, TagState } from '../formats/types.js';
import { formatPlatform, normalizePlatform, type DigestForm } from '../policy/digest-form.js';
import { fileManifestCache, type ManifestCache } from '../registry/manifest-cache.js';
import { createRegistryClient, type RegistryClient } from '../registry/registry-client.js';
import { normalizeRepository, parseRegistryAddress, type RegistryAddress } from '../registry/registry-address.js';
import { createSnapshotSource, readSnapshotFile, type RegistrySnapshot } from '../registry/snapshot.js';
import { layeredSource, recordingSource, type LayeredSource, type RecordingSource } from '../registry/snapshot-layers.js';
import { isValidTag } from '../image-ref/grammar.js';
import type { ListedTag, RegistrySource, RegistryStats } from '../registry/types.js';
import { registryEndpoint, type RegistryEndpoint } from './registry-endpoint.js';
import type { UpdateOptions } from './types.js';

export const maxTagsPerRepository = 1000;

/**
 * Work started at once per registry: repositories being resolved, and tag resolutions
 * (at least 64, else 4 x the registry's concurrency). The client's own limit bounds the
 * requests; this bounds what waits for it. Starting all 10,000 tags of a big run at once
 * kept 10,000 suspended request chains (promises, closures, async frames) alive, several
 * KiB each, for the whole run; now a run's memory follows the work in flight, not the
 * number of tags.
 */
export const repositoriesInFlight = 16;
export const minTagsInFlight = 64;

/** Default of `minRemainingMs`: time kept for editing and delivering once the registries are asked. */
export const DEFAULT_MIN_REMAINING_MS = 10_000;

export class RegistryStates {
  readonly #options: UpdateOptions;
  readonly #sources = new Map<string, Promise<RegistrySource>>();
  readonly #ready = new Map<string, RegistrySource>();
  /** The registry each loaded snapshot recorded, by source key. */
  readonly #recorded = new Map<string, RegistryAddress | undefined>();
  /** One digest cache for every client of the run: a cache file is read once and written once. */
  readonly #cache: ManifestCache | undefined;
  /**
   * By source, repository and resolution (see {@link resolutionOf}): two targets that want
   * image ids of different platforms of one repository each get theirs, since only the
   * wanted platform's manifest of an index is fetched.
   */
  readonly #states = new Map<string, RepositoryState | undefined>();
  /** By source and repository: the tag names of a resolved repository (undefined: the registry has none). */
  readonly #resolvedNames = new Map<string, string[] | undefined>();
  readonly #tagNames = new Map<string, string[] | undefined>();
  readonly #namespaces = new Map<string, Promise<NamespaceListing>>();
  readonly #listed = new Map<string, NamespaceListing>();
  /** Per source key: the bounds of {@link repositoriesInFlight} and {@link minTagsInFlight}. */
  readonly #inFlight = new Map<string, { repositories: LimitFunction; tags: LimitFunction }>();
  /** Repositories being asked about right now, by state key. */
  readonly #asking = new Map<string, Promise<void>>();
  /** Repositories asked for (`registry/repository` by state key), to tell what a stopped run left unresolved. */
  readonly #asked = new Map<string, string>();
  readonly #deadline: Deadline;
  /** The tick's recorded snapshots still fresh enough to answer from (see `UpdateOptions.snapshot`). */
  readonly #tick: RegistrySnapshot[];
  readonly #layered: LayeredSource[] = [];
  readonly #recorders: RecordingSource[] = [];
  readonly warnings: string[] = [];

  constructor(options: UpdateOptions, deadline: Deadline = Deadline.none) {
    this.#options = options;
    this.#deadline = deadline;
    const { manifestCache } = options;
    this.#cache = typeof manifestCache === 'string' ? fileManifestCache(manifestCache) : manifestCache;
    this.#tick = freshSnapshots(options, this.warnings);
  }

  /**
   * The source that answers for a want of `target`: its snapshot, or the client for the
   * registry the want names (the target's registry when it names none), which may look
   * its repositories up at a mirror.
   */
  source(want: ImageWant, target: TargetConfig): Promise<RegistrySource> {
    if (target.snapshotPath) {
      const key = snapshotKey(target);
      return this.#cached(key, async () => {
        const snapshot = await readSnapshotFile(target.snapshotPath!);
        this.#recorded.set(key, addressOrUndefined(snapshot.registry));
        return createSnapshotSource(snapshot);
      });
    }
    const endpoint = registryEndpoint(want.registry ?? target.registry, this.#options.config.registries);
    return this.#cached(endpoint.key, async () => this.#layers(endpoint.registry, this.#options.registrySource?.(endpoint.registry) ?? this.#client(endpoint)));
  }

  /** A live source behind the tick's snapshot of its registry, if any, and recorded when asked to. */
  #layers(registry: string, live: RegistrySource): RegistrySource {
    let source = live;
    const recorded = this.#tick.find((snapshot) => sameRegistry(snapshot.registry, registry));
    if (recorded) {
      const layered = layeredSource(recorded, live);
      this.#layered.push(layered);
      source = layered;
    }
    if (this.#options.recordSnapshot) {
      const recorder = recordingSource(source);
      this.#recorders.push(recorder);
      source = recorder;
    }
    return source;
  }

  /** What the run's live registries answered, one snapshot each (with `recordSnapshot`). */
  recordedSnapshots(): RegistrySnapshot[] {
    return this.#recorders.map((recorder) => recorder.snapshot()).sort((a, b) => (a.registry < b.registry ? -1 : a.registry > b.registry ? 1 : 0));
  }

  /** One line per registry whose tick snapshot did not hold everything the run asked. */
  #snapshotMisses(): string[] {
    return this.#layered.flatMap((source) => {
      const misses = source.misses();
      if (!misses.length) return [];
      const some = misses.length > 5 ? `${misses.slice(0, 5).join(', ')} and ${misses.length - 5} more` : misses.join(', ');
      return [`${source.registry}: ${misses.length} lookup${misses.length === 1 ? '' : 's'} not in the snapshot, asked live: ${some}`];
    });
  }

  #cached(key: string, create: () => Promise<RegistrySource>): Promise<RegistrySource> {
    let source = this.#sources.get(key);
    if (!source) {
      // every source's answers are raced with the run's deadline, once here for all callers:
      // a source that ignores the abort signal (an injected one) still stops the run
      source = create().then((created) => {
        const raced = racedWith(created, this.#deadline);
        this.#ready.set(key, raced);
        return raced;
      });
      this.#sources.set(key, source);
    }
    return source;
  }

  #client(endpoint: RegistryEndpoint): RegistryClient {
    const { settings } = endpoint;
    const client = createRegistryClient({
      registry: endpoint.address,
      ...(endpoint.mirror !== undefined && { mirror: endpoint.mirror }),
      fetch: this.#options.fetch,
      credentials: settings ? this.#options.secrets?.registries?.[settings.registry] : undefined,
      dockerConfigPath: this.#options.dockerConfigPath,
      ...(this.#cache && { cache: this.#cache }),
      ...(settings?.concurrency !== undefined && { concurrency: settings.concurrency }),
      ...(settings?.timeoutMs !== undefined && { timeoutMs: settings.timeoutMs }),
      ...(settings?.retries !== undefined && { retries: settings.retries }),
      ...(settings?.hubApiUrl !== undefined && { hubApiUrl: settings.hubApiUrl }),
      ...(settings?.authServer !== undefined && { authServers: [settings.authServer] }),
      deadline: this.#deadline,
    });
    return client;
  }

  /**
   * Where a want's state is kept: the source's key and the repository as named on it
   * (`library/redis` on Docker Hub for `redis`). A snapshot answers only for the registry it
   * recorded; `undefined` while the snapshot is not loaded yet.
   */
  #place(want: ImageWant, target: TargetConfig): { key: string; repository: string } | { unanswered: string } | undefined {
    if (target.snapshotPath) {
      const key = snapshotKey(target);
      if (!this.#recorded.has(key)) return undefined;
      const recorded = this.#recorded.get(key);
      if (want.registry !== undefined && addressOrUndefined(want.registry)?.host !== recorded?.host) {
        return { unanswered: `${wantKey(want)}: not in the snapshot ${target.registry}, which recorded ${recorded?.name ?? 'another registry'}; left alone` };
      }
      return { key, repository: recorded ? normalizeRepository(recorded, want.repository) : want.repository };
    }
    const endpoint = registryEndpoint(want.registry ?? target.registry, this.#options.config.registries);
    return { key: endpoint.key, repository: normalizeRepository(parseRegistryAddress(endpoint.registry), want.repository) };
  }

  /**
   * Lists and resolves every want not seen yet. A repository the registry does not have
   * becomes a warning and an absent state (the adapter reports its entries); any other
   * registry failure is thrown.
   */
  async resolve(wants: readonly ImageWant[], target: TargetConfig, digest: DigestForm): Promise<void> {
    // progress counts this file's repositories not asked yet (the total used to grow with every step)
    if (target.snapshotPath && wants.length) await this.source(wants[0]!, target);
    const pending = new Map<string, { want: ImageWant; repository: string; source: string }>();
    const elsewhere: Promise<void>[] = [];
    for (const want of wants) {
      const place = this.#place(want, target)!;
      if ('unanswered' in place) {
        if (!this.warnings.includes(place.unanswered)) this.warnings.push(place.unanswered);
        continue;
      }
      const key = `${place.key}|${place.repository}|${resolutionOf(target, digest)}`;
      const asking = this.#asking.get(key);
      if (asking) elsewhere.push(asking);
      else if (!this.#states.has(key) && !pending.has(key)) pending.set(key, { want, repository: place.repository, source: place.key });
    }
    // Every registry at once, a bounded number of repositories and tags each (see repositoriesInFlight).
    let done = 0;
    await Promise.all([
      ...elsewhere,
      ...[...pending].map(([key, { want, repository, source: sourceKey }]) => {
        const inFlight = this.#inFlightFor(sourceKey, want, target);
        this.#asked.set(key, `${want.registry ?? target.registry}/${repository}`);
        const job = inFlight
          .repositories(async () => {
            this.#checkBudget(`registry ${want.registry ?? target.registry}: tags of ${repository}`);
            const source = await this.source(want, target);
            const state = await this.#resolveRepository(source, repository, target, digest, inFlight.tags);
            this.#states.set(key, state);
            this.#resolvedNames.set(`${sourceKey}|${repository}`, state && [...state.tags.keys()]);
            this.#options.onProgress?.({ phase: 'registry', done: ++done, total: pending.size, what: repository });
          })
          .finally(() => this.#asking.delete(key));
        this.#asking.set(key, job);
        return job;
      }),
    ]);
  }

  #inFlightFor(sourceKey: string, want: ImageWant, target: TargetConfig): { repositories: LimitFunction; tags: LimitFunction } {
    let limits = this.#inFlight.get(sourceKey);
    if (!limits) {
      const concurrency = target.snapshotPath
        ? undefined
        : registryEndpoint(want.registry ?? target.registry, this.#options.config.registries).settings?.concurrency;
      limits = { repositories: pLimit(repositoriesInFlight), tags: pLimit(Math.max(minTagsInFlight, 4 * (concurrency ?? 0))) };
      this.#inFlight.set(sourceKey, limits);
    }
    return limits;
  }

  async #resolveRepository(
    source: RegistrySource,
    repository: string,
    target: TargetConfig,
    digest: DigestForm,
    tagLimit: LimitFunction,
  ): Promise<RepositoryState | undefined> {
    let listed;
    try {
      listed = await source.listTags(repository);
    } catch (error) {
      if (error instanceof RegistryError && error.status === 404) {
        this.warnings.push(`${source.registry}: repository ${repository} not found`);
        return undefined;
      }
      throw error;
    }
    for (const w of listed.warnings) this.warnings.push(`${source.registry}/${repository}: ${w.message}`);
    let tags = listed.tags;
    if (tags.length > maxTagsPerRepository) {
      this.warnings.push(`${source.registry}/${repository}: ${tags.length} tags; only the ${maxTagsPerRepository} newest-listed are considered`);
      tags = tags.slice(-maxTagsPerRepository);
    }
    const states = new Map<string, TagState>();
    const needResolve = digest !== 'manifest';
    await Promise.all(
      tags.map(async (info) => {
        // a source of the caller's (`registrySource`) may not validate: no tag outside the grammar reaches a file
        if (!isValidTag(info.tag)) return;
        if (!needResolve && info.manifestDigest) {
          states.set(info.tag, { tag: info.tag, manifestDigest: info.manifestDigest, platforms: info.platforms, pushedAt: info.pushedAt });
          return;
        }
        await tagLimit(() => this.#resolveTag(source, repository, info, target, states));
      }),
    );
    return { repository, tags: states };
  }

  async #resolveTag(source: RegistrySource, repository: string, info: ListedTag, target: TargetConfig, states: Map<string, TagState>): Promise<void> {
    this.#checkBudget(`registry ${source.registry}: manifest of ${repository}:${info.tag}`);
    const resolved = await source.resolveTag(repository, info.tag, { platform: target.platform });
    for (const w of resolved.warnings) this.warnings.push(`${source.registry}/${repository}:${info.tag}: ${w.message}`);
    states.set(info.tag, {
      tag: info.tag,
      manifestDigest: resolved.manifestDigest,
      imageId: resolved.imageId,
      platforms: resolved.platforms,
      pushedAt: info.pushedAt,
    });
  }

  /**
   * The repositories of `namespace` on `registry` (the target's registry when undefined, or
   * the target's snapshot), listed once per run however many targets ask: Docker Hub's
   * API, the OCI `_catalog`, or the snapshot's recorded list.
   */
  async listNamespace(registry: string | undefined, namespace: string, target: TargetConfig): Promise<NamespaceListing> {
    const want: ImageWant = { ...(registry !== undefined && { registry }), repository: `${namespace}/x` };
    const source = await this.source(want, target);
    const key = this.#namespaceKey(want, namespace, target);
    if (key === undefined) return { repositories: [], complete: false };
    let listing = this.#namespaces.get(key);
    if (!listing) {
      this.#checkBudget(`registry ${source.registry}: repositories of ${namespace}`);
      listing = source.listRepositories(namespace).then((listed) => {
        for (const w of listed.warnings) this.warnings.push(`${source.registry}: namespace ${namespace}: ${w.message}`);
        const done = { repositories: listed.repositories, complete: listed.complete !== false };
        this.#listed.set(key, done);
        return done;
      });
      this.#namespaces.set(key, listing);
    }
    return listing;
  }

  /** A namespace listed by {@link listNamespace}, for the synchronous apply step. */
  namespaceListing(registry: string | undefined, namespace: string, target: TargetConfig): NamespaceListing | undefined {
    const key = this.#namespaceKey({ ...(registry !== undefined && { registry }), repository: `${namespace}/x` }, namespace, target);
    return key === undefined ? undefined : this.#listed.get(key);
  }

  #namespaceKey(want: ImageWant, namespace: string, target: TargetConfig): string | undefined {
    const place = this.#place(want, target);
    return place && 'key' in place ? `${place.key}|namespace:${namespace}` : undefined;
  }

  /**
   * Lists the tag names of `wants` without resolving them (no manifest requests): enough to
   * tell whether a repository has a tag the policy accepts. A repository the registry does
   * not have gets no names.
   */
  async listTagNames(wants: readonly ImageWant[], target: TargetConfig): Promise<void> {
    if (target.snapshotPath && wants.length) await this.source(wants[0]!, target);
    await Promise.all(
      wants.map(async (want) => {
        const place = this.#place(want, target);
        if (!place || !('key' in place)) return;
        const key = `${place.key}|${place.repository}`;
        if (this.#tagNames.has(key) || this.#resolvedNames.has(key)) return;
        this.#checkBudget(`registry ${want.registry ?? target.registry}: tags of ${place.repository}`);
        const source = await this.source(want, target);
        try {
          const listed = await source.listTags(place.repository);
          this.#tagNames.set(
            key,
            listed.tags.map((t) => t.tag),
          );
        } catch (error) {
          if (!(error instanceof RegistryError && error.status === 404)) throw error;
          this.#tagNames.set(key, undefined);
        }
      }),
    );
  }

  /** Tag names of a want: from its resolved state, or from {@link listTagNames}. */
  tagNames(want: ImageWant, target: TargetConfig): string[] | undefined {
    const place = this.#place(want, target);
    if (!place || !('key' in place)) return undefined;
    const key = `${place.key}|${place.repository}`;
    return this.#resolvedNames.get(key) ?? this.#tagNames.get(key);
  }

  /** Throws a {@link DeadlineError} when `during` should not start: the deadline passed, or less than `minRemainingMs` is left. */
  #checkBudget(during: string): void {
    this.#deadline.check(during);
    const remaining = this.#deadline.remaining();
    const reserve = this.#options.minRemainingMs ?? DEFAULT_MIN_REMAINING_MS;
    if (remaining < reserve) {
      throw new DeadlineError(
        `time budget: ${Math.round(remaining)} ms left, less than the ${reserve} ms kept for editing and delivering; stopped before ${during}`,
        'deadline',
        during,
      );
    }
  }

  /** Repositories asked for whose tags were not resolved (yet): what a stopped run left undone. */
  unresolved(): string[] {
    return [...this.#asked].filter(([key]) => !this.#states.has(key)).map(([, name]) => name);
  }

  /** The states {@link resolve} found for `target`'s wants in `digest` form. */
  lookup(target: TargetConfig, digest: DigestForm): StateLookup {
    const resolution = resolutionOf(target, digest);
    return (want) => {
      const place = this.#place(want, target);
      return place && 'key' in place ? this.#states.get(`${place.key}|${place.repository}|${resolution}`) : undefined;
    };
  }

  /** Request counters per registry source used so far, by registry name (or `file:` snapshot path). */
  stats(): Record<string, RegistryStats> {
    return Object.fromEntries([...this.#ready].map(([key, source]) => [key.startsWith('file:') ? key : source.registry, source.stats()]));
  }

  /** Writes the run's digest cache (once, whatever the number of registries); a failed write is not the run's failure. */
  async flush(): Promise<void> {
    await this.#cache?.flush().catch(() => {});
  }

  /** Warnings of the run so far, with the tick snapshot's misses (once, at the end). */
  finalWarnings(): string[] {
    return [...this.warnings, ...this.#snapshotMisses()];
  }

  /**
   * Once every registry request of a run is made: writes the digest cache and lets go of
   * the entries a cache file holds in memory (`ManifestCache.release`), so that they are not
   * held while the target files are parsed and edited. The states themselves stay.
   */
  async release(): Promise<void> {
    const cache = this.#cache;
    if (!cache) return;
    await (cache.release ? cache.release() : cache.flush()).catch(() => {});
  }
}

/** A namespace's repositories; `complete` is false for a snapshot that did not record it in full. */
export interface NamespaceListing {
  repositories: string[];
  complete: boolean;
}

/**
 * What a repository was resolved for: manifest digests only, or the image ids of one
 * platform (normalized, so `linux/arm64` and `linux/arm64/v8` are one).
 */
function resolutionOf(target: TargetConfig, digest: DigestForm): string {
  return digest === 'manifest' ? 'manifest' : `image-id ${formatPlatform(normalizePlatform(target.platform))}`;
}

/** `source`, each answer raced with `deadline` (a {@link DeadlineError} naming the call as soon as it passes). */
function racedWith(source: RegistrySource, deadline: Deadline): RegistrySource {
  if (deadline === Deadline.none) return source;
  const where = `registry ${source.registry}`;
  return {
    registry: source.registry,
    listRepositories: (namespace) => deadline.race(source.listRepositories(namespace), `${where}: repositories of ${namespace}`),
    listTags: (repository) => deadline.race(source.listTags(repository), `${where}: tags of ${repository}`),
    resolveTag: (repository, tag, options) => deadline.race(source.resolveTag(repository, tag, options), `${where}: manifest of ${repository}:${tag}`),
    stats: () => source.stats(),
  };
}

/**
 * The tick snapshots recorded no longer ago than `snapshotMaxAgeMs` (default 6 hours); an
 * older one is set aside with a warning (its registry is asked live): a schedule whose
 * recording step failed must not keep the fleet on last week's registry.
 */
function freshSnapshots(options: UpdateOptions, warnings: string[]): RegistrySnapshot[] {
  const set = options.snapshot;
  if (!set) return [];
  const maxAge = options.snapshotMaxAgeMs ?? DEFAULT_SNAPSHOT_MAX_AGE_MS;
  const now = Date.now();
  return set.snapshots.filter((snapshot) => {
    const at = Date.parse(snapshot.recordedAt ?? set.recordedAt ?? '');
    if (Number.isFinite(at) && now - at <= maxAge) return true;
    const when = Number.isFinite(at)
      ? `was recorded ${new Date(at).toISOString()}, more than ${maxAge >= 7_200_000 ? `${Math.round(maxAge / 3_600_000)} hours` : `${Math.round(maxAge / 60_000)} minutes`} ago`
      : 'has no recordedAt time';
    warnings.push(`snapshot of ${snapshot.registry} ${when}; asked the registry live`);
    return false;
  });
}

/** Default of `snapshotMaxAgeMs`. */
export const DEFAULT_SNAPSHOT_MAX_AGE_MS = 6 * 60 * 60_000;

/** Whether two registry names are one registry (any spelling of Docker Hub, or one host). */
function sameRegistry(a: string, b: string): boolean {
  const x = addressOrUndefined(a);
  const y = addressOrUndefined(b);
  return x !== undefined && y !== undefined && ((x.isDockerHub && y.isDockerHub) || x.host === y.host);
}

function snapshotKey(target: TargetConfig): string {
  return `file:${target.snapshotPath}`;
}

function addressOrUndefined(registry: string): RegistryAddress | undefined {
  try {
    return parseRegistryAddress(registry);
  } catch {
    return undefined;
  }
}
