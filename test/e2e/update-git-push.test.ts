/**
 * `imgsync update` / `check` end to end with real components: the built CLI as a child
 * process, Debian's `docker-registry` holding Backend.AI-style images, and `git
 * http-backend` behind a token-checking HTTP server holding Backend.AI's real
 * `image-metadata.yml`.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createBareRepo, gitCli, showFile } from '@imgsync/test-helpers/git/fixture-repo.js';
import { findToken } from '@imgsync/test-helpers/git/secret-scan.js';
import { configText, expectedMetadata, metadataPath, originalMetadata } from './support/backendai-world.js';
import { runCli } from './support/run-cli.js';
import { useE2eWorld } from './support/e2e-world.js';

const token = 'imgsync-e2e-token-7f3a9c1e5b2d4086';
const world = useE2eWorld(token);

afterEach(() => {
  // every run removes its shallow clone, whatever the outcome
  expect(readdirSync(world.sandbox.tmp)).toEqual([]);
});

/** A bare repository `lablup/<name>.git` holding the corpus file (plus `extra` files) and a config delivering to it. */
function repoWithConfig(name: string, extra: Record<string, string> = {}, options: { files?: string[]; extraTargets?: string[] } = {}) {
  const bare = createBareRepo(join(world.gitRoot, 'lablup'), name, { [metadataPath]: originalMetadata, 'README.md': '# fixture\n', ...extra });
  const configPath = join(world.sandbox.dir, `${name}.imgsync.config.yaml`);
  writeFileSync(configPath, configText({ registry: world.registry.url, gitUrl: world.git.url(`lablup/${name}`), ...options }));
  return { bare, configPath, head: () => gitCli(bare, 'rev-parse', 'main').trim(), count: () => Number(gitCli(bare, 'rev-list', '--count', 'main').trim()) };
}

const run = (args: string[], env: Record<string, string | undefined> = { IMGSYNC_GIT_TOKEN: token }) =>
  runCli(args, { cwd: world.sandbox.dir, sandbox: world.sandbox, env });

