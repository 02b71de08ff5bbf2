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
 *
 * The event means "run now" (an EventBridge Scheduler or rule event, a test invoke); only
 * a `shard` field (`{ "shard": "2/8" }`, a Step Functions Distributed Map item) is read, to
 * run that shard of a fleet config. Returns the engine's result; throws on failure so that Lambda's retries,
 * the dead-letter queue and the error alarm see it (see `scheduled-run.ts`).
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
import type { SecretFetcher } from './git-token.js';
import { scheduledRun, ScheduledRunError } from './scheduled-run.js';

export { ScheduledRunError } from './scheduled-run.js';
export type { SecretFetcher, SecretLocation } from './git-token.js';

/** The part of Lambda's context object the handler uses. */
export interface LambdaContext {
  getRemainingTimeInMillis(): number;
}

export type Handler = (event: unknown, context?: LambdaContext) => Promise<UpdateResult | FleetResult>;

export interface HandlerOptions {
  /** Replaces the AWS SDK secret lookup (tests, other secret stores). */
  fetchSecret?: SecretFetcher;
  /** Default `process.env`, read at each invocation. */
  env?: () => Readonly<Record<string, string | undefined>>;
  /** Default the directory of this file (`LAMBDA_TASK_ROOT` in Lambda). */
  baseDir?: string;
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
      ...(remaining !== undefined && { deadline: Date.now() + remaining - EXIT_RESERVE_MS }),
      dryRun: /^(1|true|yes)$/i.test(env.IMGSYNC_DRY_RUN ?? ''),
      // a Step Functions Distributed Map item ({ "shard": "2/8" }) runs that shard of a fleet
      ...(shardOfEvent(event) && { shard: shardOfEvent(event)! }),
    });
  };
}

function shardOfEvent(event: unknown): string | undefined {
  const shard = typeof event === 'object' && event !== null ? (event as { shard?: unknown }).shard : undefined;
  return typeof shard === 'string' ? shard : undefined;
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
  scheduledRun({
    env: process.env,
    baseDir: process.cwd(),
    signal: stop.signal,
    dryRun: /^(1|true|yes)$/i.test(process.env.IMGSYNC_DRY_RUN ?? ''),
  }).then(
    () => undefined,
    (error: unknown) => {
      if (!(error instanceof ScheduledRunError) || error.code === 'INTERNAL') console.error(error);
      process.exitCode = 1;
    },
  );
}
