/**
 * `imgsync update` and `imgsync check`: load the config, run the engine, print the result.
 * `check` is a dry run whose exit code says whether the files are current (0) or would
 * change (1); both list vanished tags and dangling aliases.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import {
  Deadline,
  loadConfig,
  readSnapshotSetFrom,
  resolveSecrets,
  runFleet,
  runUpdate,
  shardFromEnvironment,
  type FleetOptions,
  type FleetResult,
  type ImgsyncConfig,
  type Shard,
  type SnapshotSet,
  type UpdateResult,
} from '@imgsync/core';
import { EXIT_DRIFT, EXIT_INPUT, EXIT_OK, EXIT_REMOTE, EXIT_STOPPED, UsageError } from '../exit-codes.js';
import type { CommandContext } from '../context.js';
import { locateConfig } from '../locate-config.js';
import { minRemainingMs, runDeadline } from '../run-deadline.js';

export interface UpdateFlags {
  config?: string;
  dryRun?: boolean;
  json?: boolean;
  push?: boolean;
  cache?: string | false;
  timeout?: string;
  shard?: string;
  snapshot?: string;
}

export async function updateCommand(ctx: CommandContext, flags: UpdateFlags, mode: 'update' | 'check'): Promise<number> {
  const { out } = ctx;
  const dryRun = mode === 'check' || flags.dryRun === true;
  const run = await prepareRun(ctx, flags);
  const { config } = run;
  const shard = shardOf(flags.shard, ctx.io.env);
  if (config.fleet) {
    if (flags.push === false)
      throw new UsageError('--no-push does not apply to a fleet: its repositories are cloned, so there is nothing to edit locally (use --dry-run)');
    const fleet = await runFleet({ ...run, dryRun, ...(shard && { shard }) });
    return reportFleet(ctx, fleet, mode, flags);
  }
  if (shard) throw new UsageError('--shard splits a fleet (repositories: or autodiscover: in the config); this config names one repository');
  const result = await runUpdate({
    ...run,
    dryRun,
    ...(flags.push !== undefined && { push: flags.push }),
    cwd: ctx.io.cwd,
    onProgress: (event) => out.progress(event),
  });
  out.clearProgress();

  if (flags.json) {
    out.out(JSON.stringify(result, null, 2));
  } else {
    report(ctx, result, mode, dryRun);
  }
  if (result.partial) return EXIT_STOPPED;
  if (result.errors.length) return EXIT_INPUT;
  // no file to look at is a config (or working directory) mistake, not "up to date"
  if (!followedFiles(result)) return EXIT_INPUT;
  if (mode === 'check' && result.drift) return EXIT_DRIFT;
  return EXIT_OK;
}

/** What `update`, `check` and `snapshot --config` give the engine, from the flags and the environment. */
export async function prepareRun(ctx: CommandContext, flags: UpdateFlags): Promise<FleetOptions & { config: ImgsyncConfig }> {
  const { out, io } = ctx;
  const deadline = runDeadline(flags.timeout, io.env, Date.now());
  const reserve = minRemainingMs(io.env);
  const configPath = await locateConfig(io.cwd, flags.config);
  const config = await loadConfig({ path: configPath, cwd: io.cwd });
  out.verbose(`config ${configPath}: ${config.targets.length} target(s)${config.git ? `, git ${config.git.mode}` : ''}`);
  const secrets = await resolveSecrets(config, io.env);
  const snapshot = await tickSnapshot(ctx, flags.snapshot ?? nonEmpty(io.env.IMGSYNC_SNAPSHOT), deadline);
  return {
    config,
    secrets,
    ...(snapshot && { snapshot }),
    ...(flags.cache !== false && { manifestCache: flags.cache ?? defaultCachePath(io.env) }),
    dockerConfigPath: join(io.env.DOCKER_CONFIG ?? join(io.env.HOME ?? homedir(), '.docker'), 'config.json'),
    ...(deadline !== undefined && { deadline }),
    ...(reserve !== undefined && { minRemainingMs: reserve }),
    ...(io.signal && { signal: io.signal }),
  };
}

/** The tick's recorded registry state (`--snapshot`, `IMGSYNC_SNAPSHOT`): a file or an https:// URL. */
async function tickSnapshot(ctx: CommandContext, location: string | undefined, deadline: number | undefined): Promise<SnapshotSet | undefined> {
  if (location === undefined) return undefined;
  const stop = new Deadline({ ...(deadline !== undefined && { at: deadline }), ...(ctx.io.signal && { signal: ctx.io.signal }) });
  try {
    const set = await readSnapshotSetFrom(location, { cwd: ctx.io.cwd, signal: stop.signal });
    ctx.out.verbose(`snapshot: ${set.snapshots.map((s) => `${s.registry} (${Object.keys(s.repositories).length} repositories)`).join(', ')}`);
    return set;
  } finally {
    stop.expire();
  }
}

function nonEmpty(text: string | undefined): string | undefined {
  return text !== undefined && text.trim() !== '' ? text.trim() : undefined;
}

/** Files a format followed (read and compared), those with errors included. */
function followedFiles(result: UpdateResult): number {
  return result.files.filter((file) => !file.skipped).length;
}

