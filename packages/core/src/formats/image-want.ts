/**
 * Turning what a file names into an {@link ImageWant}: the registry it names, normalised
 * (`docker.io/library/nginx`, `index.docker.io/nginx` and `docker.io/nginx` are one want),
 * or none. A reference that names no registry (`nginx`, `bitnami/redis`,
 * `lablup/kernel-python`) gives a want without one, for the repository as written: the
 * engine asks the target's `registry` (docker.io unless the target says otherwise, and then
 * `nginx` is `library/nginx` as Docker reads it).
 */
import { type ImageRef, normalizedName, parseImageRef } from '../image-ref/parse.js';
import type { RepositoryName } from '../policy/ignore-rules.js';
import type { ImageWant, TargetOptions } from './types.js';

/**
 * The want of a parsed reference.
 *
 * @example
 * wantOf(parseImageRef('ghcr.io/stefanprodan/podinfo:6.14.1')!) // { registry: 'ghcr.io', repository: 'stefanprodan/podinfo' }
 * wantOf(parseImageRef('docker.io/nginx:1.25')!)                // { registry: 'docker.io', repository: 'library/nginx' }
 * wantOf(parseImageRef('nginx:1.25')!)                          // { repository: 'nginx' }: the target's registry
 */
export function wantOf(ref: ImageRef): ImageWant {
  return ref.registry === undefined ? { repository: ref.repository } : { registry: ref.domain, repository: ref.path };
}

/**
 * The want of a repository written without tag (`ghcr.io/x/y`, `lablup/kernel-python`, a
 * Backend.AI repository template filled in); `undefined` when it is not a repository name.
 *
 * @example
 * wantOfRepository('lablup/kernel-python')?.want // { repository: 'lablup/kernel-python' }
 * wantOfRepository('ghcr.io/x/y')?.want          // { registry: 'ghcr.io', repository: 'x/y' }
 */
export function wantOfRepository(text: string): { want: ImageWant; ref: ImageRef } | undefined {
  const ref = parseImageRef(text);
  if (!ref || ref.tag !== undefined || ref.digest !== undefined) return undefined;
  return { want: wantOf(ref), ref };
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
 * (`kibana`, `bitnami/redis`, a Backend.AI template) is named as Docker reads it, on
 * Docker Hub: `kibana` is `docker.io/library/kibana`, so that the rules written for Docker
 * Hub names (`docker.io/library/kib*`, `library/*`, `kibana`) all take it.
 *
 * @example
 * repositoryName({ repository: 'kibana' })                                // { domain: 'docker.io', path: 'library/kibana' }
 * repositoryName({ registry: 'ghcr.io', repository: 'stefanprodan/podinfo' }) // { domain: 'ghcr.io', path: 'stefanprodan/podinfo' }
 */
export function repositoryName(want: ImageWant): RepositoryName {
  if (want.registry !== undefined) return { domain: want.registry, path: want.repository };
  return { domain: 'docker.io', path: want.repository.includes('/') ? want.repository : `library/${want.repository}` };
}

/** Whether the target's `ignore:` list names one of `wants` without a range (leave it alone). */
export function ignoredRepository(target: Pick<TargetOptions, 'ignore'>, wants: readonly ImageWant[]): boolean {
  return target.ignore?.ignoresRepository(wants.map(repositoryName)) ?? false;
}
