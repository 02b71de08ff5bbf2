/**
 * A live {@link RegistrySource}: the OCI Distribution API for any registry, plus the Docker
 * Hub API for listing on docker.io. All I/O is injected (`fetch`, `sleep`, `now`,
 * `random`, the manifest cache, the docker config's file reader), with Node defaults.
 *
 * How a tag is resolved, cheapest first:
 *
 * 1. `HEAD` the tag's manifest -> manifest digest and media type (never a pull).
 * 2. Look the digest up in the manifest cache -> platforms / image id, no GET at all.
 * 3. Only on a cache miss, `GET` the manifest *by digest* (so a tag moving in between
 *    cannot mix two manifests; the body is checked against the digest), and for an index
 *    the manifest of the wanted platform only (`imageIdsFor: 'all'` fetches every
 *    platform's), again cache-first.
 *
 * So a run in which no digest moved costs one HEAD per tag and zero manifest GETs, and a
 * multi-platform tag that moved costs two GETs (its index and one platform's manifest),
 * however many platforms the index lists. Before
 * any GET the last seen `RateLimit-Remaining` is checked against `pullReserve`: the client
 * stops with a clear error instead of spending the last pulls.
 *
 * With `mirror`, the registry's repositories are looked up at another registry (a
 * pull-through cache, an air-gapped copy, a local test registry) under the same names
 * (`library/redis` for Docker Hub's `redis`), after the mirror URL's path if it has one
 * (`https://harbor.example.com/dockerhub` asks for `dockerhub/library/redis`, as Harbor's
 * proxy projects and Nexus or Artifactory path-based proxies expect). Everything goes to
 * the mirror: listing (never the Docker Hub API), manifests, and credentials, which are the
 * mirror's own (`credentials`, or the mirror host's entry in the docker config).
 */
import { createHash } from 'node:crypto';
import { abortableSleep, Deadline } from '../deadline.js';
import { RegistryError } from '../errors.js';
import { DEFAULT_PLATFORM } from '../policy/digest-form.js';
import type { BodyKind } from './body-limits.js';
import { credentialHelperRunner, type CredentialHelperRunner } from './credential-helper.js';
import { credentialsFor, readDockerConfig, type DockerConfig } from './docker-config.js';
import { DockerHubApi } from './docker-hub.js';
import { defaultExchange, fetchExchange } from './exchange.js';
import { HttpTransport } from './http.js';
import { choosePlatform, summarizeManifest, type ManifestSummary } from './manifest.js';
import { fileManifestCache, memoryManifestCache, type ManifestCache } from './manifest-cache.js';
import { OciDistributionClient } from './oci-client.js';
import { DOCKER_HUB_API_URL, DOCKER_HUB_AUTH_SERVER, normalizeRepository, parseRegistryAddress, type RegistryAddress } from './registry-address.js';
import type { BackoffPolicy } from './retry.js';
import { RegistryAuth } from './token-auth.js';
import {
  emptyStats,
  type FetchLike,
  type PlatformImage,
  type RegistryCredentials,
  type RegistrySource,
  type RegistryStats,
  type RegistryWarning,
  type RepositoryList,
  type ResolvedTag,
  type ResolveOptions,
  type TagList,
} from './types.js';
import { isValidRepository, isValidTag } from '../image-ref/grammar.js';

/**
 * How {@link createRegistryClient} reaches a registry: its address, credentials, limits, cache and deadline.
 */