function report(ctx: CommandContext, result: UpdateResult, mode: 'update' | 'check', dryRun: boolean): void {
  const { out } = ctx;
  const c = out.chalk;
  for (const warning of result.warnings) out.warn(warning);
  if (result.partial) {
    out.error(`stopped early, nothing written or pushed: ${result.partial.reason}`);
    for (const line of result.partial.undone) out.err(`  left undone: ${line}`);
  }
  if (mode === 'update' && dryRun) for (const file of result.files) if (file.diff) out.diff(file.diff);
  out.changes(result);
  for (const error of result.errors) out.error(error.message);

  if (result.partial) return;
  if (!followedFiles(result)) {
    const skipped = result.files.length;
    out.error(
      skipped
        ? `nothing to ${mode}: none of the ${skipped} matching file${skipped === 1 ? '' : 's'} has images to follow`
        : `nothing to ${mode}: no file matches the targets' files patterns (relative to the config file's directory)`,
    );
    return;
  }
  const real = result.changes.filter((ch) => ch.kind !== 'reported').length;
  const found = result.changes.filter((ch) => ch.kind === 'reported' && ch.code === 'new-repository').length;
  const reports = result.changes.length - real - found;
  const files = result.files.filter((f) => f.changed).length;
  const tally =
    `${real} change${real === 1 ? '' : 's'} in ${files} file${files === 1 ? '' : 's'}` +
    `${found ? `, ${found} new repositor${found === 1 ? 'y' : 'ies'}` : ''}${reports ? `, ${reports} report${reports === 1 ? '' : 's'}` : ''}`;
  const failed = result.errors.length;
  if (failed) {
    // never "up to date" while some file could not be read or edited
    const files = `${failed} file${failed === 1 ? '' : 's'}`;
    const broken = `${files} with errors left untouched`;
    if (mode === 'check') out.info(c.red(`${files} could not be checked${result.drift ? `; drift: ${tally}` : ''}`));
    else if (dryRun) out.info(`dry run: ${tally}; ${broken}; nothing written`);
    else out.info(`${result.changed ? `${deliveredLine(result, tally)}; ` : ''}${broken}`);
    return;
  }
  if (mode === 'check') {
    out.info(result.drift ? c.yellow(`drift: ${tally}`) : c.green(`up to date${reports ? ` (${reports} report${reports === 1 ? '' : 's'})` : ''}`));
    return;
  }
  if (dryRun) {
    out.info(result.drift ? `dry run: ${tally}; nothing written` : c.green('up to date'));
    return;
  }
  if (result.changed) out.info(deliveredLine(result, tally));
  else out.info(result.drift ? c.yellow(`no file changed; ${found} new repositor${found === 1 ? 'y' : 'ies'} reported`) : c.green('up to date'));
}

function deliveredLine(result: UpdateResult, tally: string): string {
  const d = result.delivery;
  if (!d || d.mode === 'files') return `wrote ${tally}`;
  if (d.pullRequest) return `${tally}: pull request #${d.pullRequest.number} ${d.pullRequest.action}: ${d.pullRequest.url}`;
  if (d.pushed) return `${tally}: pushed ${d.commit?.slice(0, 12)} to ${d.branch}`;
  return `${tally}: not pushed`;
}

/** `--shard i/n`, else the environment's (see `shardFromEnvironment`); a bad one is a usage error. */
function shardOf(flag: string | undefined, env: Readonly<Record<string, string | undefined>>): Shard | undefined {
  try {
    return shardFromEnvironment(flag, env);
  } catch (error) {
    throw new UsageError(`--shard: ${(error as Error).message}`);
  }
}

/**
 * One line per repository of the fleet, then the total; the exit code is the worst outcome
 * (a stopped run 4, a failed repository 3, drift under check 1).
 */
function reportFleet(ctx: CommandContext, fleet: FleetResult, mode: 'update' | 'check', flags: UpdateFlags): number {
  const { out } = ctx;
  const c = out.chalk;
  if (flags.json) out.out(JSON.stringify(fleet, null, 2));
  else {
    for (const warning of fleet.warnings) out.warn(warning);
    for (const repository of fleet.repositories) {
      const r = repository.result;
      const real = r ? r.changes.filter((ch) => ch.kind !== 'reported').length : 0;
      const detail =
        repository.outcome === 'failed'
          ? c.red(`failed: ${repository.error?.message ?? 'unknown error'}`)
          : repository.outcome === 'partial'
            ? c.red(`stopped: ${r?.partial?.reason ?? ''}`)
            : repository.outcome === 'changed'
              ? `${real} change${real === 1 ? '' : 's'}${r?.delivery?.pullRequest ? `, pull request ${r.delivery.pullRequest.url}` : r?.delivery?.pushed ? `, pushed ${r.delivery.commit?.slice(0, 12)} to ${r.delivery.branch}` : fleet.dryRun ? ', nothing written' : ''}`
              : r?.drift
                ? c.yellow('new repositories reported')
                : c.green('up to date');
      out.info(`${repository.url}: ${detail}`);
      if (flags.dryRun && r) for (const file of r.files) if (file.diff) out.diff(file.diff);
    }
    const t = fleet.totals;
    out.info(
      `${t.repositories} repositor${t.repositories === 1 ? 'y' : 'ies'}: ${t.changed} changed, ${t.unchanged} unchanged, ${t.failed} failed` +
        `${t.partial ? `, ${t.partial} stopped` : ''}; ${t.changes} change${t.changes === 1 ? '' : 's'}` +
        `${t.newRepositories ? `, ${t.newRepositories} new repositor${t.newRepositories === 1 ? 'y' : 'ies'}` : ''}` +
        `${fleet.skipped ? ` (${fleet.skipped} in other shards)` : ''}`,
    );
  }
  if (fleet.totals.partial) return EXIT_STOPPED;
  if (fleet.totals.failed) return EXIT_REMOTE;
  if (mode === 'check' && fleet.drift) return EXIT_DRIFT;
  return EXIT_OK;
}

function defaultCachePath(env: Readonly<Record<string, string | undefined>>): string {
  const base = env.XDG_CACHE_HOME || join(env.HOME ?? homedir(), '.cache');
  return join(base, 'imgsync', 'manifests.json');
}
