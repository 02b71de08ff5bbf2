export { runUpdate } from './update.js';
export type { FileResult, ProgressEvent, UpdateFileSystem, UpdateOptions, UpdateResult } from './types.js';
export { resolveSecrets } from './resolve-secrets.js';
