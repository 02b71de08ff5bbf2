/**
 * One scheduled run, shared by the Lambda handler, the `node handler.mjs` one-shot mode
 * (Kubernetes CronJob, any cron) and the GitHub Action: environment in, config and token
 * resolved, engine run, result logged, a {@link ScheduledRunError} thrown on failure.
 *
 * What counts as failure (the caller's retries and alarms see it):
 * - a config, registry or git error (thrown by core, re-thrown here after logging);
 * - a partial run: the time budget ran out, nothing was written or pushed. It is thrown
 *   so that a function whose timeout is too short for its images alarms instead of
 *   silently never updating; the log's summary says how far it got, and a `partial` line
 *   what was left undone;
 * - files that could not be read or edited (`result.errors`): the other files were still
 *   delivered, then the run throws so the broken file is noticed.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ConfigError,
  Deadline,
  DeadlineError,
  errorFacts,
  type ErrorFacts,
  type ImgsyncErrorCode,
  parseDeadline,
  redactSecrets,
  resolveSecrets,
  recordTick,
  runFleet,
  runUpdate,
  shardFromEnvironment,
  serializeSnapshotSet,
  type FleetResult,
  type UpdateResult,
} from '@imgsync/core';
import { readConfig, type Environment } from './config-source.js';
import { awsSecretFetcher, withGitToken, type SecretFetcher } from './git-token.js';
import { createLogger, logResult, summarize, type LogSink } from './log-lines.js';
import { snapshotStore, type SnapshotStore } from './snapshot-store.js';

export interface ScheduledRunOptions {
  env: Environment;
  /** Directory that `IMGSYNC_CONFIG_FILE` and an inline config's relative paths are resolved against. */
  baseDir: string;
  /** Scratch space for clones and the manifest cache; default `os.tmpdir()` (`/tmp` on Lambda). */
  tmpDir?: string;
  fetchSecret?: SecretFetcher;
  /**
   * When the run must be over, in ms since the epoch (the Lambda's, less the time kept for
   * logging). `IMGSYNC_DEADLINE` may set an earlier one; the earlier wins.
   */
  deadline?: number;
  /** Stops the run like a passed deadline (SIGTERM of a CronJob's pod). */
  signal?: AbortSignal;
  /** Default `IMGSYNC_MIN_REMAINING_MS`, else core's 10 s. */
  minRemainingMs?: number;
  dryRun?: boolean;
  /**
   * A fleet config's shard, `i/n` (a Step Functions Distributed Map item's `shard`); else
   * `IMGSYNC_SHARD`, else an Indexed Job's `JOB_COMPLETION_INDEX` of `IMGSYNC_SHARD_COUNT`.
   */
  shard?: string;
  /**
   * The tick's recorded registry state to answer from (a Distributed Map item's
   * `snapshot`): `s3://bucket/key`, an `https://` URL or a file; else `IMGSYNC_SNAPSHOT`.
   */
  snapshot?: string;
  /**
   * The recording step instead of a run (the state machine's first state): record what a
   * check of the config asks the registries, write it to `location`, and return the
   * Distributed Map's items, one per shard of `shards` (default 1).
   */
  record?: { location: string; shards?: number };
  /** Reads and writes snapshots; default S3 through the runtime's SDK, core for the rest. */
  snapshotStore?: SnapshotStore;
  /** One JSON line per call; default `console.log`. */
  log?: LogSink;
}

/**
 * A failed scheduled run. `code` is core's {@link ImgsyncErrorCode}: the error's own, or for
 * a run that delivered some files (repositories) and not others, the first failure's;
 * `DEADLINE` for a run its time budget or a signal stopped.
 */
export class ScheduledRunError extends Error {
  readonly code: ImgsyncErrorCode;
  readonly result: UpdateResult | undefined;
  constructor(code: ImgsyncErrorCode, message: string, result?: UpdateResult) {
    super(message);
    this.name = 'ScheduledRunError';
    this.code = code;
    this.result = result;
  }
}

/** What the recording step returns: where the snapshot is, what it holds, and the Map's items. */
export interface RecordedTick {
  recorded: string;
  registries: string[];
  repositories: number;
  tags: number;
  /** One per shard: the Distributed Map's input items. */
  items: { shard: string; snapshot: string }[];
}

