/**
 * The public API of `@imgsync/core`. Everything not exported here is internal.
 */
export * from './errors.js';
export { abortableSleep, Deadline, parseDeadline, parseDuration, type DeadlineOptions } from './deadline.js';
export * from './yaml/index.js';
export * from './git/index.js';
export * from './registry/index.js';
export {
  isImageId12,
  isValidDigest,
  isValidRepository,
  isValidTag,
  matchesImageId12,
  toImageId12,
  type DigestAlgorithm,
  type DigestCheckOptions,
} from './image-ref/grammar.js';
export * from './policy/version-order.js';
export * from './policy/tag-semver.js';
export * from './policy/tag-policy.js';
export * from './policy/digest-form.js';
export * from './image-ref/parse.js';
export * from './config/index.js';
export {
  backendAiFormat,
  helmValuesFormat,
  imageRefsFormat,
  kustomizeFormat,
  markersFormat,
  markerPolicyStubs,
  detectFormat,
  findFormat,
  noImagesReason,
  formatAdapter,
  formatAdapters,
  FORMAT_NAMES,
  FORMATS,
  type Change,
  type ChangeKind,
  type DiscoverMode,
  type FormatAdapter,
  type FormatFacts,
  type FormatName,
  type ImageWant,
  type MarkerPolicy,
  type MarkerPolicyStub,
  type PruneMode,
  type RepositoryState,
  type StateLookup,
  type TagState,
  type TargetOptions,
} from './formats/index.js';
export * from './update/index.js';
export { inShard, parseShard, repositoryKey, shardFromEnvironment, shardOfKey, type Shard } from './fleet/shard.js';