export interface RegistryClientOptions {
  /** `docker.io`, a host (`ghcr.io`, https implied) or a base URL (`http://127.0.0.1:5000`). */
  registry: string;
  /**
   * Sends the requests instead of the default, `node:http` / `node:https` with keep-alive
   * agents of the client's own (`node-exchange.ts`; Node's fetch when a proxy agent is
   * installed as undici's global dispatcher): a proxy's fetch, a test double, or
   * {@link keepAliveFetch} for Node's fetch with kept connections.
   */
  fetch?: FetchLike;
  /** Explicit credentials (the mirror's, with `mirror`); win over any docker config. */
  credentials?: RegistryCredentials;
  /**
   * Hosts besides the registry's own whose token service may receive the credentials
   * (GitLab's registry.gitlab.com asks gitlab.com). Docker Hub's `auth.docker.io` is
   * always allowed for docker.io. Any other realm a challenge names gets no credentials.
   */
  authServers?: readonly string[];
  /** A parsed docker `config.json` to take credentials from. */
  dockerConfig?: DockerConfig;
  /** Path of a docker `config.json`, read on first use (a missing file means anonymous). */
  dockerConfigPath?: string;
  /** Runs docker credential helpers the docker config names. Default: the real programs on PATH. */
  credentialHelper?: CredentialHelperRunner;
  /** Requests in flight at once, for the whole client. Default 8. */
  concurrency?: number;
  /** Per attempt, including reading the body. Default 30 000. */
  timeoutMs?: number;
  /** Retries after the first attempt on network errors, timeouts, 5xx, 429. Default 3. */
  retries?: number;
  /** Longest `Retry-After` honoured; a longer one fails at once. Default 60 000. */
  maxRetryAfterMs?: number;
  backoff?: BackoffPolicy;
  /** Docker Hub API base; override for tests. Default `https://hub.docker.com`. */
  hubApiUrl?: string;
  /**
   * Distribution API base to use instead of the registry's own, e.g. a pull-through
   * mirror of docker.io, or a local registry standing in for it in tests.
   */
  distributionUrl?: string;
  /**
   * Look the registry's repositories up at this registry instead (`http://127.0.0.1:5000`,
   * `https://harbor.example.com/dockerhub`); see the file comment.
   */
  mirror?: string;
  /** Digest -> manifest summary cache, or a JSON file path for {@link fileManifestCache}. Default: in memory. */
  cache?: ManifestCache | string;
  /** Which platforms of an index get their image id fetched: only the `chosen` one (default), or `all`. */
  imageIdsFor?: 'all' | 'chosen';
  /** Stop before a manifest GET when `RateLimit-Remaining` is at or below this. Default 0. */
  pullReserve?: number;
  /**
   * The run's deadline: every request's timeout, retry and `Retry-After` wait is capped by
   * the time left, and requests in flight stop when it passes (a `DeadlineError`).
   */
  deadline?: Deadline;
  /** Receives the deadline's signal; the default sleep ends early when it fires. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Largest body per kind of answer, replacing the defaults of `body-limits.ts` (8 MiB tag lists, 4 MiB indexes, …). */
  bodyLimits?: Partial<Record<BodyKind, number>>;
  now?: () => number;
  random?: () => number;
}

/**
 * A live {@link RegistrySource} for one registry, with its request counters; made by {@link createRegistryClient}.
 */
export interface RegistryClient extends RegistrySource {
  /** Writes the manifest cache (a no-op for the in-memory one). */
  flushCache(): Promise<void>;
}

/**
 * Creates a client for one registry.
 *
 * | option | default |
 * | --- | --- |
 * | `concurrency` | 8 |
 * | `timeoutMs` | 30 000 |
 * | `retries` | 3 |
 * | `maxRetryAfterMs` | 60 000 |
 * | `imageIdsFor` | `'chosen'` |
 *
 * @example
 * const client = createRegistryClient({ registry: 'docker.io', cache: '.imgsync-cache.json' });
 * const { repositories } = await client.listRepositories('lablup');
 * const resolved = await client.resolveTag('lablup/python', '3.6-ubuntu');
 * console.log(resolved.manifestDigest, resolved.imageId, client.stats().manifestGets);
 * await client.flushCache();
 */
