/**
 * Fixture repositories made with the git CLI (tests only; the library never runs git):
 * a bare repository served by {@link startGitServer}, seeded with files on `main`, and
 * helpers to read it back.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const gitEnv = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Fixture',
  GIT_AUTHOR_EMAIL: 'fixture@example.test',
  GIT_COMMITTER_NAME: 'Fixture',
  GIT_COMMITTER_EMAIL: 'fixture@example.test',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
};

export function gitCli(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env: gitEnv, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
}

/** Creates `<root>/<name>.git` (bare, `http.receivepack` on) with one commit holding `files` on `main`. */
export function createBareRepo(root: string, name: string, files: Record<string, string>): string {
  const bare = join(root, `${name}.git`);
  execFileSync('git', ['init', '--quiet', '--bare', '--initial-branch=main', bare], { env: gitEnv });
  gitCli(bare, 'config', 'http.receivepack', 'true');
  const work = mkdtempSync(join(tmpdir(), 'imgsync-fixture-'));
  try {
    gitCli(work, 'init', '--quiet', '--initial-branch=main');
    writeFiles(work, files);
    gitCli(work, 'add', '-A');
    gitCli(work, 'commit', '--quiet', '-m', 'initial');
    gitCli(work, 'push', '--quiet', bare, 'main');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return bare;
}

/** Commits `files` onto `branch` of a bare repo, as "a person pushing meanwhile" would. */
export function commitToBare(bare: string, files: Record<string, string>, message = 'meanwhile', branch = 'main'): string {
  const work = mkdtempSync(join(tmpdir(), 'imgsync-fixture-'));
  try {
    gitCli(work, 'clone', '--quiet', '--branch', branch, bare, '.');
    writeFiles(work, files);
    gitCli(work, 'add', '-A');
    gitCli(work, 'commit', '--quiet', '-m', message);
    gitCli(work, 'push', '--quiet', 'origin', branch);
    return gitCli(work, 'rev-parse', 'HEAD').trim();
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
}

/** `git show <rev>:<path>` in a bare repo. */
export function showFile(bare: string, rev: string, path: string): string {
  return gitCli(bare, 'show', `${rev}:${path}`);
}
