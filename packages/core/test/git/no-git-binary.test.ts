import { spawn, spawnSync, type SpawnOptions } from 'node:child_process';
import { mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createBareRepo, gitCli, showFile } from '@imgsync/test-helpers/git/fixture-repo.js';
import { metadata, metadataFile } from '@imgsync/test-helpers/git/image-edits.js';
import { findToken } from '@imgsync/test-helpers/git/secret-scan.js';
import { useGitServer } from '@imgsync/test-helpers/git/git-suite.js';

const token = 'ghp_NoGitToken0123456789abcdefABCDEF012';
const suite = useGitServer(token, { scanAfterEach: false });

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
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('delivery without a git executable', () => {
  it('pushes from a child process whose PATH holds only node', async () => {
    const bare = createBareRepo(suite.root, 'nogit', { [metadataFile]: metadata });
    const bundle = join(suite.work, 'bundle', 'run.mjs');
    await loadEsbuild().build({
      entryPoints: [fileURLToPath(new URL('../../../test-helpers/src/git/no-git-run.ts', import.meta.url))],
      outfile: bundle,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      logLevel: 'silent',
      banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    });
    const bin = join(suite.work, 'bin');
    const clones = join(suite.work, 'clones');
    mkdirSync(bin);
    mkdirSync(clones);
    symlinkSync(process.execPath, join(bin, 'node'));

    // Asynchronous: the git server runs in this process and must keep serving.
    const child = await runNode(bundle, {
      cwd: suite.work,
      env: { PATH: bin, HOME: suite.work, NO_GIT_URL: suite.server.url('nogit'), NO_GIT_TOKEN: token, NO_GIT_TMPDIR: clones },
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
    expect(findToken(token, [suite.root, clones], [child.stdout, child.stderr])).toEqual([]);
  });
});
