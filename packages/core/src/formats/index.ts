/** The format adapters' public surface, re-exported by the package's `index.ts`. */
export type {
  Change,
  ChangeKind,
  FormatAdapter,
  FormatName,
  ImageWant,
  MarkerPolicy,
  PruneMode,
  RepositoryState,
  StateLookup,
  TagState,
  TargetOptions,
} from './types.js';
export { backendAiFormat } from './backendai/index.js';
export { detectFormat, formatAdapter, formatAdapters } from './registry-of-formats.js';
