/**
 * The shapes the registry module hands to the rest of imgsync. A {@link RegistrySource} is
 * the one small interface behind which a live registry (OCI Distribution API, Docker Hub)
 * and a recorded snapshot both sit, so the engine never knows which one it talks to.
 *
 * Everything a source returns has been validated: tags match the OCI tag grammar (policy/tag-grammar.ts), digests
 * are `sha256:` + 64 lowercase hex. Data that fails is dropped and reported in `warnings`,
 * never passed on.
 */

/** An operating system / architecture pair, as in an OCI index's `platform` field. */
export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

/** One platform entry of a multi-platform image (OCI index or Docker manifest list). */
export interface PlatformImage extends Platform {
  /** Digest of the platform's own image manifest. */
  manifestDigest: string;
  /**
   * Digest of the platform's config blob, which is what `docker images` shows as IMAGE ID.
   * `undefined` when it was not fetched (see `imageIdsFor` in the client options).
   */
  imageId: string | undefined;
}

/** Something odd in a registry's answer that was skipped rather than passed on. */
export interface RegistryWarning {
  code:
    | 'invalid-tag'
    | 'invalid-digest'
    | 'invalid-repository'
    | 'digest-mismatch'
    | 'platform-not-found'
    | 'unknown-media-type';
  message: string;
  repository?: string;
  tag?: string;
}

/** A tag as listed. Digest, push time and platforms are present where the listing gave them for free. */
export interface TagInfo {
  tag: string;
  /** Manifest (or index) digest, when known without a manifest request (Docker Hub API). */
  manifestDigest?: string;
  /** ISO 8601 time of the last push, when known (Docker Hub API). */
  pushedAt?: string;
  /** Platforms with their manifest digests, when known (Docker Hub API); `imageId` is then undefined. */
  platforms?: PlatformImage[];
}

export interface TagList {
  repository: string;
  tags: TagInfo[];
  warnings: RegistryWarning[];
}

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

/** What a tag points at right now. */
export interface ResolvedTag {
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
export type RegistryCredentials =
  | { username: string; password: string }
  | { identityToken: string; username?: string };

/** Fetch as in the platform: Node's global fetch or a test double with the same contract. */
export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

/** OCI distribution spec repository name: path components of lowercase alphanumerics and separators. */
export const REPOSITORY_PATTERN = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*$/;

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