export async function scheduledRun(options: ScheduledRunOptions): Promise<UpdateResult>;
export async function scheduledRun(options: ScheduledRunOptions): Promise<UpdateResult | FleetResult | RecordedTick>;
export async function scheduledRun(options: ScheduledRunOptions): Promise<UpdateResult | FleetResult | RecordedTick> {
  const started = Date.now();
  const secrets: string[] = [];
  const logger = createLogger(options.log ?? ((line) => console.log(line)), () => secrets);
  const tmp = options.tmpDir ?? tmpdir();
  let result: UpdateResult;
  let beforeRun: Deadline | undefined;
  try {
    const deadline = earliest(options.deadline, deadlineOf(options.env.IMGSYNC_DEADLINE, started));
    // the deadline covers reading the config's secrets too (a Secrets Manager call that hangs)
    beforeRun = new Deadline({ ...(deadline !== undefined && { at: deadline }), ...(options.signal && { signal: options.signal }) });
    const guard = beforeRun;
    const fetchSecret = options.fetchSecret ?? awsSecretFetcher;
    const config = await readConfig(options.env, options.baseDir);
    const env = await withGitToken(options.env, (where) => guard.race(fetchSecret(where, guard.signal), 'reading the git token'));
    const resolved = await guard.race(resolveSecrets(config, env), 'reading the registry credentials');
    if (resolved.gitToken) secrets.push(resolved.gitToken);
    for (const credentials of Object.values(resolved.registries ?? {})) {
      if (credentials && 'password' in credentials) secrets.push(credentials.password);
      if (credentials && 'identityToken' in credentials) secrets.push(credentials.identityToken);
    }
    const minRemainingMs = options.minRemainingMs ?? numberOf(options.env.IMGSYNC_MIN_REMAINING_MS);
    const store = options.snapshotStore ?? snapshotStore();
    const shared = {
      config,
      secrets: resolved,
      manifestCache: join(tmp, 'imgsync-manifests.json'),
      gitIo: { tmpDir: tmp },
      ...(deadline !== undefined && { deadline }),
      ...(options.signal && { signal: options.signal }),
      ...(minRemainingMs !== undefined && { minRemainingMs }),
    };
    if (options.record) return await recordingStep(logger, shared, options.record, store, guard, started);
    const snapshotAt = options.snapshot ?? (options.env.IMGSYNC_SNAPSHOT?.trim() || undefined);
    const snapshot = snapshotAt === undefined ? undefined : await guard.race(store.read(snapshotAt, guard.signal), 'reading the snapshot');
    if (snapshot)
      logger.log({ level: 'info', msg: 'snapshot', from: snapshotAt!.replace(/\?.*$/s, ''), registries: snapshot.snapshots.map((s) => s.registry) });
    if (config.fleet) {
      let shard;
      try {
        shard = shardFromEnvironment(options.shard, options.env);
      } catch (error) {
        throw new ConfigError(`shard: ${(error as Error).message}`);
      }
      const fleet = await runFleet({
        ...shared,
        ...(options.dryRun && { dryRun: true }),
        ...(shard && { shard }),
        ...(snapshot && { snapshot }),
      });
      return finishFleet(logger, fleet, started, secrets);
    }
    // the manifest cache (digest -> manifest) is content-addressed, so safe to reuse on a warm start
    result = await runUpdate({ ...shared, ...(options.dryRun && { dryRun: true }), ...(snapshot && { snapshot }) });
  } catch (error) {
    // the library's error facts (code, path, line, col, registry, …), the message as `error`
    const facts = errorFacts(error);
    const message = redactSecrets(facts.message, secrets);
    const { code } = facts;
    logger.log({ level: 'error', msg: 'failed', ...asLogFields({ ...facts, message }), durationMs: Date.now() - started });
    if (code === 'DEADLINE') throw new ScheduledRunError(code, `imgsync stopped early, nothing written or pushed: ${message}`);
    throw new ScheduledRunError(code, `imgsync failed (${code}): ${message}`);
  } finally {
    beforeRun?.dispose();
  }

  const summary = summarize(result, Date.now() - started);
  logResult(logger, result, summary);
  if (result.partial) {
    const undone = result.partial.undone.length ? `; left undone: ${result.partial.undone.join('; ')}` : '';
    throw new ScheduledRunError(
      'DEADLINE',
      redactSecrets(`imgsync stopped early, nothing written or pushed: ${result.partial.reason}${undone}`, secrets),
      result,
    );
  }
  if (result.errors.length) {
    const list = result.errors.map((e) => `${e.file}: ${e.message}`).join('; ');
    const done = summary.pushed ? `pushed ${summary.commit?.slice(0, 12)} for the other files; ` : '';
    throw new ScheduledRunError(result.errors[0]!.code, redactSecrets(`imgsync: ${done}${result.errors.length} file(s) not updated: ${list}`, secrets), result);
  }
  return result;
}

/**
 * A fleet's log: one `repository` line each (outcome, changes, commit or error) and a
 * `fleet-summary` line; the run fails (throws) when some repository failed or stopped, after
 * the others were delivered.
 */
