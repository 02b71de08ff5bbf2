/**
 * Symbolic links among the target files in git mode, end to end: the built CLI, the real
 * `docker-registry` with the Backend.AI-style images, and the real git server holding a
 * repository whose `sample-configs/image-metadata.yml` is a link to
 * `data/image-metadata.yml`. It used to be skipped silently (`check` called it current,
 * `update` exited 0 unchanged): the commit's link text parsed as a plain string.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { gitCli, showFile } from '@imgsync/test-helpers/git/fixture-repo.js';
import { createBareRepoWithLinks } from '@imgsync/test-helpers/git/linked-repo.js';
import { configText, expectedMetadata, metadataPath, originalMetadata } from './support/backendai-world.js';
import { runCli } from './support/run-cli.js';
import { useE2eWorld } from './support/e2e-world.js';

const token = 'imgsync-e2e-token-symlinks-41d7a0';
const world = useE2eWorld(token);

afterEach(() => {
  expect(readdirSync(world.sandbox.tmp)).toEqual([]);
});

function linkedRepo(name: string, links: Record<string, string>, files: string[] = [metadataPath]) {
  const bare = createBareRepoWithLinks(join(world.gitRoot, 'lablup'), name, { 'data/image-metadata.yml': originalMetadata }, links);
  const configPath = join(world.sandbox.dir, `${name}.imgsync.config.yaml`);
  writeFileSync(configPath, configText({ registry: world.registry.url, gitUrl: world.git.url(`lablup/${name}`), files }));
  return { bare, configPath };
}

const run = (args: string[]) => runCli(args, { cwd: world.sandbox.dir, sandbox: world.sandbox, env: { IMGSYNC_GIT_TOKEN: token } });

describe('a target that is a symbolic link, in git mode', () => {
  it('check sees the drift through the link; update edits the file it points to and leaves the link a link', async () => {
    const { bare, configPath } = linkedRepo('linked', { [metadataPath]: '../data/image-metadata.yml' });
    const before = gitCli(bare, 'rev-parse', 'main').trim();

    const check = await run(['check', '--config', configPath]);
    expect(check.code).toBe(1);
    expect(check.stdout).toMatch(/drift: 5 changes in 1 file/);

    const update = await run(['update', '--config', configPath]);
    expect(update.stderr).not.toMatch(/^error/m);
    expect(update.code).toBe(0);
    expect(update.stdout).toMatch(/5 changes in 1 file.*: pushed [0-9a-f]{12} to main/);
    expect(gitCli(bare, 'diff', '--name-only', before, 'main').trim()).toBe('data/image-metadata.yml');
    expect(showFile(bare, 'main', 'data/image-metadata.yml')).toBe(expectedMetadata(world.pushed));
    // still a link (mode 120000) with the same target
    expect(gitCli(bare, 'ls-tree', 'main', metadataPath).split(/\s+/)[0]).toBe('120000');
    expect(showFile(bare, 'main', metadataPath)).toBe('../data/image-metadata.yml');

    const again = await run(['check', '--config', configPath, '--json']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout).files).toEqual([expect.objectContaining({ path: metadataPath, linkTo: 'data/image-metadata.yml', changed: false })]);
  });

  it('edits a file matched both as itself and through a link once, in one commit', async () => {
    const { bare, configPath } = linkedRepo('both', { [metadataPath]: '../data/image-metadata.yml' }, [metadataPath, 'data/image-metadata.yml']);
    const update = await run(['update', '--config', configPath, '--json']);
    expect(update.code).toBe(0);
    const result = JSON.parse(update.stdout) as { files: { path: string; changed: boolean }[]; changes: { kind: string }[] };
    // one result, under the path matched first (sorted: the file itself), with each edit once
    expect(result.files).toEqual([expect.objectContaining({ path: 'data/image-metadata.yml', changed: true })]);
    expect(result.changes.filter((c) => c.kind !== 'reported')).toHaveLength(5);
    expect(showFile(bare, 'main', 'data/image-metadata.yml')).toBe(expectedMetadata(world.pushed));
    expect(gitCli(bare, 'rev-list', '--count', 'main').trim()).toBe('2');
  });

  it('a link leading out of the repository is an error for that file (exit 2); the other file is still pushed', async () => {
    const { bare, configPath } = linkedRepo('escape', { [metadataPath]: '../data/image-metadata.yml', 'escape.yml': '../../../etc/passwd' }, [
      metadataPath,
      'escape.yml',
    ]);
    const update = await run(['update', '--config', configPath]);
    expect(update.code).toBe(2);
    expect(update.stderr).toContain(
      'error escape.yml: a symbolic link to "../../../etc/passwd", which leads outside the repository; imgsync edits only files the repository holds (point the target at the file itself)',
    );
    expect(showFile(bare, 'main', 'data/image-metadata.yml')).toBe(expectedMetadata(world.pushed));
    expect(showFile(bare, 'main', 'escape.yml')).toBe('../../../etc/passwd');
  });
});
