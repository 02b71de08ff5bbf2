/**
 * The AWS Lambda entry point, bundled into `dist/handler.mjs` (export `handler`).
 *
 * | environment | meaning |
 * | --- | --- |
 * | `IMGSYNC_CONFIG` / `IMGSYNC_CONFIG_FILE` | the config, inline or as a file next to the handler (see `config-source.ts`) |
 * | `IMGSYNC_GIT_TOKEN` | the git token, or: |
 * | `IMGSYNC_GIT_TOKEN_SECRET` | a Secrets Manager secret name/ARN, or `ssm:/name` (see `git-token.ts`) |
 * | `IMGSYNC_DEADLINE` | an earlier end than the function's timeout: a duration (`4m`) or an RFC 3339 time |
 * | `IMGSYNC_MIN_REMAINING_MS` | start no registry request with less time left (default 10 000) |
 * | `IMGSYNC_DRY_RUN` | `true`: compute and log the changes, push nothing |
 * | `IMGSYNC_SNAPSHOT` | the tick's recorded registry state to answer from: `s3://bucket/key`, an `https://` URL or a file |
 * | `IMGSYNC_RECORD` | run as a program only: record the tick there instead of running (a CronJob before the shards) |
 *
 * The event means "run now" (an EventBridge Scheduler or rule event, a test invoke). Three
 * fields are read, for a fleet on Step Functions (`deploy/template.yaml`):
 * - `{ "record": "s3://bucket/key", "shards": 4 }`: the recording step. Records what a
 *   check of the whole config asks the registries, writes it there, and returns the
 *   Distributed Map's items, `[{ "shard": "0/4", "snapshot": "s3://bucket/key" }, …]`;
 * - `{ "shard": "2/8", "snapshot": "s3://…" }`: a Map item, one shard of the fleet answered
 *   from the recorded state (`snapshot` optional).
 * Returns the engine's result; throws on failure so that Lambda's retries, the dead-letter
 * queue and the error alarm see it (see `scheduled-run.ts`).
 *
 * Deadline: the run ends {@link EXIT_RESERVE_MS} before the function's timeout
 * (`getRemainingTimeInMillis`), so that a run cut short still removes its clone, logs its
 * summary and what it left undone, and throws, instead of being killed mid-way.
 *
 * Warm starts: nothing is kept between invocations but the content-addressed manifest
 * cache in `/tmp`. The config and the token are read again, and clone directories that an
 * earlier invocation left behind (one killed by its timeout) are removed first.
 *
 * Run as a program (`node handler.mjs`), the same file does one run and exits 0 or 1:
 * the Kubernetes CronJob and plain cron use that.
 *
 * @example
 * // a test invoke, as the Lambda console does it
 * await handler({}, { getRemainingTimeInMillis: () => 300_000 });
 */
import { realpathSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FleetResult, UpdateResult } from '@imgsync/core';
import { ConfigError } from '@imgsync/core';
import type { SecretFetcher } from './git-token.js';
import { scheduledRun, ScheduledRunError, type RecordedTick } from './scheduled-run.js';
import type { SnapshotStore } from './snapshot-store.js';

export { ScheduledRunError, type RecordedTick } from './scheduled-run.js';
export { snapshotStore, type SnapshotStore } from './snapshot-store.js';
export type { SecretFetcher, SecretLocation } from './git-token.js';

/** The part of Lambda's context object the handler uses. */
export interface LambdaContext {
  getRemainingTimeInMillis(): number;
}

export type Handler = (event: unknown, context?: LambdaContext) => Promise<UpdateResult | FleetResult | RecordedTick>;

export interface HandlerOptions {
  /** Replaces the AWS SDK secret lookup (tests, other secret stores). */
  fetchSecret?: SecretFetcher;
  /** Default `process.env`, read at each invocation. */
  env?: () => Readonly<Record<string, string | undefined>>;
  /** Default the directory of this file (`LAMBDA_TASK_ROOT` in Lambda). */
  baseDir?: string;
  /** Replaces the snapshot store (S3 through the runtime's SDK, else core). */
  snapshotStore?: SnapshotStore;
}

const here = dirname(fileURLToPath(import.meta.url));

/** Time kept after the run's deadline for cleaning up and logging, before Lambda's own timeout. */
export const EXIT_RESERVE_MS = 1_000;

