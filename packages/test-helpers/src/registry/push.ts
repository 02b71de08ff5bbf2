/**
 * Pushes small but real images to a registry over the distribution API, as `docker push`
 * does: each blob by `POST /v2/<name>/blobs/uploads/` then a monolithic `PUT ?digest=`,
 * then the manifest by `PUT /v2/<name>/manifests/<tag>`. Images differ by a `seed`, so
 * re-pushing a tag with another seed moves its digest.
 */
import { createHash } from 'node:crypto';

export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';

export interface PushTarget {
  url: string;
  /** Authorization header for a repository with push rights (undefined: anonymous). */
  authorization?: (repository: string) => Promise<string | undefined>;
}

export interface PushedImage {
  manifestDigest: string;
  configDigest: string;
  mediaType: string;
}

export interface PushedIndex {
  manifestDigest: string;
  platforms: Array<{ os: string; architecture: string; variant?: string; manifestDigest: string; configDigest: string }>;
}

export function sha256(data: Uint8Array | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

async function headers(target: PushTarget, repository: string, extra: Record<string, string> = {}): Promise<Record<string, string>> {
  const authorization = await target.authorization?.(repository);
  return { ...extra, ...(authorization ? { authorization } : {}) };
}

async function pushBlob(target: PushTarget, repository: string, content: Uint8Array): Promise<string> {
  const digest = sha256(content);
  const start = await fetch(`${target.url}/v2/${repository}/blobs/uploads/`, {
    method: 'POST',
    headers: await headers(target, repository),
  });
  await start.arrayBuffer();
  if (start.status !== 202) throw new Error(`blob upload start for ${repository}: HTTP ${start.status}`);
  const location = new URL(start.headers.get('location') ?? '', target.url);
  location.searchParams.set('digest', digest);
  const put = await fetch(location, {
    method: 'PUT',
    headers: await headers(target, repository, { 'content-type': 'application/octet-stream' }),
    body: content,
  });
  await put.arrayBuffer();
  if (put.status !== 201) throw new Error(`blob upload for ${repository}: HTTP ${put.status}`);
  return digest;
}

async function pushManifest(target: PushTarget, repository: string, reference: string, mediaType: string, body: string): Promise<string> {
  const response = await fetch(`${target.url}/v2/${repository}/manifests/${reference}`, {
    method: 'PUT',
    headers: await headers(target, repository, { 'content-type': mediaType }),
    body,
  });
  const text = await response.text();
  if (response.status !== 201) throw new Error(`manifest PUT ${repository}:${reference}: HTTP ${response.status} ${text}`);
  return sha256(body);
}

/**
 * Pushes a single-platform image and tags it. `mediaType` chooses OCI (default) or
 * Docker v2 schema 2. With `tag` undefined the manifest is pushed by digest only (for
 * index children).
 */
export async function pushImage(
  target: PushTarget,
  repository: string,
  tag: string | undefined,
  options: { seed: string; os?: string; architecture?: string; variant?: string; mediaType?: string } = { seed: 'x' },
): Promise<PushedImage> {
  const os = options.os ?? 'linux';
  const architecture = options.architecture ?? 'amd64';
  const layer = new TextEncoder().encode(`layer of ${repository} ${options.seed} ${os}/${architecture}`);
  const layerDigest = await pushBlob(target, repository, layer);
  const config = JSON.stringify({
    architecture,
    os,
    ...(options.variant ? { variant: options.variant } : {}),
    config: { Labels: { seed: options.seed } },
    rootfs: { type: 'layers', diff_ids: [sha256(layer)] },
  });
  const configBytes = new TextEncoder().encode(config);
  const configDigest = await pushBlob(target, repository, configBytes);
  const docker = options.mediaType === DOCKER_MANIFEST;
  const mediaType = docker ? DOCKER_MANIFEST : OCI_MANIFEST;
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType,
    config: {
      mediaType: docker ? 'application/vnd.docker.container.image.v1+json' : 'application/vnd.oci.image.config.v1+json',
      digest: configDigest,
      size: configBytes.byteLength,
    },
    layers: [
      {
        mediaType: docker ? 'application/vnd.docker.image.rootfs.diff.tar.gzip' : 'application/vnd.oci.image.layer.v1.tar+gzip',
        digest: layerDigest,
        size: layer.byteLength,
      },
    ],
  });
  const manifestDigest = await pushManifest(target, repository, tag ?? sha256(manifest), mediaType, manifest);
  return { manifestDigest, configDigest, mediaType };
}

/** Pushes one image per platform and an OCI index over them, tagged `tag`. */
export async function pushIndex(
  target: PushTarget,
  repository: string,
  tag: string,
  options: { seed: string; platforms: Array<{ os: string; architecture: string; variant?: string }>; attestation?: boolean },
): Promise<PushedIndex> {
  const platforms: PushedIndex['platforms'] = [];
  const entries: unknown[] = [];
  for (const platform of options.platforms) {
    const image = await pushImage(target, repository, undefined, { seed: options.seed, ...platform });
    platforms.push({ ...platform, manifestDigest: image.manifestDigest, configDigest: image.configDigest });
    entries.push({ mediaType: OCI_MANIFEST, digest: image.manifestDigest, size: 0, platform });
  }
  if (options.attestation) {
    // BuildKit's provenance entry: not a platform, must be left out by the client.
    const attestation = await pushImage(target, repository, undefined, { seed: `${options.seed}-attestation`, os: 'unknown', architecture: 'unknown' });
    entries.push({
      mediaType: OCI_MANIFEST,
      digest: attestation.manifestDigest,
      size: 0,
      platform: { os: 'unknown', architecture: 'unknown' },
      annotations: { 'vnd.docker.reference.type': 'attestation-manifest', 'vnd.docker.reference.digest': platforms[0]?.manifestDigest },
    });
  }
  // Sizes must be right: the registry checks descriptors of index children.
  const sized = await Promise.all(
    entries.map(async (entry) => {
      const e = entry as { digest: string };
      const response = await fetch(`${target.url}/v2/${repository}/manifests/${e.digest}`, {
        method: 'HEAD',
        headers: await headers(target, repository, { accept: OCI_MANIFEST }),
      });
      return { ...e, size: Number(response.headers.get('content-length')) };
    }),
  );
  const index = JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: sized });
  const manifestDigest = await pushManifest(target, repository, tag, OCI_INDEX, index);
  return { manifestDigest, platforms };
}
