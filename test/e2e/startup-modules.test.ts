/**
 * What the built CLI loads: `imgsync --version` loads neither `@imgsync/core` nor any git
 * code, and a `check` of a config without `git:` loads core but not isomorphic-git, its
 * HTTP client or Octokit (the git operations are imported on first use). Every module the
 * process loads is recorded by a module hook given through NODE_OPTIONS.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, makeSandbox, repoRoot, runCli, type Sandbox } from './support/run-cli.js';

let sandbox: Sandbox;
let hook: string;

beforeAll(() => {
  ensureBuilt();
  sandbox = makeSandbox('imgsync-startup-');
  writeFileSync(
    join(sandbox.dir, 'hooks.mjs'),
    "import { appendFileSync } from 'node:fs';\n" +
      'export async function load(url, context, nextLoad) {\n' +
      "  appendFileSync(process.env.IMGSYNC_TEST_LOAD_LOG, url + '\\n');\n" +
      '  return nextLoad(url, context);\n' +
      '}\n',
  );
  hook = join(sandbox.dir, 'register.mjs');
  writeFileSync(hook, "import { register } from 'node:module';\nregister('./hooks.mjs', import.meta.url);\n");
});
afterAll(() => sandbox?.remove());

async function loadedBy(args: string[], name: string): Promise<{ code: number | null; stdout: string; modules: string[] }> {
  const log = join(sandbox.dir, `${name}.log`);
  writeFileSync(log, '');
  const result = await runCli(args, { cwd: repoRoot, sandbox, env: { NODE_OPTIONS: `--import ${hook}`, IMGSYNC_TEST_LOAD_LOG: log } });
  const modules = readFileSync(log, 'utf8')
    .split('\n')
    .filter((url) => url && !url.startsWith('node:'));
  return { code: result.code, stdout: result.stdout, modules };
}

const git = (url: string) => /isomorphic-git|@octokit|\/core\/dist\/operations-/.test(url);

describe('modules the CLI loads', () => {
  it('--version: no @imgsync/core and no git code, only the CLI entry, commander and chalk', async () => {
    const run = await loadedBy(['--version'], 'version');
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    expect(run.modules.some((url) => url.includes('/cli/dist/bin.js'))).toBe(true);
    expect(run.modules.filter((url) => url.includes('/core/dist/'))).toEqual([]);
    expect(run.modules.filter(git)).toEqual([]);
    expect(run.modules.length).toBeLessThan(40);
  });

  it('check without git: loads @imgsync/core but not isomorphic-git, its HTTP client or Octokit', async () => {
    const run = await loadedBy(['check', '--config', 'examples/backend.ai/imgsync.config.yaml', '--no-cache'], 'check');
    expect(run.code).toBe(1); // the example is behind its snapshot on purpose
    expect(run.modules.some((url) => url.includes('/core/dist/index.js'))).toBe(true);
    expect(run.modules.filter(git)).toEqual([]);
  });
});
