/**
 * Asking the registries what the target files need, once per run: one source per
 * registry (a live client or a snapshot), each repository listed once, and each listed
 * tag resolved to its digests and image ids. The result is the synchronous lookup the
 * format adapters apply.
 *
 * Requests are bounded: the client's own concurrency limit and retry budget, at most
 * `maxTagsPerRepository` tags resolved per repository, and the caller's time budget
 * (no new request starts with less than `minRemainingMs` left).
 */
import type { TargetConfig } from '../config/types.js';
import { RegistryError } from '../errors.js';
import { wantKey } from '../formats/image-want.js';
import type { ImageWant, RepositoryState, StateLookup, TagState } from '../formats/types.js';
import type { DigestForm } from '../policy/digest-form.js';
import { createRegistryClient, type RegistryClient } from '../registry/registry-client.js';
import { createSnapshotSource, readSnapshotFile } from '../registry/snapshot.js';
import type { RegistrySource, RegistryStats } from '../registry/types.js';
import type { UpdateOptions } from './types.js';

export const maxTagsPerRepository = 1000;

/** Thrown inside the engine when the time budget runs out; becomes a partial result. */
export class BudgetExhausted extends Error {}

export class RegistryStates {
  readonly #options: UpdateOptions;
  readonly #sources = new Map<string, Promise<RegistrySource>>();
  readonly #ready = new Map<string, RegistrySource>();
  readonly #clients: RegistryClient[] = [];
  readonly #states = new Map<string, RepositoryState | undefined>();
  readonly #tagNames = new Map<string, string[] | undefined>();
  readonly #namespaces = new Map<string, Promise<NamespaceListing>>();
  readonly #listed = new Map<string, NamespaceListing>();
  readonly warnings: string[] = [];

  constructor(options: UpdateOptions) {
    this.#options = options;
  }

