/**
 * `imgsync snapshot`: record what a registry holds (repositories of a namespace, or named
 * repositories) into a snapshot file for offline runs and reproducible demos; a config's
 * target can then say `registry: file:registry-snapshot.json`.
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { createRegistryClient, Deadline, parsePlatform, recordSnapshot, serializeSnapshot } from '@imgsync/core';
import { EXIT_OK } from '../exit-codes.js';
import { runDeadline } from '../run-deadline.js';
import type { CommandContext } from '../context.js';
import { UsageError } from '../exit-codes.js';
import { writeFile } from 'node:fs/promises';

export interface SnapshotFlags {
  registry: string;
  namespace?: string[];
  repository?: string[];
  platform?: string;
  output?: string;
  timeout?: string;
}

export async function snapshotCommand(ctx: CommandContext, flags: SnapshotFlags): Promise<number> {
  const { io, out } = ctx;
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
    await writeFile(resolve(io.cwd, flags.output), text, 'utf8');
    out.info(`wrote ${flags.output}: ${Object.keys(snapshot.repositories).length} repositories`);
  } else {
    out.out(text);
  }
  const stats = client.stats();
  out.verbose(`${stats.requests} requests, ${stats.manifestGets} manifest GETs`);
  return EXIT_OK;
}
