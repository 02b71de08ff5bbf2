/** The format adapters' public surface, re-exported by the package's `index.ts`. */
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
} from './types.js';
export { backendAiFormat } from './backendai/index.js';
export { helmValuesFormat } from './helm-values/index.js';
export { imageRefsFormat } from './image-refs/index.js';
export { kustomizeFormat } from './kustomize/index.js';
export { markersFormat } from './markers/index.js';
export { markerPolicyStubs, type MarkerPolicyStub } from './markers/policy-stubs.js';
export { detectFormat, findFormat, formatAdapter, formatAdapters, FORMAT_NAMES, FORMATS, noImagesReason, type FormatName } from './all-formats.js';
