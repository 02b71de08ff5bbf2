/**
 * The shapes the registry module hands to the rest of imgsync. A {@link RegistrySource} is
 * the one small interface behind which a live registry (OCI Distribution API, Docker Hub)
 * and a recorded snapshot both sit, so the engine never knows which one it talks to.
 *
 * Everything a source returns has been validated: tags match the OCI tag grammar, digests
 * are `sha256:` + 64 lowercase hex (`image-ref/grammar.ts`). Data that fails is dropped and
 * reported in `warnings`, never passed on.
 *
 * Platforms and a tag's digests are the policy module's types (`policy/digest-form.ts`),
 * which picks among them what to write; a tag's name and push time are its `TagInfo`.
 */
import type { Platform, PlatformImage, TagDigests } from '../policy/digest-form.js';
import type { TagInfo } from '../policy/tag-policy.js';

export type { Platform, PlatformImage };

/** Something odd in a registry's answer that was skipped rather than passed on. */
export interface RegistryWarning {
  code: 'invalid-tag' | 'invalid-digest' | 'invalid-repository' | 'digest-mismatch' | 'platform-not-found' | 'unknown-media-type';
  message: string;
  repository?: string;
  tag?: string;
}

/** A tag as listed. Digest, push time and platforms are present where the listing gave them for free. */
export interface ListedTag extends TagInfo {
  /** Manifest (or index) digest, when known without a manifest request (Docker Hub API). */
  manifestDigest?: string;
  /** ISO 8601 time of the last push, when known (Docker Hub API). */
  pushedAt?: string;
  /** Platforms with their manifest digests, when known (Docker Hub API); `imageId` is then undefined. */
  platforms?: PlatformImage[];
}

/** A repository's tags, as a registry listed them, and what was odd in its answer. */
export interface TagList {
  repository: string;
  tags: ListedTag[];
  warnings: RegistryWarning[];
}

/**
 * A namespace's repositories, as a registry listed them; `complete` is false when the listing may have left some out.
 */
export interface RepositoryList {
  namespace: string;
  /** Full repository names (`namespace/name`), sorted. */
  repositories: string[];
  /**
   * False when the list may miss repositories the registry has: a snapshot that did not
   * record this namespace in full. Absent (true) for a live registry.
   */
  complete?: boolean;
  warnings: RegistryWarning[];
}

/** What a tag points at right now: its digests, and what the registry said on the way. */
export interface ResolvedTag extends TagDigests {
  repository: string;
  tag: string;
  /** Digest of the manifest the tag points at: an index/list for multi-platform images. */
  manifestDigest: string;
  mediaType: string;
  /** Platforms of a multi-platform image; one entry for a single-platform image when its config says which. */
  platforms: PlatformImage[];
  /** The chosen platform (default linux/amd64), or undefined if the image does not have it. */
  platform: PlatformImage | undefined;
  /** Image id (config digest) of the chosen platform; of the single image for a plain manifest. */
  imageId: string | undefined;
  warnings: RegistryWarning[];
}

/** Options of `RegistrySource.resolveTag`. */
export interface ResolveOptions {
  /** Platform whose image id is reported as `imageId`; default linux/amd64. */
  platform?: Platform;
}

/** Request counters. `manifestGets` are what Docker Hub counts as pulls. */
export interface RegistryStats {
  requests: number;
  manifestHeads: number;
  manifestGets: number;
  tokenRequests: number;
  hubApiRequests: number;
  retries: number;
  rateLimited: number;
  cacheHits: number;
  /** Last `RateLimit-Remaining` / `RateLimit-Limit` seen (Docker Hub sends `76;w=21600`). */
  rateLimit: { remaining: number; limit: number | undefined; windowSeconds: number | undefined } | undefined;
}

/** The interface shared by a live registry client and a snapshot. */
export interface RegistrySource {
  /** The registry as given (`docker.io`, `https://ghcr.io`, `http://127.0.0.1:5000`). */
  readonly registry: string;
  /** Repositories under a namespace (`lablup` lists `lablup/*`); Docker Hub API or `_catalog`. */
  listRepositories(namespace: string): Promise<RepositoryList>;
  listTags(repository: string): Promise<TagList>;
  resolveTag(repository: string, tag: string, options?: ResolveOptions): Promise<ResolvedTag>;
  stats(): RegistryStats;
}

/** Username/password (or a registry token as password), or an identity (refresh) token. */
export type RegistryCredentials = { username: string; password: string } | { identityToken: string; username?: string };

/** Fetch as in the platform: Node's global fetch or a test double with the same contract. */
export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export function emptyStats(): RegistryStats {
  return {
    requests: 0,
    manifestHeads: 0,
    manifestGets: 0,
    tokenRequests: 0,
    hubApiRequests: 0,
    retries: 0,
    rateLimited: 0,
    cacheHits: 0,
    rateLimit: undefined,
  };
}
