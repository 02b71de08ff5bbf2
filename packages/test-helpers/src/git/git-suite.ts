/**
 * The common frame of a git test file: temp dirs for the served repositories (`root`) and
 * for clones (`work`), a real git smart-HTTP server checking `token`, and — unless turned
 * off — a check after every test that the token is nowhere in those dirs or in `captured`
 * output. Fields are filled in `beforeAll`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { startGitServer, type GitServer } from './git-http-server.js';
import { findToken } from './secret-scan.js';

export interface GitSuite {
  root: string;
  work: string;
  server: GitServer;
  /** Output a test captured; scanned for the token after the test, then emptied. */
  captured: string[];
}

export function useGitServer(token: string, options: { scanAfterEach?: boolean } = {}): GitSuite {
  const suite = { captured: [] as string[] } as GitSuite;
  beforeAll(async () => {
    suite.root = mkdtempSync(join(tmpdir(), 'imgsync-git-root-'));
    suite.work = mkdtempSync(join(tmpdir(), 'imgsync-git-work-'));
    suite.server = await startGitServer({ root: suite.root, token });
  });
  afterAll(async () => {
    await suite.server?.stop();
    rmSync(suite.root, { recursive: true, force: true });
    rmSync(suite.work, { recursive: true, force: true });
  });
  if (options.scanAfterEach !== false) {
    afterEach(() => {
      expect(findToken(token, [suite.root, suite.work], suite.captured)).toEqual([]);
      suite.captured.length = 0;
    });
  }
  return suite;
}
