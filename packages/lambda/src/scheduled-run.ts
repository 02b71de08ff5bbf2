/**
 * One scheduled run, shared by the Lambda handler, the `node handler.mjs` one-shot mode
 * (Kubernetes CronJob, any cron) and the GitHub Action: environment in, config and token
 * resolved, engine run, result logged, a {@link ScheduledRunError} thrown on failure.
 *
 * What counts as failure (the caller's retries and alarms see it):
 * - a config, registry or git error (thrown by core, re-thrown here after logging);
 * - a partial run: the time budget ran out, nothing was written or pushed. It is thrown
 *   so that a function whose timeout is too short for its images alarms instead of
 *   silently never updating; the log's summary says how far it got;
 * - files that could not be read or edited (`result.errors`): the other files were still
 *   delivered, then the run throws so the broken file is noticed.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, ImgsyncError, redactSecrets, resolveSecrets, runUpdate, type UpdateResult } from '@imgsync/core';
import { readConfig, type Environment } from './config-source.js';
import { awsSecretFetcher, withGitToken, type SecretFetcher } from './git-token.js';
import { createLogger, logResult, summarize, type LogSink } from './log-lines.js';

export interface ScheduledRunOptions {
  env: Environment;
  /** Directory that `IMGSYNC_CONFIG_FILE` and an inline config's relative paths are resolved against. */
  baseDir: string;
  /** Scratch space for clones and the manifest cache; default `os.tmpdir()` (`/tmp` on Lambda). */
  tmpDir?: string;
  fetchSecret?: SecretFetcher;
  /** Milliseconds left (Lambda's `getRemainingTimeInMillis`). */
  remainingMs?: () => number;
  /** Default `IMGSYNC_MIN_REMAINING_MS`, else core's 10 s. */
  minRemainingMs?: number;
  dryRun?: boolean;
  /** One JSON line per call; default `console.log`. */
  log?: LogSink;
}

/** A failed scheduled run; `code` is core's error code, or `PARTIAL` / `FILES`. */
export class ScheduledRunError extends Error {
  readonly code: string;
  readonly result: UpdateResult | undefined;
  constructor(code: string, message: string, result?: UpdateResult) {
    super(message);
    this.name = 'ScheduledRunError';
    this.code = code;
    this.result = result;
  }
}

export async function scheduledRun(options: ScheduledRunOptions): Promise<UpdateResult> {
  const started = Date.now();
  const secrets: string[] = [];
  const logger = createLogger(options.log ?? ((line) => console.log(line)), () => secrets);
  const tmp = options.tmpDir ?? tmpdir();
  let result: UpdateResult;
  try {
    const config = await readConfig(options.env, options.baseDir);
    const env = await withGitToken(options.env, options.fetchSecret ?? awsSecretFetcher);
    const resolved = await resolveSecrets(config, env);
    if (resolved.gitToken) secrets.push(resolved.gitToken);
    for (const credentials of Object.values(resolved.registries ?? {})) {
      if (credentials && 'password' in credentials) secrets.push(credentials.password);
      if (credentials && 'identityToken' in credentials) secrets.push(credentials.identityToken);
    }
    const minRemainingMs = options.minRemainingMs ?? numberOf(options.env.IMGSYNC_MIN_REMAINING_MS);
    result = await runUpdate({
      config,
      secrets: resolved,
      ...(options.dryRun && { dryRun: true }),
      // digest -> manifest: content-addressed, so safe to reuse on a warm start
      manifestCache: join(tmp, 'imgsync-manifests.json'),
      gitIo: { tmpDir: tmp },
      ...(options.remainingMs && { remainingMs: options.remainingMs }),
      ...(minRemainingMs !== undefined && { minRemainingMs }),
    });
  } catch (error) {
    const code = error instanceof ImgsyncError ? error.code : 'INTERNAL';
    const message = redactSecrets(error instanceof Error ? error.message : String(error), secrets);
    logger.log({ level: 'error', msg: 'failed', code, error: message, durationMs: Date.now() - started });
    throw new ScheduledRunError(code, `imgsync failed (${code}): ${message}`);
  }

  const summary = summarize(result, Date.now() - started);
  logResult(logger, result, summary);
  if (result.partial) {
    throw new ScheduledRunError('PARTIAL', `imgsync stopped early, nothing written or pushed: ${result.partial.reason}`, result);
  }
  if (result.errors.length) {
    const list = result.errors.map((e) => `${e.file}: ${e.message}`).join('; ');
    const done = summary.pushed ? `pushed ${summary.commit?.slice(0, 12)} for the other files; ` : '';
    throw new ScheduledRunError('FILES', redactSecrets(`imgsync: ${done}${result.errors.length} file(s) not updated: ${list}`, secrets), result);
  }
  return result;
}

function numberOf(text: string | undefined): number | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0) throw new ConfigError(`IMGSYNC_MIN_REMAINING_MS must be a number of milliseconds, got "${text}"`);
  return value;
}
