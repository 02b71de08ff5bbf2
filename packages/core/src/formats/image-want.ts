/**
 * Turning what a file names into an {@link ImageWant}, normalised so that `nginx`,
 * `library/nginx` and `docker.io/library/nginx` ask the registry once.
 */
import { type ImageRef, normalizedName, parseImageRef } from '../image-ref/parse.js';
import type { RepositoryName } from '../policy/ignore-rules.js';
import type { ImageWant, TargetOptions } from './types.js';

/**
 * The want of a parsed reference: its normalised registry and repository path.
 *
 * @example
 * wantOf(parseImageRef('nginx:1.25')!) // { registry: 'docker.io', repository: 'library/nginx' }
 */
export function wantOf(ref: ImageRef): ImageWant {
  return { registry: ref.domain, repository: ref.path };
}

/**
 * The want of a repository written without tag (`ghcr.io/x/y`, `lablup/kernel-python`);
 * `undefined` when it is not a repository name.
 */
export function wantOfRepository(text: string): { want: ImageWant; ref: ImageRef } | undefined {
  const ref = parseImageRef(text);
  if (!ref || ref.tag !== undefined || ref.digest !== undefined) return undefined;
  return { want: wantOf(ref), ref };
}

/**
 * The want of a repository named by a Backend.AI repository template (configuration):
 * without a registry written in it, the want names none, and the engine
 * asks the target's `registry` (which may be a mirror or a local registry), as written —
 * no `library/` prefix, which only Docker Hub uses.
 *
 * @example
 * wantOfConfiguredRepository('lablup/kernel-python') // { want: { repository: 'lablup/kernel-python' }, … }
 * wantOfConfiguredRepository('ghcr.io/x/y')          // { want: { registry: 'ghcr.io', repository: 'x/y' }, … }
 */
export function wantOfConfiguredRepository(text: string): { want: ImageWant; ref: ImageRef } | undefined {
  const parsed = wantOfRepository(text);
  if (!parsed || parsed.ref.registry) return parsed;
  return { want: { repository: text }, ref: parsed.ref };
}

/** `registry/repository`, the identity of a want. */
export function wantKey(want: ImageWant): string {
  return want.registry ? `${want.registry}/${want.repository}` : want.repository;
}

/** Wants without duplicates, first occurrence first. */
export function uniqueWants(wants: Iterable<ImageWant>): ImageWant[] {
  const seen = new Map<string, ImageWant>();
  for (const want of wants) if (!seen.has(wantKey(want))) seen.set(wantKey(want), want);
  return [...seen.values()];
}

export { normalizedName };

/**
 * The name a want goes by for the target's `ignore:` rules. A want without a registry
 * (a Backend.AI template) is named as on Docker Hub.
 */
export function repositoryName(want: ImageWant): RepositoryName {
  return { domain: want.registry ?? 'docker.io', path: want.repository };
}

/** Whether the target's `ignore:` list names one of `wants` without a range (leave it alone). */
export function ignoredRepository(target: Pick<TargetOptions, 'ignore'>, wants: readonly ImageWant[]): boolean {
  return target.ignore?.ignoresRepository(wants.map(repositoryName)) ?? false;
}
