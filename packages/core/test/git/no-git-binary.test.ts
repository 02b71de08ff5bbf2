import { spawn, spawnSync, type SpawnOptions } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBareRepo, gitCli, showFile } from '../helpers/git/fixture-repo.js';
import { startGitServer, type GitServer } from '../helpers/git/git-http-server.js';
import { metadata, metadataFile } from '../helpers/git/image-edits.js';
import { findToken } from '../helpers/git/secret-scan.js';

const token = 'ghp_NoGitToken0123456789abcdefABCDEF012';
let root: string;
let work: string;
let server: GitServer;

/** esbuild, found through tsup (a root dev dependency) so the test needs nothing extra. */
interface Esbuild {
  build(options: Record<string, unknown>): Promise<unknown>;
}
function loadEsbuild(): Esbuild {
  const require = createRequire(import.meta.url);
  return createRequire(require.resolve('tsup'))('esbuild') as Esbuild;
}

function runNode(script: string, options: SpawnOptions): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('node', [script], { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'imgsync-git-root-'));
  work = mkdtempSync(join(tmpdir(), 'imgsync-git-work-'));
  server = await startGitServer({ root, token });
});
afterAll(async () => {
  await server.stop();
  rmSync(root, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

describe('delivery without a git executable', () => {
  it('pushes from a child process whose PATH holds only node', async () => {
    const bare = createBareRepo(root, 'nogit', { [metadataFile]: metadata });
    const bundle = join(work, 'bundle', 'run.mjs');
    await loadEsbuild().build({
      entryPoints: [fileURLToPath(new URL('../helpers/git/no-git-run.ts', import.meta.url))],
      outfile: bundle,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      logLevel: 'silent',
      banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    });
    const bin = join(work, 'bin');
    const clones = join(work, 'clones');
    mkdirSync(bin);
    mkdirSync(clones);
    symlinkSync(process.execPath, join(bin, 'node'));

    // Asynchronous: the git server runs in this process and must keep serving.
    const child = await runNode(bundle, {
      cwd: work,
      env: { PATH: bin, HOME: work, NO_GIT_URL: server.url('nogit'), NO_GIT_TOKEN: token, NO_GIT_TMPDIR: clones },
      timeout: 30_000,
    });
    expect(spawnSync('git', ['--version'], { env: { PATH: bin } }).error).toMatchObject({ code: 'ENOENT' });
    expect(child.stderr).toBe('');
    expect(`${child.status} ${child.stdout}`).toMatch(/^0 /);
    const result = JSON.parse(child.stdout) as { pushed: boolean; commit: string };
    expect(result.pushed).toBe(true);
    expect(gitCli(bare, 'rev-parse', 'main').trim()).toBe(result.commit);
    expect(showFile(bare, 'main', metadataFile)).toBe(metadata.replace('ca7b9f52b6c2', '1d2f3e4a5b6c'));
    expect(readdirSync(clones)).toEqual([]);
    expect(findToken(token, [root, clones], [child.stdout, child.stderr])).toEqual([]);
  });
});
