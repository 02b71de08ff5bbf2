// Plays the Lambda Node.js runtime for the tests: imports the bundled handler from
// RUNNER_HANDLER (a directory holding only handler.mjs), then, for each JSON line on
// stdin, invokes it once in this same process (so the second line is a warm start) with
// an EventBridge-shaped event and a context whose getRemainingTimeInMillis counts down.
// Each outcome is one line on stdout starting with "@@runner ".
//
// Line fields: { remainingMs?: number, env?: { NAME: value | null } }.
// With RUNNER_SECRETS_ENDPOINT set, the handler's secret fetcher is a client of the
// local Secrets Manager stand-in (GetSecretValue, JSON 1.1 protocol). With
// RUNNER_S3_ENDPOINT set, the handler's snapshot store is its own (the AWS SDK's S3 client,
// which the sandbox provides as the runtime does) pointed at the local S3 stand-in.
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';

const module = await import(pathToFileURL(process.env.RUNNER_HANDLER).href);
const endpoint = process.env.RUNNER_SECRETS_ENDPOINT;

async function getSecretValue({ service, name }) {
  if (service !== 'secretsmanager') throw new Error(`the stand-in serves Secrets Manager only, not ${service}`);
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'secretsmanager.GetSecretValue' },
    body: JSON.stringify({ SecretId: name }),
    signal: AbortSignal.timeout(5_000),
  });
  const body = await response.json();
  if (!response.ok) {
    const error = new Error(body.message ?? body.Message ?? `HTTP ${response.status}`);
    error.name = String(body.__type ?? 'Error')
      .split('#')
      .pop();
    throw error;
  }
  return body.SecretString;
}

const s3 = process.env.RUNNER_S3_ENDPOINT;
const handler =
  endpoint || s3
    ? module.createHandler({
        ...(endpoint && { fetchSecret: getSecretValue }),
        ...(s3 && {
          snapshotStore: module.snapshotStore({
            endpoint: s3,
            forcePathStyle: true,
            region: 'eu-west-1',
            credentials: { accessKeyId: 'AKIASTANDIN000000000', secretAccessKey: 'stand-in-secret-key' },
          }),
        }),
      })
    : module.handler;
let invocation = 0;

for await (const line of createInterface({ input: process.stdin })) {
  if (!line.trim()) continue;
  const request = JSON.parse(line);
  for (const [name, value] of Object.entries(request.env ?? {})) {
    if (value === null) delete process.env[name];
    else process.env[name] = value;
  }
  invocation++;
  const deadline = Date.now() + (request.remainingMs ?? 300_000);
  const event = {
    version: '0',
    id: `00000000-0000-4000-8000-00000000000${invocation}`,
    'detail-type': 'Scheduled Event',
    source: 'aws.scheduler',
    account: '123456789012',
    time: new Date().toISOString(),
    region: 'eu-west-1',
    resources: ['arn:aws:scheduler:eu-west-1:123456789012:schedule/default/imgsync'],
    detail: '{}',
    // a Step Functions Distributed Map item carries its own fields (a fleet's shard)
    ...request.event,
  };
  const context = {
    functionName: 'imgsync',
    awsRequestId: `request-${invocation}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
  let outcome;
  try {
    outcome = { ok: true, result: await handler(event, context) };
  } catch (error) {
    outcome = { ok: false, name: error.name, code: error.code, message: error.message };
  }
  process.stdout.write(`@@runner ${JSON.stringify(outcome)}\n`);
}
