/**
 * A fleet end to end with the built CLI: one config naming several repositories on the
 * real `git http-backend`, the Backend.AI image list in each, images in the real
 * `docker-registry`. `check` reports each repository and exits 1; `update` pushes to each
 * and prints one line per repository and a total; a repository that does not exist fails
 * alone (exit 3) and shards (`--shard`, an Indexed Job's JOB_COMPLETION_INDEX) split the list.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createBareRepo, gitCli, showFile } from '@imgsync/test-helpers/git/fixture-repo.js';
import { findToken } from '@imgsync/test-helpers/git/secret-scan.js';
import { configText, expectedMetadata, metadataPath, originalMetadata } from './support/backendai-world.js';
import { runCli } from './support/run-cli.js';
import { useE2eWorld } from './support/e2e-world.js';

const token = 'imgsync-e2e-fleet-token-2b7d9e4c1a';
const world = useE2eWorld(token);
const run = (args: string[], env: Record<string, string | undefined> = { IMGSYNC_GIT_TOKEN: token }) =>
  runCli(args, { cwd: world.sandbox.dir, sandbox: world.sandbox, env });

/** The single-repository config of the other e2e tests, turned into a fleet of `names`. */
function fleetConfig(file: string, names: string[]): string {
  const single = configText({ registry: world.registry.url, gitUrl: world.git.url(`fleet/${names[0]}`) });
  const text = single.replace(/^( {2})url: .*\n/m, '') + `repositories:\n${names.map((name) => `  - ${world.git.url(`fleet/${name}`)}\n`).join('')}`;
  writeFileSync(join(world.sandbox.dir, file), text);
  return file;
}

