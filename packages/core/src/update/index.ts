export { runUpdate } from './update.js';
export { DEFAULT_MAX_FILE_BYTES } from './types.js';
export type { FileResult, ProgressEvent, UpdateFileSystem, UpdateOptions, UpdateResult } from './types.js';
export { resolveSecrets } from './resolve-secrets.js';
