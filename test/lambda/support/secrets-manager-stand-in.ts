/**
 * A stand-in for AWS Secrets Manager's `GetSecretValue` on 127.0.0.1, speaking its JSON
 * 1.1 protocol (`POST /`, `X-Amz-Target: secretsmanager.GetSecretValue`, body
 * `{"SecretId": ...}`; answer `{"ARN","Name","SecretString","VersionId"}` or a 400 with
 * `{"__type":"ResourceNotFoundException","message":...}`). It checks no signature: it
 * stands in for the service's answers, not for IAM.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SecretsManagerStandIn {
  endpoint: string;
  /** SecretIds asked for, in order. */
  requests: string[];
  stop(): Promise<void>;
}

export async function startSecretsManagerStandIn(secrets: Record<string, string>): Promise<SecretsManagerStandIn> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const answer = (status: number, data: unknown) => {
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify(data));
      };
      if (req.method !== 'POST' || req.headers['x-amz-target'] !== 'secretsmanager.GetSecretValue') {
        return answer(400, { __type: 'UnknownOperationException', message: 'only GetSecretValue is served' });
      }
      let id: unknown;
      try {
        id = (JSON.parse(body) as { SecretId?: unknown }).SecretId;
      } catch {
        return answer(400, { __type: 'SerializationException', message: 'body is not JSON' });
      }
      if (typeof id !== 'string') return answer(400, { __type: 'ValidationException', message: 'SecretId is required' });
      requests.push(id);
      const value = secrets[id];
      if (value === undefined) {
        return answer(400, { __type: 'ResourceNotFoundException', message: "Secrets Manager can't find the specified secret." });
      }
      answer(200, {
        ARN: `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${id}-AbCdEf`,
        Name: id,
        SecretString: value,
        VersionId: '00000000-0000-4000-8000-000000000001',
        VersionStages: ['AWSCURRENT'],
        CreatedDate: 1_700_000_000,
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}/`,
    requests,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
