/**
 * The README's "run the main job" command on the bundled offline example, through the
 * built CLI: `imgsync update --config examples/backend.ai/imgsync.config.yaml --dry-run`
 * from the repository root. Also where the color switches are checked, on real output.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANSI, ensureBuilt, makeSandbox, repoRoot, runCli, type Sandbox } from './support/run-cli.js';

const exampleDir = join(repoRoot, 'examples/backend.ai');
const mainJob = ['update', '--config', 'examples/backend.ai/imgsync.config.yaml', '--dry-run'];
let sandbox: Sandbox;

/** Name and content hash of every file of the example, to prove a run wrote nothing. */
function exampleState(): string[] {
  return readdirSync(exampleDir)
    .sort()
    .map(
      (name) =>
        `${name} ${createHash('sha256')
          .update(readFileSync(join(exampleDir, name)))
          .digest('hex')}`,
    );
}

beforeAll(() => {
  ensureBuilt();
  sandbox = makeSandbox();
});
afterAll(() => sandbox?.remove());

const run = (args: string[], env: Record<string, string> = {}) => runCli(args, { cwd: repoRoot, sandbox, env: { ...env, IMGSYNC_GIT_TOKEN: undefined } });

describe("the README's main job on the bundled Backend.AI example", () => {
  it('exits 0, prints the expected diff lines and change list, and writes nothing', async () => {
    const before = exampleState();
    const result = await run(mainJob);
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines).toContain('--- a/image-metadata.yml');
    expect(lines).toContain('+++ b/image-metadata.yml');
    const edits = lines.filter((l) => /^[-+] /.test(l));
    expect(edits).toEqual([
      '-      - ["3.6-ubuntu18.04", "ca7b9f52b6c2"]',
      '+      - ["3.6-ubuntu18.04", "e6d6d8b522dc"]',
      '+      - ["3.7-ubuntu18.04", "5cf5f9572833"]',
      '-      - ["18.12.1-py3", "x"]',
      '+      - ["18.12.1-py3", "12a9b1bd27c3"]',
      '-      - ["2.0-py36", "x"]',
      '+      - ["2.0-py36", "56a27136ef12"]',
      '+      - ["1.0-debian", "cc603589393a"]',
    ]);
    expect(result.stdout).toMatch(/report\s+lablup\/kernel-octave:3\.8-debian is no longer in the registry/);
    // a repository of the namespace that the file has no entry for is named (discover: report)
    expect(result.stdout).toMatch(/report\s+new repository lablup\/kernel-ruby \(tags 2\.5-alpine, 2\.6-alpine\) has no entry ruby/);
    expect(result.stdout).not.toContain('backend.ai-manager');
    expect(result.stdout).toContain('dry run: 5 changes in 1 file, 1 new repository, 1 report; nothing written');
    // the snapshot's deliberately invalid entries are dropped with a warning, never written
    expect(result.stderr).toMatch(/^warning .*skipped invalid tag/m);
    expect(result.stderr).not.toMatch(/^error/m);
    expect(exampleState()).toEqual(before);
  });

  it('check on the example exits 1 (drift) and writes nothing', async () => {
    const before = exampleState();
    const result = await run(['check', '--config', 'examples/backend.ai/imgsync.config.yaml']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('drift: 5 changes in 1 file, 1 new repository, 1 report');
    expect(exampleState()).toEqual(before);
  });

  it('--json on the example prints a parseable dry-run result', async () => {
    const result = await run([...mainJob, '--json']);
    expect(result.code).toBe(0);
    const parsed = JSON.parse(result.stdout) as { dryRun: boolean; changed: boolean; files: { path: string; diff: string }[]; warnings: string[] };
    expect(parsed).toMatchObject({ dryRun: true, changed: true });
    expect(parsed.files[0]!.path).toBe('image-metadata.yml');
    expect(parsed.files[0]!.diff).toContain('+      - ["1.0-debian", "cc603589393a"]');
    expect(parsed.warnings.length).toBeGreaterThan(0);
    expect(result.stdout).not.toMatch(ANSI);
  });
});

describe('colors', () => {
  it('are off when piped, and with NO_COLOR or --no-color even when FORCE_COLOR asks for them', async () => {
    // (the full matrix runs in-process in packages/cli/test; here, the real process and streams)
    for (const [args, env] of [
      [mainJob, {}],
      [mainJob, { NO_COLOR: '1', FORCE_COLOR: '1' }],
      [[...mainJob, '--no-color'], { FORCE_COLOR: '1' }],
    ] as const) {
      const result = await run([...args], env);
      expect(result.code).toBe(0);
      expect(result.stdout + result.stderr, `${args.join(' ')} ${JSON.stringify(env)}`).not.toMatch(ANSI);
    }
  });

  it('are on with FORCE_COLOR, even when piped: red removals, green additions, yellow warnings', async () => {
    const result = await run(mainJob, { FORCE_COLOR: '1' });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('\x1b[31m-      - ["3.6-ubuntu18.04", "ca7b9f52b6c2"]\x1b[39m');
    expect(result.stdout).toContain('\x1b[32m+      - ["3.7-ubuntu18.04", "5cf5f9572833"]\x1b[39m');
    expect(result.stderr).toMatch(/\x1b\[33mwarning\x1b\[39m/);
  });
});
