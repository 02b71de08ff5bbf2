/**
 * The git operations that run isomorphic-git, gathered for {@link ./lazy.ts}, which loads
 * this module (and with it isomorphic-git) on the first call only.
 */
export { deliver, openTarget } from './deliver.js';
export { cloneShallow } from './clone.js';
export { openCheckout } from './open-checkout.js';
export { commitFiles } from './commit.js';
