/**
 * A registry failure stops the run before anything is delivered: the built CLI against a
 * real `docker-registry` behind a fault-injecting proxy, delivering to a real git server.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createBareRepo, gitCli, showFile } from '@imgsync/test-helpers/git/fixture-repo.js';
import { startFaultProxy, type RunningFaultProxy } from '@imgsync/test-helpers/registry/fault-proxy.js';
import { configText, metadataPath, originalMetadata } from './support/backendai-world.js';
import { runCli } from './support/run-cli.js';
import { useE2eWorld } from './support/e2e-world.js';

const token = 'imgsync-e2e-token-registry-failure-5d1c';
let proxy: RunningFaultProxy;
const world = useE2eWorld(token, {
  start: async (w) => {
    proxy = await startFaultProxy({ target: w.registry.url });
  },
  stop: async () => proxy?.stop(),
});

describe('imgsync update when the registry fails', () => {
  it('a registry answering 500 gives exit 3 naming the registry, and nothing is pushed', async () => {
    const bare = createBareRepo(join(world.gitRoot, 'lablup'), 'fault', { [metadataPath]: originalMetadata });
    const before = gitCli(bare, 'rev-parse', 'main').trim();
    const configPath = join(world.sandbox.dir, 'imgsync.config.yaml');
    writeFileSync(configPath, configText({ registry: proxy.url, gitUrl: world.git.url('lablup/fault') }));
    // listing works; the multi-platform image's manifests fail, after other repositories resolved
    proxy.setPlan((request) => (request.path.includes('/kernel-julia/manifests/') ? { status: 500 } : 'pass'));

    const result = await runCli(['update', '--config', configPath], { cwd: world.sandbox.dir, sandbox: world.sandbox, env: { IMGSYNC_GIT_TOKEN: token } });
    expect(result.code).toBe(3);
    expect(proxy.counts.faults).toBeGreaterThan(0);
    const errorLine = result.stderr.split('\n').find((l) => l.startsWith('error'));
    expect(errorLine).toContain(`127.0.0.1:${new URL(proxy.url).port}`);
    expect(errorLine).toMatch(/kernel-julia/);
    expect(errorLine).toMatch(/500/);
    expect(result.stdout).not.toMatch(/pushed/);

    expect(gitCli(bare, 'rev-parse', 'main').trim()).toBe(before);
    expect(gitCli(bare, 'for-each-ref', '--format=%(refname)').trim()).toBe('refs/heads/main');
    expect(showFile(bare, 'main', metadataPath)).toBe(originalMetadata);
    expect(readdirSync(world.sandbox.tmp)).toEqual([]);
  });

  it('check also exits 3 (not 1 or 0) when the registry fails, so CI does not read a failure as "up to date"', async () => {
    createBareRepo(join(world.gitRoot, 'lablup'), 'fault-check', { [metadataPath]: originalMetadata });
    const configPath = join(world.sandbox.dir, 'check.imgsync.config.yaml');
    writeFileSync(configPath, configText({ registry: proxy.url, gitUrl: world.git.url('lablup/fault-check') }));
    proxy.setPlan(() => ({ status: 500 }));
    const result = await runCli(['check', '--config', configPath], { cwd: world.sandbox.dir, sandbox: world.sandbox, env: { IMGSYNC_GIT_TOKEN: token } });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/^error .*500/m);
  });
});
