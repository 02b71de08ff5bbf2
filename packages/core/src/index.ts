/**
 * The public API of `@imgsync/core`. Everything not exported here is internal.
 */
export * from './errors.js';
export * from './yaml/index.js';
