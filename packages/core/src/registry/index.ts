/**
 * Public surface of the registry module: a live client for any registry (OCI Distribution
 * API, Docker Hub API), a snapshot-backed source with the same interface, and the pieces
 * a caller may want on their own (docker config credentials, manifest caches). The
 * validators of tags, digests and repositories are `image-ref/grammar.ts`.
 * Everything else in this folder is internal.
 */
export { createRegistryClient, type RegistryClient, type RegistryClientOptions } from './registry-client.js';
export { keepAliveFetch, keepAliveDispatcher, type KeepAliveOptions } from './keep-alive.js';
export {
  createSnapshotSource,
  parseSnapshot,
  parseSnapshotSet,
  readSnapshotFile,
  recordSnapshot,
  serializeSnapshot,
  serializeSnapshotSet,
  type RegistrySnapshot,
  type RecordSnapshotOptions,
  type SnapshotRepository,
  type SnapshotSet,
  type SnapshotTag,
} from './snapshot.js';
export { layeredSource, recordingSource, type LayeredSource, type RecordingSource } from './snapshot-layers.js';
export { readSnapshotSetFrom, writeSnapshotSetTo, type SnapshotLocationIo } from './snapshot-location.js';
export { credentialsFor, readDockerConfig, type DockerConfig } from './docker-config.js';
export { credentialHelperRunner, type CredentialHelperOptions, type CredentialHelperRunner } from './credential-helper.js';
export { fileManifestCache, memoryManifestCache, type CacheFileSystem, type CacheLimits, type ManifestCache } from './manifest-cache.js';
export { MEDIA_TYPES, type ManifestSummary } from './manifest.js';
export { BODY_LIMITS, type BodyKind } from './body-limits.js';
export { isLoopbackHost, normalizeRepository, parseRegistryAddress, type RegistryAddress } from './registry-address.js';
export type { BackoffPolicy } from './retry.js';
export {
  type FetchLike,
  type ListedTag,
  type RegistryCredentials,
  type RegistrySource,
  type RegistryStats,
  type RegistryWarning,
  type RepositoryList,
  type ResolvedTag,
  type ResolveOptions,
  type TagList,
} from './types.js';
