/**
 * One deadline for the whole run, in the engine: the real `docker-registry` behind the
 * fault proxy (which can stall every request) and the real git http-backend. A run that
 * runs out of time stops within a second of its deadline, pushes nothing, removes its
 * clone and says what it left undone.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { runUpdate } from '../../src/update/index.js';
import { createBareRepo, gitCli } from '@imgsync/test-helpers/git/fixture-repo.js';
import { startGitServer, type GitServer } from '@imgsync/test-helpers/git/git-http-server.js';
import { startFaultProxy, type RunningFaultProxy } from '@imgsync/test-helpers/registry/fault-proxy.js';
import { pushImage } from '@imgsync/test-helpers/registry/push.js';
import { startRegistry, type RunningRegistry } from '@imgsync/test-helpers/registry/registry-server.js';

const token = 'ghp_EngineDeadline0123456789abcdefABCDEF';
const metadata = 'images:\n  - name: python\n    tags:\n      - ["3.6-ubuntu", "ca7b9f52b6c2"]\n  - name: ruby\n    tags:\n      - ["2.7", "0123456789ab"]\n';

let registry: RunningRegistry;
let proxy: RunningFaultProxy;
let git: GitServer;
let root: string;
let work: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'imgsync-deadline-root-'));
  work = mkdtempSync(join(tmpdir(), 'imgsync-deadline-work-'));
  [registry, git] = await Promise.all([startRegistry(), startGitServer({ root, token })]);
  proxy = await startFaultProxy({ target: registry.url });
  await pushImage({ url: registry.url }, 'kernel-python', '3.6-ubuntu', { seed: 'deadline-py' });
  await pushImage({ url: registry.url }, 'kernel-ruby', '2.7', { seed: 'deadline-rb' });
});

afterAll(async () => {
  await proxy?.stop();
  await Promise.all([registry?.stop(), git?.stop()]);
  rmSync(root, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

beforeEach(() => proxy.setPlan(undefined));

function setup(name: string) {
  const bare = createBareRepo(root, name, { 'image-metadata.yml': metadata });
  const config = parseConfig(
    [
      'targets:',
      '  - files: image-metadata.yml',
      '    format: backendai',
      `    registry: ${proxy.url}`,
      '    repository: kernel-{name}',
      'git:',
      `  url: ${git.url(name)}`,
      '  branch: main',
    ].join('\n'),
    join(work, 'imgsync.config.yaml'),
  );
  return { bare, config, head: () => gitCli(bare, 'rev-parse', 'main').trim() };
}

describe('runUpdate under one deadline', () => {
  it('stops a run whose registry never answers within a second of the deadline: partial, nothing pushed, clone removed', async () => {
    const { config, head } = setup('hang');
    const before = head();
    proxy.setPlan(() => 'stall');
    const started = Date.now();
    const deadline = started + 3_000;
    const result = await runUpdate({ config, secrets: { gitToken: token }, gitIo: { tmpDir: work }, deadline, minRemainingMs: 0 });
    const ended = Date.now();
    expect(ended).toBeGreaterThanOrEqual(deadline - 50);
    expect(ended - deadline).toBeLessThan(1_000);
    expect(result.partial?.reason).toMatch(
      new RegExp(`^time budget ran out during registry ${proxy.url.replace(/\./g, '\\.')}: tags of kernel-(python|ruby)$`),
    );
    expect(result.partial?.undone).toEqual([
      `registry: 2 repositories not resolved: ${proxy.url}/kernel-python, ${proxy.url}/kernel-ruby`,
      'files not updated: image-metadata.yml',
      'commit and push to main',
    ]);
    expect(result).toMatchObject({ changed: false, files: [], changes: [] });
    expect(result.delivery).toBeUndefined();
    expect(head()).toBe(before);
    expect(readdirSync(work).filter((n) => n.startsWith('imgsync-'))).toEqual([]);
  });

  it('starts no registry request with less than minRemainingMs left (kept for delivering)', async () => {
    const { config, head } = setup('reserve');
    const before = head();
    const requests = proxy.counts.requests;
    const started = Date.now();
    const result = await runUpdate({ config, secrets: { gitToken: token }, gitIo: { tmpDir: work }, deadline: Date.now() + 5_000, minRemainingMs: 10_000 });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(result.partial?.reason).toMatch(/^time budget: \d+ ms left, less than the 10000 ms kept for editing and delivering; stopped before registry /);
    expect(proxy.counts.requests).toBe(requests);
    expect(head()).toBe(before);
  });

  it('stops as a deadline would when the caller aborts (SIGTERM), naming the reason', async () => {
    const { config, head } = setup('sigterm');
    const before = head();
    proxy.setPlan(() => 'stall');
    const stop = new AbortController();
    setTimeout(() => stop.abort(new Error('SIGTERM')), 500);
    const started = Date.now();
    const result = await runUpdate({ config, secrets: { gitToken: token }, gitIo: { tmpDir: work }, signal: stop.signal });
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(result.partial?.reason).toMatch(/^stopped \(SIGTERM\) during registry /);
    expect(head()).toBe(before);
    expect(readdirSync(work).filter((n) => n.startsWith('imgsync-'))).toEqual([]);
  });

  it('runs to the end, and pushes, when the deadline leaves time', async () => {
    const { config, head } = setup('intime');
    const before = head();
    const result = await runUpdate({ config, secrets: { gitToken: token }, gitIo: { tmpDir: work }, deadline: Date.now() + 60_000 });
    expect(result.partial).toBeUndefined();
    expect(result.delivery).toMatchObject({ pushed: true, branch: 'main' });
    expect(head()).not.toBe(before);
  });
});
