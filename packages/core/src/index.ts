/**
 * The public API of `@imgsync/core`, name by name. Everything not listed here is internal
 * and may change in any release. Grouped as a user meets it: run the engine on a config;
 * read and check configs; handle its errors; edit YAML without re-serialising it; ask
 * registries (live, or recorded in snapshots); commit and push; split a fleet in shards.
 *
 * @example
 * import { loadConfig, runUpdate } from '@imgsync/core';
 * const config = await loadConfig({ path: 'imgsync.config.yaml' });
 * const result = await runUpdate({ config, dryRun: true });
 * for (const file of result.files) process.stdout.write(file.diff);
 */

// The engine: one config (runUpdate) or a fleet of repositories (runFleet).
export { runUpdate } from './update/update.js';
export { runFleet, type FleetOptions, type FleetRepositoryResult, type FleetResult } from './update/fleet.js';
export { resolveSecrets } from './update/resolve-secrets.js';
export { recordTick, type TickRecording } from './update/record-tick.js';
export { DEFAULT_MAX_FILE_BYTES, type FileResult, type ProgressEvent, type UpdateFileSystem, type UpdateOptions, type UpdateResult } from './update/types.js';

// Configuration: find, load and check `imgsync.config.yaml`, and the shape the engine reads.
export { checkConfigText, loadConfig, parseConfig, type ConfigFileSystem, type ConfigSource } from './config/load-config.js';
export { findConfigFile, CONFIG_FILE_NAMES, type FindConfigFileSystem } from './config/find-config.js';
export { DEFAULT_GIT_AUTHOR } from './config/shape/git.js';
export { configJsonSchema } from './config/shape/json-schema.js';
export type {
  AutodiscoverConfig,
  FleetConfig,
  FleetRepository,
  GitAuthorConfig,
  GitConfig,
  ImgsyncConfig,
  RegistrySettings,
  SecretRef,
  TagPolicyConfig,
  TargetConfig,
  TargetFormat,
} from './config/types.js';

// Errors: one closed union of codes, the facts as fields (see errors.ts).
export {
  ConfigError,
  DeadlineError,
  ERROR_CODES,
  errorFacts,
  FileError,
  FileTooLargeError,
  formatConfigProblem,
  FormatError,
  GitError,
  ImgsyncError,
  redactSecrets,
  RegistryError,
  YamlEditError,
  YamlSyntaxError,
  type ConfigProblem,
  type ErrorFacts,
  type ImgsyncErrorCode,
} from './errors.js';

// A run's time budget.
export { Deadline, parseDeadline, parseDuration, type DeadlineOptions } from './deadline.js';

// The YAML editor: every byte outside the edited values stays.
export { parseYaml, YamlFile, type ParseYamlOptions } from './yaml/yaml-file.js';
export { YamlDocument, type AddOptions, type CommentOutOptions, type EditOptions } from './yaml/yaml-document.js';
export type { KeyPath } from './yaml/navigate.js';
export type { ScalarValue } from './yaml/render-scalar.js';
export type { NewValue } from './yaml/render-item.js';

// File formats: what a file is and where its images are.
export { detectFormat, findFormat, formatAdapter, formatAdapters, FORMAT_NAMES, FORMATS, noImagesReason, type FormatName } from './formats/all-formats.js';
export { markerPolicyStubs, type MarkerPolicyStub } from './formats/markers/policy-stubs.js';
export type {
  Change,
  ChangeKind,
  DiscoverMode,
  FormatAdapter,
  FormatFacts,
  ImageWant,
  MarkerPolicy,
  PruneMode,
  RepositoryState,
  StateLookup,
  TagState,
  TargetOptions,
} from './formats/types.js';

// Image references, tags, digests and the policies that choose among them.
export { checkImageRef, formatImageRef, parseImageRef, type ImageRef, type ImageRefCheck, type ParseImageRefOptions } from './image-ref/parse.js';
export { isValidDigest, isValidRepository, isValidTag } from './image-ref/grammar.js';
export { createTagPolicy, type TagInfo, type TagPolicy, type TagPolicyOptions, type TagSort } from './policy/tag-policy.js';
export { compareTagVersions } from './policy/version-order.js';
export { formatPlatform, parsePlatform, type DigestForm, type Platform, type PlatformImage } from './policy/digest-form.js';
export type { UpdateLevel } from './policy/update-level.js';

// Registries: a live client for any OCI registry or Docker Hub, and recorded snapshots.
export { createRegistryClient, type RegistryClient, type RegistryClientOptions } from './registry/registry-client.js';
export type {
  FetchLike,
  ListedTag,
  RegistryCredentials,
  RegistrySource,
  RegistryStats,
  RegistryWarning,
  RepositoryList,
  ResolvedTag,
  ResolveOptions,
  TagList,
} from './registry/types.js';
export {
  createSnapshotSource,
  parseSnapshot,
  parseSnapshotSet,
  readSnapshotFile,
  recordSnapshot,
  serializeSnapshot,
  serializeSnapshotSet,
  type RecordSnapshotOptions,
  type RegistrySnapshot,
  type SnapshotRepository,
  type SnapshotSet,
  type SnapshotTag,
} from './registry/snapshot.js';
export { layeredSource, recordingSource, type LayeredSource, type RecordingSource } from './registry/snapshot-layers.js';
export { readSnapshotSetFrom, writeSnapshotSetTo, type SnapshotLocationIo } from './registry/snapshot-location.js';
export { fileManifestCache, memoryManifestCache, type ManifestCache } from './registry/manifest-cache.js';
export { readDockerConfig, type DockerConfig } from './registry/docker-config.js';
export { parseRegistryAddress, type RegistryAddress } from './registry/registry-address.js';

// Git: commit and push from anywhere (no git executable), or through the GitHub API.
export { deliver, openTarget } from './git/lazy.js';
export type { DeliverOptions, DeliverResult, DeliveryMode, DeliveryTarget, OpenTargetOptions, PullRequestSettings } from './git/deliver-options.js';
export { chooseTransport, type GitTransport, type Workspace } from './git/workspace.js';
export type { EditFunction, EditResult, FileContent, GitAuthor, GitIo, ReadFile } from './git/types.js';

// Fleets in shards.
export { inShard, parseShard, repositoryKey, shardFromEnvironment, shardOfKey, type Shard } from './fleet/shard.js';
