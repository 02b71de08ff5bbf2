/**
 * `imgsync snapshot`, two ways:
 * - `--registry R --namespace N | --repository X`: record what a registry holds into a
 *   snapshot file for offline runs and reproducible demos; a config's target can then say
 *   `registry: file:registry-snapshot.json`.
 * - without `--registry`: record what a `check` of the config (a fleet's every repository)
 *   asks the registries, once per tick, for the shards to read with `update --snapshot`.
 *   Written to a file or an https:// URL (PUT), or printed.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import {
  createRegistryClient,
  Deadline,
  parsePlatform,
  recordSnapshot,
  recordTick,
  serializeSnapshot,
  serializeSnapshotSet,
  writeSnapshotSetTo,
} from '@imgsync/core';
import { EXIT_OK, EXIT_STOPPED } from '../exit-codes.js';
import { prepareRun } from './update.js';
import { runDeadline } from '../run-deadline.js';
import type { CommandContext } from '../context.js';
import { UsageError } from '../exit-codes.js';

export interface SnapshotFlags {
  registry?: string;
  config?: string;
  cache?: string | false;
  namespace?: string[];
  repository?: string[];
  platform?: string;
  output?: string;
  timeout?: string;
}

export async function snapshotCommand(ctx: CommandContext, flags: SnapshotFlags): Promise<number> {
  const { io, out } = ctx;
  if (flags.registry === undefined) {
    if (flags.namespace?.length || flags.repository?.length || flags.platform) {
      throw new UsageError(
        '--namespace, --repository and --platform record one registry: give it with --registry (without it, snapshot records what the config asks)',
      );
    }
    return configSnapshot(ctx, flags);
  }
  if (!flags.namespace?.length && !flags.repository?.length) throw new UsageError('snapshot needs --namespace NAME or --repository NAME (repeatable)');
  const at = runDeadline(flags.timeout, io.env, Date.now());
  // a DeadlineError ends the command with exit 4 (main.ts), before anything is written
  const deadline = new Deadline({ ...(at !== undefined && { at }), ...(io.signal && { signal: io.signal }) });
  const client = createRegistryClient({
    registry: flags.registry,
    // a snapshot answers for any platform a config may name later: record every image id
    imageIdsFor: 'all',
    dockerConfigPath: join(io.env.DOCKER_CONFIG ?? join(io.env.HOME ?? homedir(), '.docker'), 'config.json'),
    deadline,
  });
  let recorded;
  try {
    recorded = await recordSnapshot(client, {
      ...(flags.namespace && { namespaces: flags.namespace }),
      ...(flags.repository && { repositories: flags.repository }),
      ...(flags.platform && { platform: parsePlatform(flags.platform) }),
    });
  } finally {
    deadline.expire();
  }
  const { snapshot, warnings } = recorded;
  for (const w of warnings) out.warn(w.message);
  const text = serializeSnapshot(snapshot);
  if (flags.output) {
    await writeSnapshotSetTo(flags.output, text, { cwd: io.cwd });
    out.info(`wrote ${flags.output}: ${Object.keys(snapshot.repositories).length} repositories`);
  } else {
    out.out(text);
  }
  const stats = client.stats();
  out.verbose(`${stats.requests} requests, ${stats.manifestGets} manifest GETs`);
  return EXIT_OK;
}

/**
 * Records what a dry run of the config asks the live registries (every repository of a
 * fleet, no shard): the tick's snapshot set. A repository that fails is a warning (the
 * shards will report it); a stopped run writes nothing (exit 4).
 */
async function configSnapshot(ctx: CommandContext, flags: SnapshotFlags): Promise<number> {
  const { out } = ctx;
  const run = await prepareRun(ctx, { ...flags, snapshot: undefined });
  const { set, failures, warnings, partial, repositories, tags } = await recordTick({ ...run, cwd: ctx.io.cwd });
  for (const warning of warnings) out.warn(warning);
  if (partial !== undefined) {
    out.error(`stopped early, no snapshot written: ${partial}`);
    return EXIT_STOPPED;
  }
  for (const failure of failures) out.warn(`not recorded: ${failure.url ? `${failure.url}: ${failure.message}` : failure.message}`);
  const { snapshots } = set;
  const text = serializeSnapshotSet(set);
  if (flags.output) {
    const stop = new Deadline({ ...(run.deadline !== undefined && { at: run.deadline }), ...(ctx.io.signal && { signal: ctx.io.signal }) });
    try {
      await writeSnapshotSetTo(flags.output, text, { cwd: ctx.io.cwd, signal: stop.signal });
    } finally {
      stop.expire();
    }
    out.info(
      `wrote ${flags.output.replace(/\?.*$/s, '')}: ${snapshots.length} registr${snapshots.length === 1 ? 'y' : 'ies'}, ${repositories} repositories, ${tags} tags`,
    );
  } else {
    out.out(text.trimEnd());
  }
  return EXIT_OK;
}
