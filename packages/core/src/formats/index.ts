/**
 * The formats module's surface for its tests: every file it is made of (the format adapters, their facts and types).
 * What the package publishes is chosen name by name in `src/index.ts`.
 */
export * from './all-formats.js';
export * from './backendai/index.js';
export * from './helm-values/index.js';
export * from './image-refs/index.js';
export * from './kustomize/index.js';
export * from './markers/index.js';
export * from './markers/policy-stubs.js';
export * from './types.js';