export function createRegistryClient(options: RegistryClientOptions): RegistryClient {
  const named = parseRegistryAddress(options.registry);
  const mirror = options.mirror ? parseMirror(options.mirror) : undefined;
  const address: RegistryAddress = mirror
    ? mirror.address
    : options.distributionUrl
      ? { ...named, baseUrl: options.distributionUrl.replace(/\/+$/, '') }
      : named;
  const stats = emptyStats();
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? abortableSleep;
  const deadline = options.deadline ?? Deadline.none;
  const cache: ManifestCache = typeof options.cache === 'string' ? fileManifestCache(options.cache) : (options.cache ?? memoryManifestCache());
  const concurrency = options.concurrency ?? 8;
  const http = new HttpTransport({
    registry: address.name,
    exchange: options.fetch ? fetchExchange(options.fetch) : defaultExchange(concurrency),
    concurrency,
    timeoutMs: options.timeoutMs ?? 30_000,
    retries: options.retries ?? 3,
    maxRetryAfterMs: options.maxRetryAfterMs ?? 60_000,
    ...(options.backoff ? { backoff: options.backoff } : {}),
    deadline,
    sleep,
    now,
    random: options.random ?? Math.random,
    stats,
    ...(options.bodyLimits && { bodyLimits: options.bodyLimits }),
  });

  let parts: Promise<{ oci: OciDistributionClient; hub: DockerHubApi | undefined }> | undefined;
  const ready = () =>
    (parts ??= (async () => {
      const credentials = await deadline.race(resolveCredentials(options, address, deadline.signal), `registry ${address.name}: credentials`);
      const authServers = [...(options.authServers ?? []), ...(address.isDockerHub ? [DOCKER_HUB_AUTH_SERVER] : [])];
      const auth = new RegistryAuth({ registry: address.name, baseUrl: address.baseUrl, authServers, credentials, http, now });
      const oci = new OciDistributionClient(address, http, auth);
      const hub = address.isDockerHub && !mirror ? new DockerHubApi({ apiUrl: options.hubApiUrl ?? DOCKER_HUB_API_URL, http, credentials }) : undefined;
      return { oci, hub };
    })());

  const repositoryName = (repository: string): string => {
    const name = (mirror?.prefix ?? '') + normalizeRepository(named, repository);
    if (!isValidRepository(name)) {
      throw new RegistryError(`invalid repository name ${JSON.stringify(repository)}`, { registry: address.name });
    }
    return name;
  };

  const guardPull = (repository: string) => {
    const reserve = options.pullReserve ?? 0;
    const remaining = stats.rateLimit?.remaining;
    if (remaining !== undefined && remaining <= reserve) {
      throw new RegistryError(`pull rate limit nearly spent (RateLimit-Remaining ${remaining}, reserve ${reserve}); stopping before the next manifest GET`, {
        registry: address.name,
        repository,
        status: 429,
      });
    }
  };

  /** Summary of the manifest behind `digest`, from the cache or one verified GET. */
  const summaryOf = async (repository: string, digest: string, warn: (w: RegistryWarning) => void): Promise<ManifestSummary> => {
    const cached = await cache.get(digest);
    if (cached) {
      stats.cacheHits++;
      return cached;
    }
    guardPull(repository);
    const { oci } = await ready();
    const manifest = await oci.getManifest(repository, digest);
    const summary = summarizeManifest(manifest.document, manifest.mediaType ?? null, warn);
    if (!summary) throw new RegistryError(`manifest ${digest} is of an unknown kind`, { registry: address.name, repository });
    await cache.set(digest, summary);
    return summary;
  };

  const client: RegistryClient = {
    registry: mirror ? `${named.name} (mirror ${options.mirror!.replace(/\/+$/, '')})` : address.name,

    async listRepositories(namespace: string): Promise<RepositoryList> {
      const { oci, hub } = await ready();
      const ns = namespace.replace(/^\/+|\/+$/g, '');
      const prefix = mirror?.prefix ?? '';
      const listed = hub ? await hub.repositories(ns) : await oci.catalog(prefix + ns);
      const names = listed.repositories.filter((name) => name.startsWith(prefix)).map((name) => name.slice(prefix.length));
      return { namespace: ns, repositories: [...new Set(names)].sort(), warnings: listed.warnings };
    },

    async listTags(repository: string): Promise<TagList> {
      const name = repositoryName(repository);
      const { oci, hub } = await ready();
      if (hub) {
        const listed = await hub.tags(name);
        return { repository: name, tags: listed.tags, warnings: listed.warnings };
      }
      const listed = await oci.tags(name);
      return { repository: name, tags: listed.tags.map((tag) => ({ tag })), warnings: listed.warnings };
    },

    async resolveTag(repository: string, tag: string, resolveOptions: ResolveOptions = {}): Promise<ResolvedTag> {
      const name = repositoryName(repository);
      if (!isValidTag(tag)) throw new RegistryError(`invalid tag ${JSON.stringify(tag)}`, { registry: address.name, repository: name });
      const wanted = resolveOptions.platform ?? DEFAULT_PLATFORM;
      const warnings: RegistryWarning[] = [];
      const warn = (warning: RegistryWarning) => warnings.push({ repository: name, tag, ...warning });
      const { oci } = await ready();

      const head = await oci.headManifest(name, tag);
      let manifestDigest = head.digest;
      let summary: ManifestSummary | undefined;
      if (!manifestDigest) {
        // No usable Docker-Content-Digest on HEAD: fetch by tag and hash the body ourselves.
        guardPull(name);
        const manifest = await oci.getManifest(name, tag);
        manifestDigest = `sha256:${createHash('sha256').update(manifest.body).digest('hex')}`;
        summary = summarizeManifest(manifest.document, manifest.mediaType ?? null, warn);
        if (!summary) throw new RegistryError(`manifest of tag ${tag} is of an unknown kind`, { registry: address.name, repository: name });
        await cache.set(manifestDigest, summary);
      } else {
        summary = await summaryOf(name, manifestDigest, warn);
      }

      if (summary.kind === 'image') {
        return {
          repository: name,
          tag,
          manifestDigest,
          mediaType: summary.mediaType,
          platforms: [],
          platform: undefined,
          imageId: summary.configDigest,
          warnings,
        };
      }

      const chosen = choosePlatform(summary.platforms, wanted);
      const fetchAll = options.imageIdsFor === 'all';
      const platforms: PlatformImage[] = await Promise.all(
        summary.platforms.map(async (platform) => {
          if (!fetchAll && platform !== chosen) return { ...platform, imageId: undefined };
          const child = await summaryOf(name, platform.manifestDigest, warn);
          return { ...platform, imageId: child.kind === 'image' ? child.configDigest : undefined };
        }),
      );
      const platform = chosen ? platforms[summary.platforms.indexOf(chosen)] : undefined;
      if (!platform) {
        warn({ code: 'platform-not-found', message: `no ${[wanted.os, wanted.architecture, wanted.variant].filter(Boolean).join('/')} image in the index` });
      }
      return {
        repository: name,
        tag,
        manifestDigest,
        mediaType: summary.mediaType,
        platforms,
        platform,
        imageId: platform?.imageId,
        warnings,
      };
    },

    stats(): RegistryStats {
      return { ...stats, rateLimit: stats.rateLimit ? { ...stats.rateLimit } : undefined };
    },

    flushCache: () => cache.flush(),
  };
  return client;
}

async function resolveCredentials(options: RegistryClientOptions, address: RegistryAddress, signal: AbortSignal): Promise<RegistryCredentials | undefined> {
  if (options.credentials) return options.credentials;
  const config = options.dockerConfig ?? (options.dockerConfigPath ? await readDockerConfig(options.dockerConfigPath) : undefined);
  return config ? credentialsFor(config, address.host, options.credentialHelper ?? credentialHelperRunner(), signal) : undefined;
}

/** The mirror's own address (origin only) and the repository prefix its path gives (`dockerhub/`). */
function parseMirror(mirror: string): { address: RegistryAddress; prefix: string } {
  const parsed = parseRegistryAddress(mirror);
  const url = new URL(parsed.baseUrl);
  const path = url.pathname.replace(/^\/+|\/+$/g, '');
  const name = `${parsed.name.startsWith('http://') ? 'http://' : ''}${url.host}`;
  return { address: { name, baseUrl: url.origin, host: url.host, isDockerHub: false }, prefix: path ? `${path}/` : '' };
}
