/**
 * The registry module's surface for its tests: every file it is made of (the registry clients, snapshots, caches, credentials and their types).
 * What the package publishes is chosen name by name in `src/index.ts`.
 */
export * from './body-limits.js';
export * from './credential-helper.js';
export * from './docker-config.js';
export * from './keep-alive.js';
export * from './manifest-cache.js';
export * from './manifest.js';
export * from './registry-address.js';
export * from './registry-client.js';
export * from './retry.js';
export * from './snapshot-layers.js';
export * from './snapshot-location.js';
export * from './snapshot.js';
export * from './types.js';