describe('imgsync update on a fleet (real registry and git server)', () => {
  it('check names each repository (exit 3: one failed); update pushes to each, one line per repository and a total; a missing one fails alone', async () => {
    const names = ['alpha', 'beta'];
    for (const name of names) createBareRepo(join(world.gitRoot, 'fleet'), name, { [metadataPath]: originalMetadata });
    const config = fleetConfig('fleet.imgsync.config.yaml', [...names, 'nowhere']);

    const check = await run(['check', '--config', config]);
    expect(check.stdout).toMatch(/fleet\/alpha\.git: 5 changes, nothing written/);
    expect(check.stdout).toMatch(/fleet\/nowhere\.git: failed: /);
    expect(check.stdout).toContain('3 repositories: 2 changed, 0 unchanged, 1 failed; 10 changes');
    expect(check.code).toBe(3);

    const update = await run(['update', '--config', config]);
    expect(update.stdout).toMatch(/fleet\/beta\.git: 5 changes, pushed [0-9a-f]{12} to main/);
    expect(update.code).toBe(3);
    for (const name of names) expect(showFile(join(world.gitRoot, 'fleet', `${name}.git`), 'main', metadataPath)).toBe(expectedMetadata(world.pushed));
    expect(findToken(token, [world.sandbox.tmp, world.sandbox.home], [check.stdout, check.stderr, update.stdout, update.stderr])).toEqual([]);
    expect(readdirSync(world.sandbox.tmp)).toEqual([]);

    // without the missing repository: up to date everywhere, exit 0
    const again = await run(['check', '--config', fleetConfig('fleet2.imgsync.config.yaml', names)]);
    expect(again.stdout).toContain('2 repositories: 0 changed, 2 unchanged, 0 failed; 0 changes');
    expect(again.code).toBe(0);
    expect(gitCli(join(world.gitRoot, 'fleet', 'alpha.git'), 'rev-list', '--count', 'main').trim()).toBe('2');
  });

  it('runs one shard with --shard i/n or an Indexed Job index, and refuses --shard on a single repository', async () => {
    const names = ['s0', 's1', 's2', 's3'];
    for (const name of names) createBareRepo(join(world.gitRoot, 'fleet'), name, { [metadataPath]: originalMetadata });
    const config = fleetConfig('shards.imgsync.config.yaml', names);
    const listed = (stdout: string) => [...stdout.matchAll(/fleet\/(s\d)\.git:/g)].map((m) => m[1]!);
    const byShard: string[][] = [];
    for (const index of [0, 1]) {
      const shard = await run(['check', '--config', config, '--shard', `${index}/2`]);
      byShard.push(listed(shard.stdout));
      // the split depends on the URLs (a random port here): say what the other shard took, if anything
      const mine = listed(shard.stdout).length;
      expect(shard.stdout).toContain(`${mine} repositor${mine === 1 ? 'y' : 'ies'}: `);
      if (mine < names.length) expect(shard.stdout).toContain(`(${names.length - mine} in other shards)`);
    }
    expect(byShard.flat().sort()).toEqual(names);
    // an Indexed Job pod: its index from JOB_COMPLETION_INDEX, the count from IMGSYNC_SHARD_COUNT
    const indexed = await run(['check', '--config', config], { IMGSYNC_GIT_TOKEN: token, JOB_COMPLETION_INDEX: '1', IMGSYNC_SHARD_COUNT: '2' });
    expect(listed(indexed.stdout)).toEqual(byShard[1]);

    const single = configText({ registry: world.registry.url, gitUrl: world.git.url('fleet/s0') });
    writeFileSync(join(world.sandbox.dir, 'single.imgsync.config.yaml'), single);
    const refused = await run(['check', '--config', 'single.imgsync.config.yaml', '--shard', '0/2']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--shard splits a fleet/);
  });

  it('a tick snapshot recorded once (snapshot -o) answers every shard: the same changes as a live check, no registry request; PUT and GET through a pre-signed-style URL whose signature is never printed', async () => {
    const names = ['t0', 't1', 't2'];
    for (const name of names) createBareRepo(join(world.gitRoot, 'fleet'), name, { [metadataPath]: originalMetadata });
    const config = fleetConfig('tick.imgsync.config.yaml', names);
    const requests = (json: string) => {
      const stats = (JSON.parse(json) as { stats: { registries: Record<string, { requests: number }> } }).stats.registries;
      return Object.values(stats).reduce((sum, s) => sum + s.requests, 0);
    };
    const changes = (json: string) =>
      (JSON.parse(json) as { repositories: { url: string; result?: { changes: unknown[] } }[] }).repositories
        .map((r) => [r.url, r.result?.changes] as const)
        .sort(([a], [b]) => a.localeCompare(b));
    const live = await run(['check', '--config', config, '--json', '--no-cache']);
    expect(live.code).toBe(1);
    expect(requests(live.stdout)).toBeGreaterThan(0);

    // the recording step: a file
    const recorded = await run(['snapshot', '--config', config, '-o', 'tick.json', '--no-cache']);
    expect(recorded.code).toBe(0);
    expect(recorded.stdout).toMatch(/wrote tick\.json: 1 registry, \d+ repositories, \d+ tags/);
    const set = JSON.parse(readFileSync(join(world.sandbox.dir, 'tick.json'), 'utf8')) as { version: number; snapshots: { registry: string }[] };
    expect(set.version).toBe(1);
    expect(set.snapshots.map((s) => s.registry)).toEqual([world.registry.url]);

    // the shards: together the live run's changes, and not one registry request
    const sharded: (readonly [string, unknown])[] = [];
    for (const index of [0, 1]) {
      const shard = await run(['check', '--config', config, '--json', '--no-cache', '--shard', `${index}/2`, '--snapshot', 'tick.json']);
      expect(shard.code === 0 || shard.code === 1).toBe(true);
      expect(requests(shard.stdout)).toBe(0);
      sharded.push(...changes(shard.stdout));
    }
    expect(sharded.sort(([a], [b]) => a.localeCompare(b))).toEqual(changes(live.stdout));

    // an https-style store (plain http on loopback): PUT by the recording step, GET by a shard (IMGSYNC_SNAPSHOT)
    const signature = 'X-Amz-Signature=5ecre7d0c0ffee';
    const stored = new Map<string, Buffer>();
    const server = createServer((req, res) => {
      if (!req.url?.endsWith(`?${signature}`)) return void res.writeHead(403).end();
      const key = req.url.split('?')[0]!;
      if (req.method === 'PUT') {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c)).on('end', () => (stored.set(key, Buffer.concat(chunks)), res.writeHead(200).end()));
      } else if (stored.has(key)) res.writeHead(200, { 'content-type': 'application/json' }).end(stored.get(key));
      else res.writeHead(404).end();
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/ticks/tick.json?${signature}`;
      const put = await run(['snapshot', '--config', config, '-o', url, '--no-cache']);
      expect(put.code).toBe(0);
      expect(stored.get('/ticks/tick.json')?.length).toBeGreaterThan(100);
      const shard = await run(['check', '--config', config, '--json', '--no-cache'], { IMGSYNC_GIT_TOKEN: token, IMGSYNC_SNAPSHOT: url });
      expect(requests(shard.stdout)).toBe(0);
      expect(changes(shard.stdout)).toEqual(changes(live.stdout));
      const denied = await run(['check', '--config', config, '--snapshot', url.replace(signature, 'X-Amz-Signature=wrong')]);
      expect(denied.code).toBe(3);
      expect(denied.stderr).toMatch(/ticks\/tick\.json \(HTTP 403\): reading the snapshot failed/);
      for (const output of [put.stdout, put.stderr, shard.stderr, denied.stdout, denied.stderr]) expect(output).not.toContain('5ecre7d0c0ffee');
    } finally {
      await new Promise((done) => server.close(done));
    }
  });
});
