/**
 * The recording step of a fleet's tick (`imgsync snapshot --config`, the Lambda's
 * `{ record }` event): a dry run of the whole config, every repository and no shard, that
 * records what the live registries answer. The shards then answer from it
 * (`UpdateOptions.snapshot`).
 */
import type { SnapshotSet } from '../registry/snapshot.js';
import { runFleet } from './fleet.js';
import type { UpdateOptions } from './types.js';
import { runUpdate } from './update.js';

/** What {@link recordTick} recorded, and what it could not. */
export interface TickRecording {
  /** The snapshot set to write where the shards read it. */
  set: SnapshotSet;
  /** Repositories (of a fleet) or files that failed and were not recorded; their shards report them too. */
  failures: { url?: string; file?: string; message: string }[];
  warnings: string[];
  /** Why the run stopped before its end (its time budget, a signal): then nothing should be written. */
  partial: string | undefined;
  /** Repositories and tags the set holds, over its registries. */
  repositories: number;
  tags: number;
}

/**
 * Runs the config dry, recording what the live registries answer.
 *
 * @example
 * const { set, partial } = await recordTick({ config, secrets });
 * if (!partial) await writeSnapshotSetTo('tick.json', serializeSnapshotSet(set));
 */
export async function recordTick(options: UpdateOptions): Promise<TickRecording> {
  const recording = { ...options, dryRun: true, recordSnapshot: true };
  const recorded = options.config.fleet ? fromFleet(await runFleet(recording)) : fromRun(await runUpdate(recording));
  const { snapshots } = recorded;
  return {
    ...recorded,
    set: { version: 1, recordedAt: new Date().toISOString(), snapshots },
    repositories: snapshots.reduce((n, s) => n + Object.keys(s.repositories).length, 0),
    tags: snapshots.reduce((n, s) => n + Object.values(s.repositories).reduce((m, r) => m + Object.keys(r.tags).length, 0), 0),
  };
}

type Recorded = Pick<TickRecording, 'failures' | 'warnings' | 'partial'> & { snapshots: SnapshotSet['snapshots'] };

function fromFleet(fleet: Awaited<ReturnType<typeof runFleet>>): Recorded {
  return {
    snapshots: fleet.recordedSnapshots ?? [],
    warnings: fleet.warnings,
    failures: fleet.repositories.filter((r) => r.outcome === 'failed').map((r) => ({ url: r.url, message: r.error?.message ?? 'failed' })),
    partial: fleet.repositories.find((r) => r.outcome === 'partial')?.result?.partial?.reason,
  };
}

function fromRun(result: Awaited<ReturnType<typeof runUpdate>>): Recorded {
  return {
    snapshots: result.recordedSnapshots ?? [],
    warnings: result.warnings,
    failures: result.errors.map((e) => ({ file: e.file, message: e.message })),
    partial: result.partial?.reason,
  };
}
