/**
 * A stand-in for Amazon S3's `PutObject` and `GetObject` on 127.0.0.1, path-style
 * (`PUT /bucket/key`, `GET /bucket/key`), answering as the S3 REST API does: 200 with the
 * object and its `content-length`, or an XML `<Error><Code>NoSuchKey</Code>…` (404) /
 * `NoSuchBucket` (404). It checks no signature: it stands in for the service's answers, not
 * for IAM. A body sent with `aws-chunked` content encoding (the SDK's streaming checksums)
 * is decoded.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface S3StandIn {
  endpoint: string;
  objects: Map<string, Buffer>;
  /** `PUT bucket/key` and `GET bucket/key`, in order. */
  requests: string[];
  stop(): Promise<void>;
}

function decodeChunked(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (let guard = 0; guard < 100_000 && at < body.length; guard++) {
    const eol = body.indexOf('\r\n', at);
    if (eol < 0) break;
    const size = parseInt(body.subarray(at, eol).toString().split(';')[0]!, 16);
    if (!Number.isFinite(size) || size === 0) break;
    parts.push(body.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

export async function startS3StandIn(buckets: string[]): Promise<S3StandIn> {
  const objects = new Map<string, Buffer>();
  const requests: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname).slice(1);
      const bucket = path.split('/')[0]!;
      const error = (status: number, code: string, message: string) => {
        res.writeHead(status, { 'content-type': 'application/xml' });
        res.end(
          `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><Resource>/${path}</Resource><RequestId>STANDIN</RequestId></Error>`,
        );
      };
      requests.push(`${req.method} ${path}`);
      if (!buckets.includes(bucket)) return error(404, 'NoSuchBucket', 'The specified bucket does not exist');
      if (req.method === 'PUT') {
        const body = Buffer.concat(chunks);
        const chunked = String(req.headers['content-encoding'] ?? '').includes('aws-chunked');
        objects.set(path, chunked ? decodeChunked(body) : body);
        res.writeHead(200, { etag: '"standin"' });
        return res.end();
      }
      if (req.method === 'GET') {
        const object = objects.get(path);
        if (!object) return error(404, 'NoSuchKey', 'The specified key does not exist.');
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(object.length), etag: '"standin"' });
        return res.end(object);
      }
      error(405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    objects,
    requests,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
