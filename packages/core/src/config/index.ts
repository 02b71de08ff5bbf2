/**
 * The config module's surface for its tests: every file it is made of (loading, finding and checking configs, their shape and types).
 * What the package publishes is chosen name by name in `src/index.ts`.
 */
export * from './config-keys.js';
export * from './env-refs.js';
export * from './find-config.js';
export * from './load-config.js';
export * from './normalise.js';
export * from './rules/index.js';
export * from './shape/config-shape.js';
export * from './shape/git.js';
export * from './shape/json-schema.js';
export * from './source-locations.js';
export * from './types.js';
export * from './validate.js';
