/**
 * The git operations, loaded on first use. isomorphic-git is most of what importing
 * `@imgsync/core` used to cost (122 ms of 265 ms, and most of the files), yet only a run
 * with a `git:` section (or `--push`) needs it: through these wrappers, `imgsync --version`
 * and a run that edits the working tree load no git code at all, and the first git
 * operation of a run loads it once. Each wrapper has the signature of the function it
 * stands for.
 */
import type * as Operations from './operations.js';

let loading: Promise<typeof Operations> | undefined;
const operations = () => (loading ??= import('./operations.js'));

/** See `deliver.ts`. @example await deliver({ target: { url }, token, author, edit }) */
export async function deliver(...args: Parameters<typeof Operations.deliver>): ReturnType<typeof Operations.deliver> {
  return (await operations()).deliver(...args);
}

/** See `deliver.ts`. @example const checkout = await openTarget({ target: { url }, token }) */
export async function openTarget(...args: Parameters<typeof Operations.openTarget>): ReturnType<typeof Operations.openTarget> {
  return (await operations()).openTarget(...args);
}

/** See `clone.ts`. @example const checkout = await cloneShallow({ url, token }) */
export async function cloneShallow(...args: Parameters<typeof Operations.cloneShallow>): ReturnType<typeof Operations.cloneShallow> {
  return (await operations()).cloneShallow(...args);
}

/** See `open-checkout.ts`. @example const checkout = await openCheckout({ dir: '.', token }) */
export async function openCheckout(...args: Parameters<typeof Operations.openCheckout>): ReturnType<typeof Operations.openCheckout> {
  return (await operations()).openCheckout(...args);
}

/** See `commit.ts`. @example await commitFiles({ fs, dir, files, author, message }) */
export async function commitFiles(...args: Parameters<typeof Operations.commitFiles>): ReturnType<typeof Operations.commitFiles> {
  return (await operations()).commitFiles(...args);
}
