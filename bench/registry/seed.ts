/**
 * Fills the real local registry with the benchmark's images quickly: per repository one
 * layer blob, and per tag its own config blob (so every tag has its own image id) and
 * manifest, pushed over the distribution API as `docker push` does. A Backend.AI file
 * listing exactly those tags with their image ids is then "no drift".
 */
import { createHash } from 'node:crypto';

export interface SeededTag {
  tag: string;
  manifestDigest: string;
  configDigest: string;
}

const sha256 = (data: Uint8Array | string) => `sha256:${createHash('sha256').update(data).digest('hex')}`;

async function pushBlob(url: string, repository: string, content: Uint8Array): Promise<string> {
  const digest = sha256(content);
  const start = await fetch(`${url}/v2/${repository}/blobs/uploads/`, { method: 'POST' });
  await start.arrayBuffer();
  if (start.status !== 202) throw new Error(`blob upload start for ${repository}: HTTP ${start.status}`);
  const location = new URL(start.headers.get('location') ?? '', url);
  location.searchParams.set('digest', digest);
  const put = await fetch(location, { method: 'PUT', headers: { 'content-type': 'application/octet-stream' }, body: content });
  await put.arrayBuffer();
  if (put.status !== 201) throw new Error(`blob upload for ${repository}: HTTP ${put.status}`);
  return digest;
}

/** Pushes `tags` images into `repository`; returns their digests. */
export async function seedRepository(url: string, repository: string, tags: readonly string[]): Promise<SeededTag[]> {
  const layer = new TextEncoder().encode(`layer of ${repository}`);
  const layerDigest = await pushBlob(url, repository, layer);
  const seeded: SeededTag[] = [];
  for (const tag of tags) {
    const config = new TextEncoder().encode(
      JSON.stringify({
        architecture: 'amd64',
        os: 'linux',
        config: { Labels: { tag: `${repository}:${tag}` } },
        rootfs: { type: 'layers', diff_ids: [sha256(layer)] },
      }),
    );
    const configDigest = await pushBlob(url, repository, config);
    const manifest = JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: config.byteLength },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: layerDigest, size: layer.byteLength }],
    });
    const response = await fetch(`${url}/v2/${repository}/manifests/${tag}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' },
      body: manifest,
    });
    await response.arrayBuffer();
    if (response.status !== 201) throw new Error(`manifest PUT ${repository}:${tag}: HTTP ${response.status}`);
    seeded.push({ tag, manifestDigest: sha256(manifest), configDigest });
  }
  return seeded;
}

/** Runs `work` over `items`, `concurrency` at a time. */
export async function eachLimited<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}
