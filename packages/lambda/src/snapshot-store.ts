/**
 * Where a fleet's tick snapshot is kept between the recording step and the shards (see the
 * SAM template's state machine): `s3://bucket/key` through the AWS SDK v3 S3 client that
 * the Lambda runtime provides (the bundle does not carry it), or what core reads and
 * writes itself (a file, an `https://` URL).
 */
import { readSnapshotSetFrom, RegistryError, writeSnapshotSetTo, parseSnapshotSet, type SnapshotSet } from '@imgsync/core';

export interface SnapshotStore {
  read(location: string, signal: AbortSignal): Promise<SnapshotSet>;
  write(location: string, text: string, signal: AbortSignal): Promise<void>;
}

/** Largest snapshot read from S3, as core's default for other locations. */
export const MAX_SNAPSHOT_BYTES = 64 * 1024 * 1024;

/** `s3://bucket/key` split; `undefined` for any other location. */
export function s3Location(location: string): { bucket: string; key: string } | undefined {
  const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/(.+)$/.exec(location);
  return match ? { bucket: match[1]!, key: match[2]! } : undefined;
}

interface S3Module {
  S3Client: new (config: object) => { send(command: object, options?: { abortSignal?: AbortSignal }): Promise<S3Output> };
  GetObjectCommand: new (input: { Bucket: string; Key: string }) => object;
  PutObjectCommand: new (input: { Bucket: string; Key: string; Body: string; ContentType: string }) => object;
}

interface S3Output {
  ContentLength?: number;
  Body?: { transformToString(encoding?: string): Promise<string> };
}

/**
 * The store: S3 for `s3://` locations (the client made with `s3Config`, by default the
 * runtime's region and role), core for the others.
 *
 * @example const set = await snapshotStore().read('s3://acme-imgsync/ticks/run-1.json', signal);
 */
export function snapshotStore(s3Config: object = {}): SnapshotStore {
  let client: Promise<{ module: S3Module; client: InstanceType<S3Module['S3Client']> }> | undefined;
  const s3 = () => {
    // a variable, so that the bundler leaves the import alone (it is external anyway)
    const name = '@aws-sdk/client-s3';
    client ??= (import(name) as Promise<S3Module & { default?: S3Module }>).then((loaded) => {
      // named exports, or a CommonJS module's exports as the default
      const module = loaded.S3Client ? loaded : loaded.default!;
      return { module, client: new module.S3Client(s3Config) };
    });
    return client;
  };
  return {
    async read(location, signal) {
      const where = s3Location(location);
      if (!where) return readSnapshotSetFrom(location, { signal });
      const { module, client: c } = await s3();
      const out = await c.send(new module.GetObjectCommand({ Bucket: where.bucket, Key: where.key }), { abortSignal: signal }).catch((error: unknown) => {
        throw new RegistryError(`reading the snapshot failed: ${(error as Error).name}: ${(error as Error).message}`, { registry: location });
      });
      if (out.ContentLength !== undefined && out.ContentLength > MAX_SNAPSHOT_BYTES) {
        throw new RegistryError(`the snapshot is ${out.ContentLength} bytes, over the ${MAX_SNAPSHOT_BYTES} byte limit`, { registry: location });
      }
      if (!out.Body) throw new RegistryError('reading the snapshot failed: the object has no body', { registry: location });
      return parseSnapshotSet(await out.Body.transformToString('utf-8'), location);
    },
    async write(location, text, signal) {
      const where = s3Location(location);
      if (!where) return writeSnapshotSetTo(location, text, { signal });
      const { module, client: c } = await s3();
      await c
        .send(new module.PutObjectCommand({ Bucket: where.bucket, Key: where.key, Body: text, ContentType: 'application/json' }), { abortSignal: signal })
        .catch((error: unknown) => {
          throw new RegistryError(`writing the snapshot failed: ${(error as Error).name}: ${(error as Error).message}`, { registry: location });
        });
    },
  };
}
