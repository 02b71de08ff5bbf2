/**
 * The other scheduled front ends of the same bundle: `node handler.mjs` (the Kubernetes
 * CronJob, plain cron) and the GitHub Action (`action.yml` -> `dist/action.mjs`), run as
 * child processes on a copy of the Backend.AI example (offline snapshot registry, no
 * git: the file is written in place), and the manifests that run them.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { bundlePath } from './support/lambda-sandbox.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const example = join(repoRoot, 'examples/backend.ai');
const actionPath = join(repoRoot, 'packages/lambda/dist/action.mjs');
const dirs: string[] = [];

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'imgsync-entry-'));
  dirs.push(dir);
  cpSync(example, join(dir, 'ws'), { recursive: true });
  return join(dir, 'ws');
}

function run(script: string, cwd: string, env: Record<string, string>) {
  const child = spawnSync(process.execPath, [script], {
    cwd,
    env: { PATH: dirname(process.execPath), TMPDIR: dirname(cwd), ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: child.status, stdout: child.stdout, stderr: child.stderr };
}

const jsonLines = (stdout: string) =>
  stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('node handler.mjs (CronJob, cron)', () => {
  it('runs once and exits 0, logging changes and a summary', () => {
    const ws = workspace();
    const before = readFileSync(join(ws, 'image-metadata.yml'), 'utf8');
    const out = run(bundlePath, ws, { IMGSYNC_CONFIG_FILE: 'imgsync.config.yaml' });
    expect(out.stderr).toBe('');
    expect(out.status).toBe(0);
    const lines = jsonLines(out.stdout);
    const summary = lines.find((l) => l.msg === 'summary');
    expect(summary).toMatchObject({ level: 'info', changed: true, files: 1, pushed: false, errors: 0 });
    expect(lines.filter((l) => l.msg === 'change' && l.kind !== 'reported')).toHaveLength(summary!.changes as number);
    // a repository of the namespace without an entry: one warn line with its code, counted in the summary
    expect(lines.filter((l) => l.code === 'new-repository')).toEqual([
      expect.objectContaining({ level: 'warn', image: 'lablup/kernel-ruby', kind: 'reported' }),
    ]);
    expect(summary).toMatchObject({ newRepositories: 1 });
    expect(readFileSync(join(ws, 'image-metadata.yml'), 'utf8')).not.toBe(before);
    // run again: up to date
    const again = jsonLines(run(bundlePath, ws, { IMGSYNC_CONFIG_FILE: 'imgsync.config.yaml' }).stdout).find((l) => l.msg === 'summary');
    expect(again).toMatchObject({ changed: false, changes: 0 });
  });

  it('with IMGSYNC_RECORD records the tick there instead of running: nothing edited, one snapshot-recorded line', () => {
    const ws = workspace();
    const before = readFileSync(join(ws, 'image-metadata.yml'), 'utf8');
    const out = run(bundlePath, ws, { IMGSYNC_CONFIG_FILE: 'imgsync.config.yaml', IMGSYNC_RECORD: join(ws, 'tick.json') });
    expect(out.stderr).toBe('');
    expect(out.status).toBe(0);
    expect(jsonLines(out.stdout).find((l) => l.msg === 'snapshot-recorded')).toMatchObject({ level: 'info', recorded: join(ws, 'tick.json'), shards: 1 });
    // the example answers from a file: snapshot, which is not a live registry to record
    expect(JSON.parse(readFileSync(join(ws, 'tick.json'), 'utf8'))).toMatchObject({ version: 1, snapshots: [] });
    expect(readFileSync(join(ws, 'image-metadata.yml'), 'utf8')).toBe(before);
  });

  it('runs when reached through symlinks, as a ConfigMap mounts it', () => {
    const ws = workspace();
    // ConfigMap layout: handler.mjs -> ..data/handler.mjs, ..data -> ..2024_01_01_00_00_00.000000001
    mkdirSync(join(ws, '..2024_01_01_00_00_00.000000001'));
    copyFileSync(bundlePath, join(ws, '..2024_01_01_00_00_00.000000001', 'handler.mjs'));
    symlinkSync('..2024_01_01_00_00_00.000000001', join(ws, '..data'));
    symlinkSync('..data/handler.mjs', join(ws, 'handler.mjs'));
    const out = run(join(ws, 'handler.mjs'), ws, { IMGSYNC_CONFIG_FILE: 'imgsync.config.yaml', IMGSYNC_DRY_RUN: 'true' });
    expect(out.status).toBe(0);
    expect(jsonLines(out.stdout).find((l) => l.msg === 'summary')).toMatchObject({ changed: true, pushed: false });
  });

  it('exits 1 with the reason in a "failed" line', () => {
    const ws = workspace();
    const out = run(bundlePath, ws, { IMGSYNC_CONFIG_FILE: 'missing.yaml' });
    expect(out.status).toBe(1);
    expect(jsonLines(out.stdout)).toEqual([
      expect.objectContaining({
        level: 'error',
        msg: 'failed',
        code: 'CONFIG',
        path: expect.stringMatching(/missing\.yaml$/),
        error: expect.stringContaining('config file not found'),
      }),
    ]);
  });
});

describe('the GitHub Action', () => {
  it('runs the bundle action.yml names, with its inputs, and writes outputs and a job summary', () => {
    const action = parse(readFileSync(join(repoRoot, 'action.yml'), 'utf8')) as {
      runs: { using: string; main: string };
      inputs: Record<string, { default?: string }>;
      outputs: Record<string, unknown>;
    };
    expect(action.runs.using).toMatch(/^node(20|24)$/);
    expect(resolve(repoRoot, action.runs.main)).toBe(actionPath);
    expect(existsSync(actionPath)).toBe(true);

    const ws = workspace();
    const outputFile = join(dirname(ws), 'output');
    const summaryFile = join(dirname(ws), 'summary.md');
    writeFileSync(outputFile, '');
    writeFileSync(summaryFile, '');
    const inputs = Object.fromEntries(
      Object.entries(action.inputs).map(([name, input]) => [`INPUT_${name.toUpperCase()}`, name === 'token' ? 'not-used-without-git' : (input.default ?? '')]),
    );
    const out = run(actionPath, ws, { ...inputs, GITHUB_WORKSPACE: ws, GITHUB_OUTPUT: outputFile, GITHUB_STEP_SUMMARY: summaryFile });
    expect(out.stderr).toBe('');
    expect(out.status).toBe(0);
    const outputs = Object.fromEntries(
      readFileSync(outputFile, 'utf8')
        .trim()
        .split('\n')
        .map((l) => l.split(/=(.*)/s).slice(0, 2)),
    );
    expect(Object.keys(outputs).sort()).toEqual(Object.keys(action.outputs).sort());
    expect(outputs).toMatchObject({ changed: 'true', pushed: 'false', commit: '' });
    expect(Number(outputs.changes)).toBeGreaterThan(0);
    const summary = readFileSync(summaryFile, 'utf8');
    expect(summary).toMatch(/^### imgsync: \d+ change\(s\), not pushed\n/);
    expect(summary).toContain('| image-metadata.yml | lablup/kernel-');
    // the example's namespace has a repository the file has no entry for
    expect(outputs['new-repositories']).toBe('lablup/kernel-ruby');
    expect(summary).toContain('new repository lablup/kernel-ruby');
  });

  it('with the record input writes the tick into the workspace and edits nothing; the snapshot input reads it back', () => {
    const ws = workspace();
    const before = readFileSync(join(ws, 'image-metadata.yml'), 'utf8');
    const summaryFile = join(dirname(ws), 'summary.md');
    writeFileSync(summaryFile, '');
    const recorded = run(actionPath, ws, {
      INPUT_CONFIG: 'imgsync.config.yaml',
      INPUT_RECORD: 'tick.json',
      GITHUB_WORKSPACE: ws,
      GITHUB_STEP_SUMMARY: summaryFile,
    });
    expect(recorded.stderr).toBe('');
    expect(recorded.status).toBe(0);
    expect(JSON.parse(readFileSync(join(ws, 'tick.json'), 'utf8'))).toMatchObject({ version: 1 });
    expect(readFileSync(summaryFile, 'utf8')).toMatch(/^### imgsync: recorded 0 repositories, 0 tags/);
    expect(readFileSync(join(ws, 'image-metadata.yml'), 'utf8')).toBe(before);
    const shard = run(actionPath, ws, { INPUT_CONFIG: 'imgsync.config.yaml', INPUT_SNAPSHOT: 'tick.json', GITHUB_WORKSPACE: ws });
    expect(shard.status).toBe(0);
    expect(jsonLines(shard.stdout).find((l) => l.msg === 'snapshot')).toMatchObject({ from: join(ws, 'tick.json') });
    const missing = run(actionPath, ws, { INPUT_CONFIG: 'imgsync.config.yaml', INPUT_SNAPSHOT: 'no-such-tick.json', GITHUB_WORKSPACE: ws });
    expect(missing.status).toBe(1);
    expect(missing.stdout).toMatch(/::error title=imgsync::.*no-such-tick\.json.*cannot read snapshot/);
  });

  it('fails the step with an error annotation', () => {
    const ws = workspace();
    const out = run(actionPath, ws, { INPUT_CONFIG: 'nope.yaml', GITHUB_WORKSPACE: ws });
    expect(out.status).toBe(1);
    expect(out.stdout).toMatch(/^::error title=imgsync::imgsync failed \(CONFIG\): .*nope\.yaml: config file not found$/m);
  });
});

describe('deploy/kubernetes/cronjob.yaml', () => {
  it('runs the bundle once per schedule, never two at once, read-only, token from a Secret', () => {
    const cron = parse(readFileSync(join(repoRoot, 'deploy/kubernetes/cronjob.yaml'), 'utf8'));
    expect(cron).toMatchObject({ apiVersion: 'batch/v1', kind: 'CronJob', spec: { concurrencyPolicy: 'Forbid' } });
    expect(cron.spec.schedule.split(' ')).toHaveLength(5);
    const pod = cron.spec.jobTemplate.spec.template.spec;
    expect(pod.restartPolicy).toBe('Never');
    const [container] = pod.containers;
    expect(container.command).toEqual(['node', '/opt/imgsync/handler.mjs']);
    expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
    const env = Object.fromEntries(container.env.map((e: { name: string }) => [e.name, e]));
    expect(env.IMGSYNC_GIT_TOKEN.valueFrom.secretKeyRef).toEqual({ name: 'imgsync-git-token', key: 'token' });
    expect(env.IMGSYNC_CONFIG_FILE.value).toBe('/opt/imgsync/imgsync.config.yaml');
    const mounts = Object.fromEntries(container.volumeMounts.map((m: { name: string; mountPath: string }) => [m.mountPath, m.name]));
    expect(mounts).toEqual({ '/opt/imgsync': 'bundle', '/tmp': 'tmp' });
    expect(pod.volumes.find((v: { name: string }) => v.name === 'tmp').emptyDir).toBeDefined();
  });
});