function isMain(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

/** A handler with its dependencies replaced; `handler` is `createHandler()`. */
export function createHandler(options: HandlerOptions = {}): Handler {
  return async (event, context) => {
    const remaining = context?.getRemainingTimeInMillis?.();
    const env = options.env?.() ?? process.env;
    const tmpDir = tmpdir();
    await removeStaleClones(tmpDir);
    return scheduledRun({
      env,
      baseDir: options.baseDir ?? here,
      tmpDir,
      ...(options.fetchSecret && { fetchSecret: options.fetchSecret }),
      ...(options.snapshotStore && { snapshotStore: options.snapshotStore }),
      ...(remaining !== undefined && { deadline: Date.now() + remaining - EXIT_RESERVE_MS }),
      dryRun: /^(1|true|yes)$/i.test(env.IMGSYNC_DRY_RUN ?? ''),
      ...fieldsOf(event),
    });
  };
}

/**
 * The fields a Step Functions state passes: `record` (and `shards`) for the recording step,
 * `shard` and `snapshot` for a Distributed Map item. Any other event (a schedule's) is "run
 * now"; a known field of the wrong type is refused, not ignored.
 */
function fieldsOf(event: unknown): { shard?: string; snapshot?: string; record?: { location: string; shards?: number } } {
  if (typeof event !== 'object' || event === null) return {};
  const { shard, snapshot, record, shards } = event as Record<string, unknown>;
  const text = (name: string, value: unknown) => {
    if (value !== undefined && typeof value !== 'string') throw new ConfigError(`event.${name} must be a string, got ${JSON.stringify(value)}`);
    return value;
  };
  if (shards !== undefined && (typeof shards !== 'number' || record === undefined)) throw new ConfigError('event.shards must be a number, beside event.record');
  const fields = { shard: text('shard', shard), snapshot: text('snapshot', snapshot), record: text('record', record) };
  if (fields.record !== undefined && (fields.shard !== undefined || fields.snapshot !== undefined)) {
    throw new ConfigError('event.record is the recording step: it takes no shard or snapshot');
  }
  return {
    ...(fields.shard !== undefined && { shard: fields.shard }),
    ...(fields.snapshot !== undefined && { snapshot: fields.snapshot }),
    ...(fields.record !== undefined && { record: { location: fields.record, ...(typeof shards === 'number' && { shards }) } }),
  };
}

export const handler: Handler = createHandler();

/**
 * Clone directories are `imgsync-<uuid>` (core's git layer) and removed by the run that
 * made them; one killed by the Lambda timeout leaves its clone in `/tmp`, which survives
 * into the next warm invocation. One invocation runs at a time per execution
 * environment, so any that exist at the start are left over.
 */
async function removeStaleClones(tmpDir: string): Promise<void> {
  const names = await readdir(tmpDir).catch(() => [] as string[]);
  const clone = /^imgsync-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
  // Best effort: a directory this user cannot remove is not worth failing the run for.
  await Promise.all(names.filter((n) => clone.test(n)).map((n) => rm(join(tmpDir, n), { recursive: true, force: true }).catch(() => {})));
}

// `node handler.mjs`: one run, exit code 0 (done) or 1 (failed; the log says why).
// Compared by real path: a Kubernetes ConfigMap mounts the file through symlinks, and
// Node's import.meta.url names the target.
// SIGTERM (a pod's deletion, the Job's activeDeadlineSeconds) stops the run as a passed
// deadline would: clone removed, summary logged; a second signal ends the process at once.
if (isMain()) {
  const stop = new AbortController();
  for (const name of ['SIGTERM', 'SIGINT'] as const) {
    process.once(name, () => {
      stop.abort(new Error(name));
      process.once(name, () => process.exit(name === 'SIGINT' ? 130 : 143));
    });
  }
  const record = process.env.IMGSYNC_RECORD?.trim();
  scheduledRun({
    env: process.env,
    baseDir: process.cwd(),
    signal: stop.signal,
    dryRun: /^(1|true|yes)$/i.test(process.env.IMGSYNC_DRY_RUN ?? ''),
    // a CronJob recording the tick for the shards that run after it (deploy/kubernetes/fleet-indexed-job.yaml)
    ...(record && { record: { location: record } }),
  }).then(
    () => undefined,
    (error: unknown) => {
      if (!(error instanceof ScheduledRunError) || error.code === 'INTERNAL') console.error(error);
      process.exitCode = 1;
    },
  );
}
