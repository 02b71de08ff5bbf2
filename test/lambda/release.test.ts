/**
 * Releasing the GitHub Action: `.github/workflows/release.yml` is a valid workflow (checked
 * by action-validator against the workflow schema) that builds the bundle and runs
 * `scripts/release-tag.sh`, which is run here for real against a local bare repository:
 * the version tag and the major tag end up on a commit that carries the file action.yml
 * runs, and that file, checked out from the major tag, runs.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const workflowPath = join(repoRoot, '.github/workflows/release.yml');
const script = join(repoRoot, 'scripts/release-tag.sh');
const validator = join(repoRoot, 'node_modules/.bin/action-validator');
const bundle = parse(readFileSync(join(repoRoot, 'action.yml'), 'utf8')).runs.main as string;

function run(cmd: string, args: string[], cwd: string, env: Record<string, string> = {}) {
  return spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: 60_000, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: cwd, ...env } });
}
function git(cwd: string, ...args: string[]): string {
  const out = run('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.test', '-c', 'init.defaultBranch=main', ...args], cwd);
  if (out.status !== 0) throw new Error(`git ${args.join(' ')}: ${out.stderr}`);
  return out.stdout.trim();
}

describe('.github/workflows/release.yml', () => {
  const workflow = parse(readFileSync(workflowPath, 'utf8'));

  it('is a valid workflow (action-validator), which finds a broken copy of it', () => {
    expect(run(validator, [workflowPath], repoRoot).status).toBe(0);
    const dir = mkdtempSync(join(tmpdir(), 'imgsync-wf-'));
    try {
      const broken = join(dir, 'release.yml');
      writeFileSync(broken, readFileSync(workflowPath, 'utf8').replace('runs-on: ubuntu-latest', 'runs_on: ubuntu-latest'));
      const bad = run(validator, [broken], dir);
      expect(bad.status).not.toBe(0);
      expect(bad.stdout + bad.stderr).toMatch(/runs_on/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('runs on version tags only, tests, builds the bundle, then tags it and publishes the files the build makes', () => {
    expect(workflow.on).toEqual({ push: { tags: ['v[0-9]+.[0-9]+.[0-9]+'] } });
    expect(workflow.permissions).toEqual({ contents: 'write' });
    const steps: { run?: string }[] = workflow.jobs.release.steps;
    const at = (text: string) => steps.findIndex((s) => s.run?.includes(text));
    expect(at('pnpm install --frozen-lockfile')).toBeGreaterThan(-1);
    expect(at('pnpm test')).toBeGreaterThan(at('pnpm install --frozen-lockfile'));
    expect(at('pnpm --filter @imgsync/lambda build')).toBeGreaterThan(at('pnpm test'));
    expect(at('scripts/release-tag.sh "$GITHUB_REF_NAME"')).toBeGreaterThan(at('pnpm --filter @imgsync/lambda build'));
    const publish = steps[at('gh release create')]!.run!;
    expect(at('gh release create')).toBeGreaterThan(at('scripts/release-tag.sh'));
    const assets = publish.match(/packages\/lambda\/dist\/\S+/g)!;
    expect(assets).toContain(bundle);
    for (const asset of assets) expect(readFileSync(join(repoRoot, asset)).length).toBeGreaterThan(0); // pnpm test builds them
  });
});

describe('scripts/release-tag.sh', () => {
  let dir: string;
  let work: string;
  let remote: string;
  let source: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'imgsync-release-'));
    remote = join(dir, 'remote.git');
    work = join(dir, 'work');
    mkdirSync(work);
    git(dir, 'init', '--quiet', '--bare', remote);
    git(work, 'init', '--quiet');
    copyFileSync(join(repoRoot, 'action.yml'), join(work, 'action.yml'));
    writeFileSync(join(work, '.gitignore'), 'dist/\n');
    git(work, 'add', '.');
    git(work, 'commit', '--quiet', '-m', 'source');
    git(work, 'remote', 'add', 'origin', remote);
    git(work, 'push', '--quiet', 'origin', 'HEAD:refs/heads/main');
    git(work, 'tag', 'v1.2.3');
    source = git(work, 'rev-parse', 'HEAD');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a tag that is not vX.Y.Z, and a checkout without the built bundle', () => {
    const wrong = run(script, ['v1.2'], work);
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toBe("release-tag: 'v1.2' is not a version tag vX.Y.Z\n");
    const unbuilt = run(script, ['v1.2.3'], work);
    expect(unbuilt.status).toBe(2);
    expect(unbuilt.stderr).toBe(`release-tag: ${bundle} is missing; run 'pnpm --filter @imgsync/lambda build' first\n`);
    expect(git(work, 'rev-parse', 'HEAD')).toBe(source);
  });

  it('puts vX.Y.Z and vX on a commit that carries the bundle action.yml runs, and that bundle runs from vX', () => {
    mkdirSync(dirname(join(work, bundle)), { recursive: true });
    copyFileSync(join(repoRoot, bundle), join(work, bundle)); // the real build (pnpm test builds first)
    const out = run(script, ['v1.2.3'], work);
    expect(out.stderr).not.toMatch(/error|fatal/i);
    expect(out.status).toBe(0);

    const tagged = git(remote, 'rev-parse', 'v1.2.3^{commit}');
    expect(git(remote, 'rev-parse', 'v1^{commit}')).toBe(tagged);
    expect(git(remote, 'rev-parse', `${tagged}^`)).toBe(source);
    expect(git(remote, 'diff-tree', '--no-commit-id', '--name-only', '-r', tagged)).toBe(bundle);
    expect(git(remote, 'log', '-1', '--format=%s', tagged)).toBe(`release v1.2.3: the Action's bundle (${bundle})`);

    // what a workflow's `uses: OWNER/imgsync@v1` gets
    const action = join(dir, 'action');
    git(dir, 'clone', '--quiet', '--branch', 'v1', remote, action);
    const ran = run(process.execPath, [join(action, bundle)], action, { INPUT_CONFIG: 'missing.yaml', GITHUB_WORKSPACE: action });
    expect(ran.status).toBe(1);
    expect(ran.stdout).toMatch(/^::error title=imgsync::imgsync failed \(CONFIG\): .*missing\.yaml: config file not found$/m);
  });
});
