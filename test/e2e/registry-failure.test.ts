/**
 * A registry failure stops the run before anything is delivered: the built CLI against a
 * real `docker-registry` behind a fault-injecting proxy, delivering to a real git server.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBareRepo, gitCli, showFile } from '../../packages/core/test/helpers/git/fixture-repo.js';
import { startGitServer, type GitServer } from '../../packages/core/test/helpers/git/git-http-server.js';
import { startFaultProxy, type RunningFaultProxy } from '../../packages/core/test/helpers/registry/fault-proxy.js';
import { startRegistry, type RunningRegistry } from '../../packages/core/test/helpers/registry/registry-server.js';
import { configText, metadataPath, originalMetadata, pushBackendAiImages } from './support/backendai-world.js';
import { ensureBuilt, makeSandbox, runCli, type Sandbox } from './support/run-cli.js';

const token = 'imgsync-e2e-token-registry-failure-5d1c';
let registry: RunningRegistry;
let proxy: RunningFaultProxy;
let git: GitServer;
let gitRoot: string;
let sandbox: Sandbox;

beforeAll(async () => {
  ensureBuilt();
  gitRoot = mkdtempSync(join(tmpdir(), 'imgsync-e2e-git-'));
  sandbox = makeSandbox();
  [registry, git] = await Promise.all([startRegistry(), startGitServer({ root: gitRoot, token })]);
  await pushBackendAiImages({ url: registry.url });
  proxy = await startFaultProxy({ target: registry.url });
});

afterAll(async () => {
  await Promise.all([proxy?.stop(), registry?.stop(), git?.stop()]);
  rmSync(gitRoot, { recursive: true, force: true });
  sandbox?.remove();
});

describe('imgsync update when the registry fails', () => {
  it('a registry answering 500 gives exit 3 naming the registry, and nothing is pushed', async () => {
    const bare = createBareRepo(join(gitRoot, 'lablup'), 'fault', { [metadataPath]: originalMetadata });
    const before = gitCli(bare, 'rev-parse', 'main').trim();
    const configPath = join(sandbox.dir, 'imgsync.config.yaml');
    writeFileSync(configPath, configText({ registry: proxy.url, gitUrl: git.url('lablup/fault') }));
    // listing works; the multi-platform image's manifests fail, after other repositories resolved
    proxy.setPlan((request) => (request.path.includes('/kernel-julia/manifests/') ? { status: 500 } : 'pass'));

    const result = await runCli(['update', '--config', configPath], { cwd: sandbox.dir, sandbox, env: { IMGSYNC_GIT_TOKEN: token } });
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
    expect(readdirSync(sandbox.tmp)).toEqual([]);
  });

  it('check also exits 3 (not 1 or 0) when the registry fails, so CI does not read a failure as "up to date"', async () => {
    createBareRepo(join(gitRoot, 'lablup'), 'fault-check', { [metadataPath]: originalMetadata });
    const configPath = join(sandbox.dir, 'check.imgsync.config.yaml');
    writeFileSync(configPath, configText({ registry: proxy.url, gitUrl: git.url('lablup/fault-check') }));
    proxy.setPlan(() => ({ status: 500 }));
    const result = await runCli(['check', '--config', configPath], { cwd: sandbox.dir, sandbox, env: { IMGSYNC_GIT_TOKEN: token } });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/^error .*500/m);
  });
});
