/**
 * A bare repository (as {@link createBareRepo} makes it) whose commit also holds symbolic
 * links: `links` maps a path to the link's target text, committed by the git CLI as
 * mode 120000 entries, exactly as a person's `ln -s` and `git add` would.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gitCli, writeFiles } from './fixture-repo.js';

export function createBareRepoWithLinks(root: string, name: string, files: Record<string, string>, links: Record<string, string>): string {
  const bare = join(root, `${name}.git`);
  mkdirSync(root, { recursive: true });
  execFileSync('git', ['init', '--quiet', '--bare', '--initial-branch=main', bare]);
  gitCli(bare, 'config', 'http.receivepack', 'true');
  const work = mkdtempSync(join(tmpdir(), 'imgsync-fixture-'));
  try {
    gitCli(work, 'init', '--quiet', '--initial-branch=main');
    writeFiles(work, files);
    for (const [path, target] of Object.entries(links)) {
      mkdirSync(dirname(join(work, path)), { recursive: true });
      symlinkSync(target, join(work, path));
    }
    gitCli(work, 'add', '-A');
    gitCli(work, 'commit', '--quiet', '-m', 'initial');
    gitCli(work, 'push', '--quiet', bare, 'main');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return bare;
}
