/**
 * The frame most end-to-end files share: the built CLI, a sandbox (cwd, HOME, TMPDIR), the
 * real `docker-registry` with the Backend.AI-style images pushed, and the real git
 * smart-HTTP server checking `token`; all stopped and removed after the file. Fields are
 * filled in `beforeAll`; `extra` starts more servers beside them (a fault proxy, the
 * GitHub API stand-in) and returns what the test needs of them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { startGitServer, type GitServer } from '@imgsync/test-helpers/git/git-http-server.js';
import { startRegistry, type RunningRegistry } from '@imgsync/test-helpers/registry/registry-server.js';
import { pushBackendAiImages, type PushedWorld } from './backendai-world.js';
import { ensureBuilt, makeSandbox, type Sandbox } from './run-cli.js';

export interface E2eWorld {
  registry: RunningRegistry;
  git: GitServer;
  gitRoot: string;
  sandbox: Sandbox;
  pushed: PushedWorld;
}

export function useE2eWorld(token: string, extra?: { start(world: E2eWorld): Promise<void>; stop(): Promise<void> }): E2eWorld {
  const world = {} as E2eWorld;
  beforeAll(async () => {
    ensureBuilt();
    world.gitRoot = mkdtempSync(join(tmpdir(), 'imgsync-e2e-git-'));
    world.sandbox = makeSandbox();
    [world.registry, world.git] = await Promise.all([startRegistry(), startGitServer({ root: world.gitRoot, token })]);
    world.pushed = await pushBackendAiImages({ url: world.registry.url });
    await extra?.start(world);
  });
  afterAll(async () => {
    await extra?.stop();
    await Promise.all([world.registry?.stop(), world.git?.stop()]);
    if (world.gitRoot) rmSync(world.gitRoot, { recursive: true, force: true });
    world.sandbox?.remove();
  });
  return world;
}
