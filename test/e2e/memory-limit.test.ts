/**
 * Out of memory is never how a run ends: the built CLI, given a 64 MiB heap and a target
 * file of 1.2 MB whose 1.8 million YAML tokens would need some 400 MB to edit (the `yaml`
 * CST alone), names that file as too big, exits 2 and still updates the other file, where
 * V8 would otherwise abort the process with no message.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, makeSandbox, runCli, type Sandbox } from './support/run-cli.js';

const digest = (hex: string) => `sha256:${hex.repeat(64)}`;
const app = 'spec:\n  containers:\n    - image: ghcr.io/acme/app:1.0\n';
const dense = `spec:\n  containers:\n    - image: ghcr.io/acme/app:1.0\n      args: [${'a,'.repeat(600_000)}a]\n`;
let sandbox: Sandbox;
let dir: string;

beforeAll(() => {
  ensureBuilt();
  sandbox = makeSandbox();
  dir = mkdtempSync(join(sandbox.dir, 'project-'));
  const tags = { '1.0': { manifestDigest: digest('1') }, '1.1': { manifestDigest: digest('2') } };
  writeFileSync(join(dir, 'snapshot.json'), JSON.stringify({ version: 1, registry: 'ghcr.io', repositories: { 'acme/app': { tags } } }));
  writeFileSync(join(dir, 'imgsync.config.yaml'), 'targets:\n  - files: ["*.yaml"]\n    registry: file:snapshot.json\n');
  writeFileSync(join(dir, 'app.yaml'), app);
  writeFileSync(join(dir, 'dense.yaml'), dense);
});
afterAll(() => sandbox?.remove());

describe('a file too big for the heap', () => {
  it('is a per-file error with exit 2, not an out-of-memory abort; the other file is updated', async () => {
    const run = await runCli(['update', '--no-color'], { cwd: dir, sandbox, env: { NODE_OPTIONS: '--max-old-space-size=64' }, timeoutMs: 60_000 });

    expect(run.stderr).not.toMatch(/heap out of memory|FATAL ERROR/);
    expect(run.code).toBe(2);
    expect(`${run.stdout}${run.stderr}`).toMatch(
      /dense\.yaml: editing it would need more than \d+ MiB of memory .* heap limit of \d+ MiB; .*the file is left untouched/,
    );
    expect(readFileSync(join(dir, 'dense.yaml'), 'utf8')).toBe(dense);
    expect(readFileSync(join(dir, 'app.yaml'), 'utf8')).toBe(app.replace(':1.0', ':1.1'));
  });
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});