  /** The source for a target's registry (or for a want's own registry, like `ghcr.io/x/y`). */
  source(registry: string, target: TargetConfig): Promise<RegistrySource> {
    const key = target.snapshotPath ? `file:${target.snapshotPath}` : registry;
    let source = this.#sources.get(key);
    if (!source) {
      source = this.#create(registry, target).then((created) => {
        this.#ready.set(key, created);
        return created;
      });
      this.#sources.set(key, source);
    }
    return source;
  }

  async #create(registry: string, target: TargetConfig): Promise<RegistrySource> {
    if (target.snapshotPath) return createSnapshotSource(await readSnapshotFile(target.snapshotPath));
    const injected = this.#options.registrySource?.(registry);
    if (injected) return injected;
    const settings = this.#options.config.registries[registry];
    const client = createRegistryClient({
      registry,
      fetch: this.#options.fetch,
      credentials: this.#options.secrets?.registries?.[registry],
      dockerConfigPath: this.#options.dockerConfigPath,
      cache: this.#options.manifestCache,
      ...(settings?.concurrency !== undefined && { concurrency: settings.concurrency }),
      ...(settings?.timeoutMs !== undefined && { timeoutMs: settings.timeoutMs }),
      ...(settings?.retries !== undefined && { retries: settings.retries }),
      ...(settings?.hubApiUrl !== undefined && { hubApiUrl: settings.hubApiUrl }),
    });
    this.#clients.push(client);
    return client;
  }

  /**
   * Lists and resolves every want not seen yet. A repository the registry does not have
   * becomes a warning and an absent state (the adapter reports its entries); any other
   * registry failure is thrown.
   */
  async resolve(wants: readonly ImageWant[], target: TargetConfig, digest: DigestForm): Promise<void> {
    // progress counts this file's repositories not asked yet (the total used to grow with every step)
    const pending = new Map<string, ImageWant>();
    for (const want of wants) {
      const key = stateKey(want, target);
      if (!this.#states.has(key) && !pending.has(key)) pending.set(key, want);
    }
    // All repositories at once: each client's own concurrency limit bounds the requests.
    let done = 0;
    await Promise.all(
      [...pending].map(async ([key, want]) => {
        this.#checkBudget();
        const source = await this.source(want.registry ?? target.registry, target);
        this.#states.set(key, await this.#resolveRepository(source, want.repository, target, digest));
        this.#options.onProgress?.({ phase: 'registry', done: ++done, total: pending.size, what: want.repository });
      }),
    );
  }

  async #resolveRepository(source: RegistrySource, repository: string, target: TargetConfig, digest: DigestForm): Promise<RepositoryState | undefined> {
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
        if (!needResolve && info.manifestDigest) {
          states.set(info.tag, { manifestDigest: info.manifestDigest, platforms: info.platforms, pushedAt: info.pushedAt });
          return;
        }
        this.#checkBudget();
        const resolved = await source.resolveTag(repository, info.tag, { platform: target.platform });
        for (const w of resolved.warnings) this.warnings.push(`${source.registry}/${repository}:${info.tag}: ${w.message}`);
        states.set(info.tag, {
          manifestDigest: resolved.manifestDigest,
          imageId: resolved.imageId,
          platforms: resolved.platforms,
          pushedAt: info.pushedAt,
        });
      }),
    );
    return { repository, tags: states };
  }

  /**
   * The repositories of `namespace` on `registry` (or the target's snapshot), listed once
   * per run however many targets ask: Docker Hub's API, the OCI `_catalog`, or the
   * snapshot's recorded list.
   */
  async listNamespace(registry: string, namespace: string, target: TargetConfig): Promise<NamespaceListing> {
    const key = namespaceKey(registry, namespace, target);
    let listing = this.#namespaces.get(key);
    if (!listing) {
      this.#checkBudget();
      listing = this.source(registry, target).then(async (source) => {
        const listed = await source.listRepositories(namespace);
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
  namespaceListing(registry: string, namespace: string, target: TargetConfig): NamespaceListing | undefined {
    return this.#listed.get(namespaceKey(registry, namespace, target));
  }

  /**
   * Lists the tag names of `wants` without resolving them (no manifest requests): enough to
   * tell whether a repository has a tag the policy accepts. A repository the registry does
   * not have gets no names.
   */
  async listTagNames(wants: readonly ImageWant[], target: TargetConfig): Promise<void> {
    await Promise.all(
      wants.map(async (want) => {
        const key = stateKey(want, target);
        if (this.#tagNames.has(key) || this.#states.has(key)) return;
        this.#checkBudget();
        const source = await this.source(want.registry ?? target.registry, target);
        try {
          const listed = await source.listTags(want.repository);
          this.#tagNames.set(key, listed.tags.map((t) => t.tag));
        } catch (error) {
          if (!(error instanceof RegistryError && error.status === 404)) throw error;
          this.#tagNames.set(key, undefined);
        }
      }),
    );
  }

  /** Tag names of a want: from its resolved state, or from {@link listTagNames}. */
  tagNames(want: ImageWant, target: TargetConfig): string[] | undefined {
    const key = stateKey(want, target);
    const state = this.#states.get(key);
    return state ? [...state.tags.keys()] : this.#tagNames.get(key);
  }

  #checkBudget(): void {
    const remaining = this.#options.remainingMs?.();
    if (remaining !== undefined && remaining < (this.#options.minRemainingMs ?? 10_000)) {
      throw new BudgetExhausted(`${Math.max(0, Math.round(remaining))} ms left: stopped before the next registry request`);
    }
  }

  lookup(target: TargetConfig): StateLookup {
    return (want) => this.#states.get(stateKey(want, target));
  }

  /** Request counters per registry source used so far. */
  stats(): Record<string, RegistryStats> {
    return Object.fromEntries([...this.#ready].map(([name, source]) => [name, source.stats()]));
  }

  async flush(): Promise<void> {
    await Promise.all(this.#clients.map((c) => c.flushCache().catch(() => {})));
  }
}

/** A namespace's repositories; `complete` is false for a snapshot that did not record it in full. */
export interface NamespaceListing {
  repositories: string[];
  complete: boolean;
}

function namespaceKey(registry: string, namespace: string, target: TargetConfig): string {
  return `${target.snapshotPath ? `file:${target.snapshotPath}` : registry}|${namespace}`;
}

function stateKey(want: ImageWant, target: TargetConfig): string {
  return `${target.snapshotPath ? `file:${target.snapshotPath}` : want.registry ?? target.registry}|${wantKey({ repository: want.repository })}`;
}
