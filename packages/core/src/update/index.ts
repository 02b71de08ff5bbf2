export { runUpdate } from './update.js';
export { runFleet, type FleetOptions, type FleetRepositoryResult, type FleetResult } from './fleet.js';
export { DEFAULT_MAX_FILE_BYTES } from './types.js';
export type { FileResult, ProgressEvent, UpdateFileSystem, UpdateOptions, UpdateResult } from './types.js';
export { resolveSecrets } from './resolve-secrets.js';
export { recordTick, type TickRecording } from './record-tick.js';