function finishFleet(logger: ReturnType<typeof createLogger>, fleet: FleetResult, started: number, secrets: string[]): FleetResult {
  for (const repository of fleet.repositories) {
    const r = repository.result;
    logger.log({
      level: repository.outcome === 'failed' || repository.outcome === 'partial' ? 'error' : 'info',
      msg: 'repository',
      url: repository.url,
      outcome: repository.outcome,
      changes: r ? r.changes.filter((c) => c.kind !== 'reported').length : 0,
      newRepositories: r ? r.changes.filter((c) => c.code === 'new-repository').length : 0,
      ...(r?.delivery?.commit && { commit: r.delivery.commit }),
      ...(r?.delivery?.pullRequest && { pullRequest: r.delivery.pullRequest.url }),
      ...(repository.error && asLogFields(repository.error)),
    });
  }
  for (const warning of fleet.warnings) logger.log({ level: 'warn', msg: 'warning', text: warning });
  const failed = fleet.totals.failed + fleet.totals.partial;
  logger.log({ level: failed ? 'error' : 'info', msg: 'fleet-summary', ...fleet.totals, skipped: fleet.skipped, durationMs: Date.now() - started });
  if (failed) {
    const which = fleet.repositories
      .filter((r) => r.outcome === 'failed' || r.outcome === 'partial')
      .map((r) => `${r.url}: ${r.error?.message ?? r.result?.partial?.reason ?? r.outcome}`);
    const first = fleet.repositories.find((r) => r.outcome === 'failed' || r.outcome === 'partial')!;
    throw new ScheduledRunError(
      first.error?.code ?? 'DEADLINE',
      redactSecrets(`imgsync: ${failed} of ${fleet.totals.repositories} repositories not updated: ${which.join('; ')}`, secrets),
    );
  }
  return fleet;
}

/**
 * The state machine's first step: a dry run of the whole config recording what the live
 * registries answer, written to `record.location`; a repository that fails is logged (its
 * shard will report it too); a run that stopped writes nothing and throws.
 */
async function recordingStep(
  logger: ReturnType<typeof createLogger>,
  shared: Parameters<typeof runFleet>[0],
  record: { location: string; shards?: number },
  store: SnapshotStore,
  guard: Deadline,
  started: number,
): Promise<RecordedTick> {
  const shards = record.shards ?? 1;
  if (!Number.isSafeInteger(shards) || shards < 1 || shards > 10_000)
    throw new ConfigError(`shards must be a whole number from 1 to 10000, got ${String(record.shards)}`);
  const { set, failures, partial, repositories, tags } = await recordTick(shared);
  if (partial !== undefined) throw new DeadlineError(`recording stopped: ${partial}`, 'deadline', 'recording the snapshot');
  for (const failure of failures)
    logger.log({ level: 'warn', msg: 'not-recorded', ...(failure.url ? { url: failure.url } : { file: failure.file }), error: failure.message });
  await guard.race(store.write(record.location, serializeSnapshotSet(set), guard.signal), 'writing the snapshot');
  const recorded: RecordedTick = {
    recorded: record.location.replace(/\?.*$/s, ''),
    registries: set.snapshots.map((s) => s.registry),
    repositories,
    tags,
    items: Array.from({ length: shards }, (_, i) => ({ shard: `${i}/${shards}`, snapshot: record.location })),
  };
  const { items: _items, ...line } = recorded;
  logger.log({ level: 'info', msg: 'snapshot-recorded', ...line, shards, durationMs: Date.now() - started });
  return recorded;
}

/** An error's facts as log fields: the message under `error`, as every failure line has it. */
function asLogFields({ message, ...facts }: ErrorFacts): Omit<ErrorFacts, 'message'> & { error: string } {
  return { ...facts, error: message };
}

function earliest(...deadlines: (number | undefined)[]): number | undefined {
  const set = deadlines.filter((d): d is number => d !== undefined);
  return set.length ? Math.min(...set) : undefined;
}

/** `IMGSYNC_DEADLINE`: a duration from the start of the run (`14m`) or an RFC 3339 time. */
function deadlineOf(text: string | undefined, started: number): number | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const at = parseDeadline(text, started);
  if (at === undefined) {
    throw new ConfigError(`IMGSYNC_DEADLINE must be a duration such as 14m, 90s or 1h30m, or a time such as 2025-06-01T12:00:00Z; got "${text}"`);
  }
  return at;
}

function numberOf(text: string | undefined): number | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0) throw new ConfigError(`IMGSYNC_MIN_REMAINING_MS must be a number of milliseconds, got "${text}"`);
  return value;
}
