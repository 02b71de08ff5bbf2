/**
 * `imgsync validate`: every problem of the config file, in file order, for editors,
 * pre-commit hooks and CI; exit 0 or 2. It reads the config file and nothing else: no
 * target file is globbed, no registry or git remote is asked, secret references are
 * checked for form only.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// the config's own enums (internal to core): what the message must list
import { CONFIG_ENUMS } from '../../core/src/config/config-keys.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMain } from './capture.js';

const repoRoot = join(import.meta.dirname, '../../..');
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'imgsync-validate-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const write = (name: string, lines: string[]) => {
  writeFileSync(join(dir, name), `${lines.join('\n')}\n`);
  return name;
};

const broken = [
  'targets:',
  '  - files: images.yml',
  '    format: backendia',
  '    tags: { include: "(" }',
  'registries:',
  '  docker.io: { concurrency: 0 }',
  'git:',
  '  token: hunter2-literal',
];

describe('imgsync validate', () => {
  it('passes the bundled example: exit 0, "valid"', async () => {
    const run = await runMain(['validate', '--config', join(repoRoot, 'examples/backend.ai/imgsync.config.yaml')], { cwd: dir });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/imgsync\.config\.yaml: valid\n$/);
    expect(run.stderr).toBe('');
  });

  it('prints every problem, one line each in file order, and exits 2', async () => {
    const name = write('imgsync.config.yaml', broken);
    const run = await runMain(['validate'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr.trimEnd().split('\n')).toEqual([
      `error imgsync.config.yaml:3:13: targets[0].format: must be one of ${CONFIG_ENUMS.format.join(', ')} (got "backendia"); did you mean "backendai"?`,
      'error imgsync.config.yaml:4:22: targets[0].tags.include: invalid include pattern "(": Invalid regular expression: /(/: Unterminated group',
      'error imgsync.config.yaml:6:29: registries["docker.io"].concurrency: must be a whole number from 1 to 256 (got 0)',
      'error imgsync.config.yaml:8:10: git.token: must be a reference such as env:NAME or file:PATH, never the secret itself (value not shown); set the secret in that environment variable or file',
    ]);
    expect(run.stdout).toBe(`${name}: 4 problems\n`);
    expect(run.stderr).not.toContain('hunter2');
  });

  it('--json lists the problems as an array', async () => {
    write('broken.yaml', broken);
    const run = await runMain(['validate', '--config', 'broken.yaml', '--json'], { cwd: dir });
    expect(run.code).toBe(2);
    const report = JSON.parse(run.stdout) as { valid: boolean; problems: Record<string, unknown>[] };
    expect(report.valid).toBe(false);
    expect(report.problems.map((p) => [p.line, p.col, p.setting])).toEqual([
      [3, 13, 'targets[0].format'],
      [4, 22, 'targets[0].tags.include'],
      [6, 29, 'registries["docker.io"].concurrency'],
      [8, 10, 'git.token'],
    ]);
    expect(report.problems[0]).toMatchObject({ path: 'broken.yaml', suggestion: 'backendai', expected: expect.stringContaining('one of backendai') });
    expect(report.problems[1]).toMatchObject({ rule: 'regex-compiles' });
    expect(run.stdout).not.toContain('hunter2');
  });

  it('--json on a valid config: valid, no problems, exit 0', async () => {
    write('good.yaml', ['targets:', '  - files: images.yml']);
    const run = await runMain(['validate', '--config', 'good.yaml', '--json'], { cwd: dir });
    expect({ code: run.code, report: JSON.parse(run.stdout) }).toEqual({ code: 0, report: { valid: true, problems: [] } });
  });

  it('globs no file, asks no registry and resolves no secret', async () => {
    // no file matches, the registry port is closed, the secret file and variable do not exist
    write('offline.yaml', [
      'targets:',
      '  - files: "nothing/**/*.yaml"',
      '    registry: http://127.0.0.1:9',
      'registries:',
      '  "127.0.0.1:9": { credentials: "file:no-such-secret", username: env:NO_SUCH_USER }',
      'git: { url: "https://127.0.0.1:9/o/r.git", token: env:NO_SUCH_TOKEN }',
    ]);
    const run = await runMain(['validate', '--config', 'offline.yaml'], { cwd: dir, env: {} });
    expect(run).toMatchObject({ code: 0, stderr: '' });
  });

  it('reports malformed YAML with its line and column, exit 2', async () => {
    write('syntax.yaml', ['targets:', '  - files: [a.yml']);
    const run = await runMain(['validate', '--config', 'syntax.yaml', '--json'], { cwd: dir });
    expect(run.code).toBe(2);
    const report = JSON.parse(run.stdout) as { problems: { path: string; line: number }[] };
    expect(report.problems).toHaveLength(1);
    expect(report.problems[0]).toMatchObject({ path: 'syntax.yaml', line: expect.any(Number) });
  });

  it('names a missing config file (exit 2)', async () => {
    const run = await runMain(['validate', '--config', 'absent.yaml'], { cwd: dir });
    expect(run).toEqual({ code: 2, stdout: '', stderr: 'error absent.yaml: config file not found\n' });
  });
});

describe('a config with several problems under the other commands', () => {
  it('check prints each problem on its own line, and --json carries them as error.problems', async () => {
    write('broken-check.yaml', broken);
    const plain = await runMain(['check', '--config', 'broken-check.yaml', '--no-cache'], { cwd: dir });
    expect(plain.code).toBe(2);
    expect(plain.stderr.trimEnd().split('\n')).toHaveLength(4);
    const json = await runMain(['check', '--config', 'broken-check.yaml', '--no-cache', '--json'], { cwd: dir });
    const { error } = JSON.parse(json.stdout) as { error: { code: string; exitCode: number; problems: { setting: string }[] } };
    expect(error).toMatchObject({ code: 'CONFIG', exitCode: 2 });
    expect(error.problems.map((p) => p.setting)).toEqual(['targets[0].format', 'targets[0].tags.include', 'registries["docker.io"].concurrency', 'git.token']);
  });
});