describe('imgsync update (git push mode, real registry and git server)', () => {
  it('check exits 1, update pushes exactly one commit touching only the moved, new and filled rows, a second update makes no commit, check exits 0', async () => {
    const repo = repoWithConfig('push-once');
    const before = repo.head();

    const drift = await run(['check', '--config', repo.configPath]);
    expect(drift.code).toBe(1);
    expect(drift.stdout).toContain('lablup/kernel-python:3.6-ubuntu18.04');
    expect(drift.stdout).toMatch(/drift: 5 changes in 1 file/);
    // a tag the file lists that the registry no longer has is reported, not edited
    expect(drift.stdout).toMatch(/report\s+lablup\/kernel-go:1\.8-alpine/);
    expect(repo.head()).toBe(before);

    const first = await run(['update', '--config', repo.configPath]);
    expect(first.stderr).not.toMatch(/^error/m);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/5 changes in 1 file.*: pushed [0-9a-f]{12} to main/);

    expect(repo.count()).toBe(2);
    expect(gitCli(repo.bare, 'rev-parse', 'main~1').trim()).toBe(before);
    expect(gitCli(repo.bare, 'diff', '--name-only', before, 'main').trim()).toBe(metadataPath);
    expect(showFile(repo.bare, 'main', metadataPath)).toBe(expectedMetadata(world.pushed));
    const diff = gitCli(repo.bare, 'diff', '--unified=0', before, 'main');
    const touched = diff.split('\n').filter((l) => /^[-+] /.test(l));
    expect(touched).toEqual([
      '-      - ["3.6-ubuntu18.04", "ca7b9f52b6c2"]',
      `+      - ["3.6-ubuntu18.04", "${world.pushed.python36}"]`,
      `+      - ["3.7-ubuntu18.04", "${world.pushed.python37}"]`,
      '-      - ["18.12.1-py3", "x"]',
      `+      - ["18.12.1-py3", "${world.pushed.ngcPytorch}"]`,
      '-      - ["0.6-debian", "d34a84a8b4f6"]',
      `+      - ["0.6-debian", "${world.pushed.juliaAmd64}"]`,
      '-      - ["1.9-alpine", "6664d2b3b5f1"]',
      `+      - ["1.9-alpine", "${world.pushed.go19}"]`,
    ]);
    expect(gitCli(repo.bare, 'log', '-1', '--format=%an <%ae>', 'main').trim()).toBe('imgsync-e2e <imgsync-e2e@example.test>');

    const second = await run(['update', '--config', repo.configPath]);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('up to date');
    expect(repo.count()).toBe(2);

    const current = await run(['check', '--config', repo.configPath]);
    expect(current.code).toBe(0);
    expect(current.stdout).toContain('up to date');
  });

  it('--json prints one parseable result object with the changes and the pushed commit', async () => {
    const repo = repoWithConfig('json');
    const result = await run(['update', '--json', '--config', repo.configPath]);
    expect(result.code).toBe(0);
    const parsed = JSON.parse(result.stdout) as {
      changed: boolean;
      changes: { kind: string; image: string; tag?: string; new?: string }[];
      delivery: { mode: string; pushed: boolean; commit: string; branch: string };
      errors: unknown[];
    };
    expect(parsed.changed).toBe(true);
    expect(parsed.errors).toEqual([]);
    expect(parsed.delivery).toMatchObject({ mode: 'push', pushed: true, branch: 'main' });
    expect(parsed.delivery.commit).toBe(repo.head());
    expect(
      parsed.changes
        .filter((c) => c.kind !== 'reported')
        .map((c) => `${c.kind} ${c.image}:${c.tag} ${c.new}`)
        .sort(),
    ).toEqual(
      [
        `updated lablup/kernel-python:3.6-ubuntu18.04 ${world.pushed.python36}`,
        `added lablup/kernel-python:3.7-ubuntu18.04 ${world.pushed.python37}`,
        `updated lablup/kernel-julia:0.6-debian ${world.pushed.juliaAmd64}`,
        `filled lablup/kernel-ngc-pytorch:18.12.1-py3 ${world.pushed.ngcPytorch}`,
        `updated lablup/kernel-go:1.9-alpine ${world.pushed.go19}`,
      ].sort(),
    );
  });

  it('--dry-run prints the diff and pushes nothing', async () => {
    const repo = repoWithConfig('dry-run');
    const before = repo.head();
    const result = await run(['update', '--dry-run', '--config', repo.configPath]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`--- a/${metadataPath}`);
    expect(result.stdout).toContain(`+++ b/${metadataPath}`);
    expect(result.stdout).toContain(`+      - ["3.7-ubuntu18.04", "${world.pushed.python37}"]`);
    expect(result.stdout).toContain('-      - ["0.6-debian", "d34a84a8b4f6"]');
    expect(result.stdout).toContain('nothing written');
    expect(repo.head()).toBe(before);
    expect(gitCli(repo.bare, 'branch', '--list').trim()).toBe('* main');
  });

  it('a malformed target file gives exit 2 with file:line:col, stays untouched, and the other target is still delivered', async () => {
    const broken = 'images:\n  - name: python\n    tags:\n      - ["3.6-ubuntu18.04", "ca7b9f52b6c2"\n  - name: ruby\n';
    const repo = repoWithConfig('malformed', { 'broken/image-metadata.yml': broken }, { files: ['broken/image-metadata.yml', metadataPath] });
    const before = repo.head();
    const result = await run(['update', '--config', repo.configPath]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/broken\/image-metadata\.yml:\d+:\d+/);
    expect(showFile(repo.bare, 'main', 'broken/image-metadata.yml')).toBe(broken);
    expect(showFile(repo.bare, 'main', metadataPath)).toBe(expectedMetadata(world.pushed));
    expect(gitCli(repo.bare, 'diff', '--name-only', before, 'main').trim()).toBe(metadataPath);
  });

  it('a wrong git token gives exit 3 naming the remote, and neither token appears in the output or the temp dirs', async () => {
    const repo = repoWithConfig('wrong-token');
    const before = repo.head();
    const wrong = 'imgsync-wrong-token-0c8e2f4a6b1d3957';
    const result = await run(['update', '--verbose', '--config', repo.configPath], { IMGSYNC_GIT_TOKEN: wrong });
    expect(result.code).toBe(3);
    const errorLine = result.stderr.split('\n').find((l) => l.startsWith('error'));
    expect(errorLine).toContain(`127.0.0.1:${new URL(world.git.baseUrl).port}`);
    expect(errorLine).toMatch(/HTTP 401.*authentication failed/);
    expect(repo.head()).toBe(before);
    for (const t of [wrong, token]) expect(findToken(t, [world.sandbox.tmp, world.sandbox.home], [result.stdout, result.stderr])).toEqual([]);
  });

  it('no token in the environment: exit 2 naming the variable, before any network call', async () => {
    const repo = repoWithConfig('no-token');
    const before = repo.head();
    world.git.resetTraffic();
    const result = await run(['update', '--config', repo.configPath], {});
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error .*IMGSYNC_GIT_TOKEN/m);
    expect(world.git.traffic.requests).toBe(0);
    expect(repo.head()).toBe(before);
  });

  it('--push without a git: section commits and pushes the checkout in the working directory', async () => {
    const bare = createBareRepo(join(world.gitRoot, 'lablup'), 'checkout', { [metadataPath]: originalMetadata });
    const work = join(world.sandbox.dir, 'checkout');
    gitCli(world.sandbox.dir, 'clone', '--quiet', bare, work);
    gitCli(work, 'remote', 'set-url', 'origin', world.git.url('lablup/checkout'));
    writeFileSync(join(work, 'imgsync.config.yaml'), configText({ registry: world.registry.url }));

    const result = await runCli(['update', '--push'], { cwd: work, sandbox: world.sandbox, env: { IMGSYNC_GIT_TOKEN: token } });
    expect(result.stderr).not.toMatch(/^error/m);
    expect(result.code).toBe(0);
    expect(showFile(bare, 'main', metadataPath)).toBe(expectedMetadata(world.pushed));
    expect(gitCli(bare, 'rev-list', '--count', 'main').trim()).toBe('2');
    expect(gitCli(work, 'rev-parse', 'HEAD').trim()).toBe(gitCli(bare, 'rev-parse', 'main').trim());
    // the config file, untracked, stays where it was and is not committed
    expect(gitCli(work, 'status', '--porcelain').trim()).toBe('?? imgsync.config.yaml');
    expect(findToken(token, [work, world.sandbox.tmp, world.sandbox.home], [result.stdout, result.stderr])).toEqual([]);
  });

  it('files patterns mean the same in a clone as on disk: "!dir" leaves that directory out, other files are not picked up', async () => {
    const broken = 'images:\n  - name: [python\n';
    const repo = repoWithConfig('patterns', { 'vendor/image-metadata.yml': broken, 'docs/notes.txt': 'not yaml: [\n' }, { files: ['**/*.yml', '!vendor'] });
    const before = repo.head();
    const result = await run(['update', '--json', '--config', repo.configPath]);
    expect(result.stderr).not.toMatch(/^error/m);
    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout) as { files: { path: string }[] }).files.map((f) => f.path)).toEqual([metadataPath]);
    expect(gitCli(repo.bare, 'diff', '--name-only', before, 'main').trim()).toBe(metadataPath);
  });
});
