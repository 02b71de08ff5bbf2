/**
 * Local mode (no `git:` section): the built CLI edits the files in place. The write is
 * atomic (a temp file beside the target, then one rename), keeps the file's permission
 * bits, and leaves no temp file behind.
 */
import { chmodSync, copyFileSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, makeSandbox, repoRoot, runCli, type Sandbox } from './support/run-cli.js';

const exampleDir = join(repoRoot, 'examples/backend.ai');
let sandbox: Sandbox;
let project: string;

beforeAll(() => {
  ensureBuilt();
  sandbox = makeSandbox();
  project = join(sandbox.dir, 'project');
  mkdirSync(project);
  for (const name of ['image-metadata.yml', 'imgsync.config.yaml', 'registry-snapshot.json']) copyFileSync(join(exampleDir, name), join(project, name));
});
afterAll(() => sandbox?.remove());

const run = (args: string[]) => runCli(args, { cwd: project, sandbox });

describe('imgsync update without git (local files)', () => {
  it('rewrites the file in place: only the expected rows change, the mode is kept, no temp file is left', async () => {
    const metadata = join(project, 'image-metadata.yml');
    chmodSync(metadata, 0o640);
    const original = readFileSync(metadata, 'utf8');
    const inodeBefore = statSync(metadata).ino;

    const result = await run(['update']); // imgsync.config.yaml found in the working directory
    expect(result.stderr).not.toMatch(/^error/m);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('wrote 5 changes in 1 file, 1 new repository, 1 report');

    const edited = readFileSync(metadata, 'utf8');
    expect(edited).toBe(
      original
        .replace('      - ["3.6-ubuntu18.04", "ca7b9f52b6c2"]\n', '      - ["3.6-ubuntu18.04", "e6d6d8b522dc"]\n      - ["3.7-ubuntu18.04", "5cf5f9572833"]\n')
        .replace('      - ["18.12.1-py3", "x"]\n', '      - ["18.12.1-py3", "12a9b1bd27c3"]\n')
        .replace(
          '      - ["1.0-py36", "9c5384df6631"]\n      - ["2.0-py36", "x"]\n',
          '      - ["1.0-py36", "9c5384df6631"]\n      - ["2.0-py36", "56a27136ef12"]\n',
        )
        .replace('      - ["0.6-debian", "d34a84a8b4f6"]\n', '      - ["0.6-debian", "d34a84a8b4f6"]\n      - ["1.0-debian", "cc603589393a"]\n'),
    );
    expect(statSync(metadata).mode & 0o777).toBe(0o640);
    // replaced by rename, not rewritten in place
    expect(statSync(metadata).ino).not.toBe(inodeBefore);
    expect(readdirSync(project).sort()).toEqual(['image-metadata.yml', 'imgsync.config.yaml', 'registry-snapshot.json']);

    const again = await run(['update']);
    expect(again.code).toBe(0);
    // nothing left to write, but the new repository is still named (discover: report)
    expect(again.stdout).toContain('no file changed; 1 new repository reported');
    expect(readFileSync(metadata, 'utf8')).toBe(edited);
    // check still exits 1: the file is behind the registry until someone adds the entry
    expect((await run(['check'])).code).toBe(1);
  });

  it('writes through a symlinked target file: the link stays a link and the file it points to is updated', async () => {
    const linked = join(sandbox.dir, 'linked');
    mkdirSync(join(linked, 'shared'), { recursive: true });
    for (const name of ['imgsync.config.yaml', 'registry-snapshot.json']) copyFileSync(join(exampleDir, name), join(linked, name));
    copyFileSync(join(exampleDir, 'image-metadata.yml'), join(linked, 'shared/image-metadata.yml'));
    symlinkSync('shared/image-metadata.yml', join(linked, 'image-metadata.yml'));

    const result = await runCli(['update'], { cwd: linked, sandbox });
    expect(result.code).toBe(0);
    expect(lstatSync(join(linked, 'image-metadata.yml')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(linked, 'image-metadata.yml'))).toBe('shared/image-metadata.yml');
    expect(readFileSync(join(linked, 'shared/image-metadata.yml'), 'utf8')).toContain('      - ["1.0-debian", "cc603589393a"]\n');
    expect(readdirSync(join(linked, 'shared'))).toEqual(['image-metadata.yml']);
  });

  it('a malformed file is reported with file:line:col and left byte for byte; the other file is still written (exit 2)', async () => {
    const mixed = join(sandbox.dir, 'mixed');
    mkdirSync(join(mixed, 'broken'), { recursive: true });
    copyFileSync(join(exampleDir, 'registry-snapshot.json'), join(mixed, 'registry-snapshot.json'));
    copyFileSync(join(exampleDir, 'image-metadata.yml'), join(mixed, 'image-metadata.yml'));
    const broken = 'images:\n  - name: python\n    tags:\n      - ["3.6-ubuntu18.04", "ca7b9f52b6c2"\n';
    writeFileSync(join(mixed, 'broken/image-metadata.yml'), broken);
    const config = readFileSync(join(exampleDir, 'imgsync.config.yaml'), 'utf8').replace(
      'files: ["image-metadata.yml"]',
      'files: ["broken/image-metadata.yml", "image-metadata.yml"]',
    );
    writeFileSync(join(mixed, 'imgsync.config.yaml'), config);

    const result = await runCli(['update'], { cwd: mixed, sandbox });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error broken\/image-metadata\.yml:\d+:\d+: /m);
    expect(readFileSync(join(mixed, 'broken/image-metadata.yml'), 'utf8')).toBe(broken);
    expect(readFileSync(join(mixed, 'image-metadata.yml'), 'utf8')).toContain('      - ["1.0-debian", "cc603589393a"]\n');
    expect(readdirSync(join(mixed, 'broken'))).toEqual(['image-metadata.yml']);
  });

  it('without a config file in the working directory: exit 2 and a hint to run init', async () => {
    const result = await runCli(['update'], { cwd: sandbox.home, sandbox });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/no imgsync\.config\.yaml.*imgsync init/);
  });
});
