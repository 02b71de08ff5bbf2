import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FORMATS } from '@imgsync/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pushImage } from '@imgsync/test-helpers/registry/push.js';
import { startRegistry, type RunningRegistry } from '@imgsync/test-helpers/registry/registry-server.js';
import { runMain } from './capture.js';

const repoRoot = join(import.meta.dirname, '../../..');
const example = join(repoRoot, 'examples/backend.ai/imgsync.config.yaml');
let dir: string;
let env: Record<string, string>;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'imgsync-cli-'));
  // a private cache so that runs neither read nor write the user's
  env = { HOME: dir, XDG_CACHE_HOME: join(dir, 'cache') };
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('imgsync (argument handling)', () => {
  it('--version prints the package version and exits 0', async () => {
    const { version } = JSON.parse(readFileSync(join(repoRoot, 'packages/cli/package.json'), 'utf8')) as { version: string };
    const run = await runMain(['--version'], { cwd: dir, env });
    expect(run).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('--help lists the commands, examples, exit codes and environment', async () => {
    const run = await runMain(['--help'], { cwd: dir, env });
    expect(run.code).toBe(0);
    for (const text of [
      'update',
      'check',
      'validate',
      'snapshot',
      'init',
      'Examples:',
      'imgsync update --dry-run',
      'Exit codes: 0 ok, 1 check found drift, 2',
      'NO_COLOR',
      'FORCE_COLOR',
    ]) {
      expect(run.stdout).toContain(text);
    }
  });

  it('no command, an unknown command or an unknown option is a usage error: exit 2 with a pointer to --help', async () => {
    for (const args of [[], ['bogus'], ['update', '--bogus']]) {
      const run = await runMain(args, { cwd: dir, env });
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stdout).toBe('');
    }
    const unknown = await runMain(['update', '--bogus'], { cwd: dir, env });
    expect(unknown.stderr).toContain("unknown option '--bogus'");
    expect(unknown.stderr).toContain('imgsync --help');
  });

  it.each([
    [['update', '--push', '--no-push'], '--push and --no-push conflict: pass one of them'],
    [['check', '--cache', 'x.json', '--no-cache'], '--cache and --no-cache conflict: pass one of them'],
    [['update', '--cache=x.json', '--no-cache'], '--cache and --no-cache conflict: pass one of them'],
    [['-q', 'check', '-v'], '-q and -v conflict: pass one of them'],
    [['check', '-qv'], '-q and -v conflict: pass one of them'],
    [['check', '--quiet', '--verbose'], '--quiet and --verbose conflict: pass one of them'],
    [['update', '--dry-run', '--push'], '--dry-run and --push conflict: a dry run writes and pushes nothing'],
    [['update', '-n', '--push'], '-n and --push conflict: a dry run writes and pushes nothing'],
  ])('refuses conflicting flags %j as a usage error (exit 2) before reading any config', async (args, message) => {
    const run = await runMain([...args, '--config', example], { cwd: dir, env });
    expect(run).toEqual({ code: 2, stdout: '', stderr: `error ${message}\n` });
  });

  it('snapshot without --namespace or --repository: exit 2 saying what is missing', async () => {
    const run = await runMain(['snapshot', '--registry', 'http://127.0.0.1:9'], { cwd: dir, env });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^error snapshot needs --namespace NAME or --repository NAME/);
  });
});

describe('imgsync update / check (config errors)', () => {
  it('a config file that does not exist: exit 2 naming it', async () => {
    const run = await runMain(['update', '--config', 'nope.yaml'], { cwd: dir, env });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('error nope.yaml: config file not found\n');
  });

  it('an invalid config: exit 2 with file:line:col and a suggestion, one line; the stack only with --verbose', async () => {
    writeFileSync(join(dir, 'bad.yaml'), 'targets:\n  - files: ["a.yml"]\n    format: backendia\n');
    const plain = await runMain(['check', '--config', 'bad.yaml'], { cwd: dir, env });
    expect(plain.code).toBe(2);
    expect(plain.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^error bad\.yaml:3:13: targets\[0\]\.format: .*did you mean "backendai"\?$/)]);
    const verbose = await runMain(['check', '--verbose', '--config', 'bad.yaml'], { cwd: dir, env });
    expect(verbose.code).toBe(2);
    expect(verbose.stderr).toMatch(/\n\s+at /);
  });
});

describe('imgsync update / check (on the bundled example, in-process)', () => {
  it('check exits 1 on drift; --quiet prints nothing but keeps the exit code', async () => {
    const loud = await runMain(['check', '--config', example], { cwd: dir, env });
    expect(loud.code).toBe(1);
    expect(loud.stdout).toContain('drift: 5 changes in 1 file, 1 new repository, 1 report');
    expect(loud.stdout).toContain('new repository lablup/kernel-ruby');
    const quiet = await runMain(['check', '--quiet', '--config', example], { cwd: dir, env });
    expect(quiet).toEqual({ code: 1, stdout: '', stderr: '' });
  });

  it('--json still prints the result under --quiet, and nothing else goes to stdout', async () => {
    const run = await runMain(['update', '--dry-run', '--json', '--quiet', '--config', example], { cwd: dir, env });
    expect(run.code).toBe(0);
    const parsed = JSON.parse(run.stdout) as { dryRun: boolean; drift: boolean; changes: { code?: string; image: string }[] };
    expect(parsed.dryRun).toBe(true);
    expect(parsed.drift).toBe(true);
    expect(parsed.changes).toHaveLength(7);
    expect(parsed.changes.filter((c) => c.code === 'new-repository').map((c) => c.image)).toEqual(['lablup/kernel-ruby']);
  });

  it('shows a progress line on a terminal and clears it; prints none when piped', async () => {
    const tty = await runMain(['update', '--dry-run', '--config', example], { cwd: dir, env, tty: true });
    expect(tty.code).toBe(0);
    const steps = [...tty.stderr.matchAll(/\r\x1b\[2K.*?registry (\d+)\/(\d+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
    expect(steps.length).toBeGreaterThan(1);
    // counts up to a fixed total (one per repository of the file)
    expect(new Set(steps.map(([, total]) => total)).size).toBe(1);
    expect(steps.map(([done]) => done)).toEqual(steps.map((_, i) => i + 1));
    expect(steps.at(-1)![0]).toBe(steps.at(-1)![1]);
    // and the line is cleared before the result is printed
    expect(tty.stderr.split('\r\x1b[2K').at(-1)).not.toMatch(/(registry|apply) \d+\/\d+/);
    const piped = await runMain(['update', '--dry-run', '--config', example], { cwd: dir, env, tty: false });
    expect(piped.stderr).not.toContain('\r');
    expect(piped.stderr).not.toContain('\x1b[');
  });

  it("colors follow chalk's detection, NO_COLOR, FORCE_COLOR and --no-color", async () => {
    const args = ['update', '--dry-run', '--config', example];
    const colored = /\x1b\[3\dm/;
    const detected = { cwd: dir, tty: true, colorLevel: 1 } as const;
    expect((await runMain(args, { ...detected, env })).stdout).toMatch(colored);
    // a terminal chalk finds no colours on (TERM=dumb) gets none
    expect((await runMain(args, { ...detected, env, colorLevel: 0 })).stdout).not.toMatch(colored);
    expect((await runMain(args, { ...detected, env: { ...env, NO_COLOR: '1' } })).stdout).not.toMatch(colored);
    expect((await runMain([...args, '--no-color'], { ...detected, env })).stdout).not.toMatch(colored);
    expect((await runMain(args, { ...detected, env: { ...env, FORCE_COLOR: '0' } })).stdout).not.toMatch(colored);
    expect((await runMain(args, { cwd: dir, env: { ...env, FORCE_COLOR: '1' }, tty: false, colorLevel: 0 })).stdout).toMatch(colored);
    // NO_COLOR="" does not disable (no-color.org: when present and not empty)
    expect((await runMain(args, { ...detected, env: { ...env, NO_COLOR: '' } })).stdout).toMatch(colored);
  });
});

describe('imgsync update / check with nothing to look at', () => {
  it('no file matches the globs: exit 2 saying so, never "up to date"', async () => {
    const work = mkdtempSync(join(dir, 'nomatch-'));
    writeFileSync(join(work, 'imgsync.config.yaml'), 'targets:\n  - files: ["deploy/**/*.yaml"]\n');
    for (const command of [['check'], ['update', '--dry-run'], ['update']]) {
      const run = await runMain(command, { cwd: work, env });
      expect(run.code, command.join(' ')).toBe(2);
      expect(run.stdout).not.toContain('up to date');
      expect(run.stderr).toContain('warning targets[0]: no file matches deploy/**/*.yaml\n');
      expect(run.stderr).toContain(`error nothing to ${command[0]}: no file matches the targets' files patterns`);
    }
  });

  it('every matching file has nothing to follow: a note per file, and exit 2 (nothing checked)', async () => {
    const work = mkdtempSync(join(dir, 'noimages-'));
    writeFileSync(join(work, 'namespace.yaml'), 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: podinfo\n');
    writeFileSync(join(work, 'imgsync.config.yaml'), 'targets:\n  - files: ["*.yaml", "!imgsync.config.yaml"]\n');
    const run = await runMain(['check'], { cwd: work, env });
    expect(run).toEqual({
      code: 2,
      stdout: 'namespace.yaml: skipped, no image references\n',
      stderr: 'error nothing to check: none of the 1 matching file has images to follow\n',
    });
  });
});

describe('imgsync (engine rules seen through the CLI)', () => {
  it('with --json, a failure still prints one JSON document on stdout', async () => {
    const run = await runMain(['check', '--json', '--config', join(dir, 'missing.yaml')], { cwd: dir, env });
    expect(run.code).toBe(2);
    expect(JSON.parse(run.stdout)).toEqual({
      error: {
        code: 'CONFIG',
        message: expect.stringContaining('missing.yaml'),
        // the library's error facts: the file as a field, not only in the message
        path: join(dir, 'missing.yaml'),
        exitCode: 2,
        problems: [{ path: join(dir, 'missing.yaml'), setting: '', message: 'config file not found' }],
      },
    });
  });

  it('--no-push with git.url is a config error rather than a silent no-op on local files', async () => {
    const config = join(dir, 'remote.config.yaml');
    writeFileSync(
      config,
      'targets:\n  - files: ["images.yml"]\n    format: backendai\n    repository: lablup/kernel-{name}\ngit:\n  url: https://git.example.invalid/x.git\n',
    );
    const run = await runMain(['update', '--no-push', '--config', config], { cwd: dir, env });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/git\.url is set/);
  });

  it('applies two targets that match the same file one after the other, in one result', async () => {
    const work = mkdtempSync(join(dir, 'two-'));
    const exampleDir = join(repoRoot, 'examples/backend.ai');
    writeFileSync(join(work, 'image-metadata.yml'), readFileSync(join(exampleDir, 'image-metadata.yml')));
    writeFileSync(join(work, 'registry-snapshot.json'), readFileSync(join(exampleDir, 'registry-snapshot.json')));
    // the first target only adds python's new tag, the second only julia's: both must land
    const target = (include: string) =>
      `  - files: ["image-metadata.yml"]\n    format: backendai\n    registry: file:registry-snapshot.json\n    repository: lablup/kernel-{name}\n    tags: { include: '${include}' }\n`;
    writeFileSync(join(work, 'imgsync.config.yaml'), `targets:\n${target('^3\\.7-')}${target('^1\\.0-debian')}`);
    const run = await runMain(['update', '--json'], { cwd: work, env });
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as { files: { path: string; changes: { kind: string; tag: string }[] }[] };
    expect(result.files).toHaveLength(1);
    const added = result.files[0]!.changes.filter((c) => c.kind === 'added').map((c) => c.tag);
    expect(added).toEqual(['3.7-ubuntu18.04', '1.0-debian']);
    const text = readFileSync(join(work, 'image-metadata.yml'), 'utf8');
    expect(text).toContain('      - ["3.7-ubuntu18.04", "5cf5f9572833"]\n');
    expect(text).toContain('      - ["1.0-debian", "cc603589393a"]\n');
  });
});

describe('imgsync update (how moved tags and reports print)', () => {
  const corpus = join(repoRoot, 'fixtures/corpus');
  // podinfo's values name ghcr.io and docker.io, and a snapshot answers only for the registry
  // it recorded: both registries are mirrored to a real docker-registry on 127.0.0.1
  let mirror: RunningRegistry;
  beforeAll(async () => {
    mirror = await startRegistry();
    for (const tag of ['6.14.1', '6.15.0', '7.0.0']) await pushImage({ url: mirror.url }, 'stefanprodan/podinfo', tag, { seed: `podinfo ${tag}` });
    for (const tag of ['8.8.0', '8.10.0']) await pushImage({ url: mirror.url }, 'library/redis', tag, { seed: `redis ${tag}` });
  });
  afterAll(async () => {
    await mirror?.stop();
  });
  const digest = (seed: string) => `sha256:${createHash('sha256').update(seed).digest('hex')}`;
  const snapshot = (repositories: Record<string, string[]>) =>
    JSON.stringify({
      version: 1,
      registry: 'docker.io',
      repositories: Object.fromEntries(
        Object.entries(repositories).map(([repo, tags]) => [
          repo,
          { tags: Object.fromEntries(tags.map((t) => [t, { manifestDigest: digest(`${repo}:${t}`) }])) },
        ]),
      ),
    });

  it('prints a moved tag as "image old → new" and a held-back major as a report; values keep their own digest key set', async () => {
    const work = mkdtempSync(join(dir, 'labels-'));
    copyFileSync(join(corpus, 'docker__awesome-compose__elasticsearch-logstash-kibana__compose.yaml'), join(work, 'compose.yaml'));
    copyFileSync(join(corpus, 'stefanprodan__podinfo__charts__podinfo__values.yaml'), join(work, 'values.yaml'));
    writeFileSync(
      join(work, 'snap.json'),
      snapshot({
        'library/elasticsearch': ['7.16.1', '7.17.28', '8.1.0'],
        'library/logstash': ['7.16.1', '7.16.3'],
        'library/kibana': ['7.16.1'],
      }),
    );
    writeFileSync(
      join(work, 'imgsync.config.yaml'),
      'targets:\n  - files: compose.yaml\n    format: image-refs\n    registry: file:snap.json\n  - files: values.yaml\n    format: helm-values\n    pin: true\n' +
        `registries:\n  ghcr.io: { mirror: ${mirror.url} }\n  docker.io: { mirror: ${mirror.url} }\n`,
    );
    const run = await runMain(['update', '--dry-run', '--no-color'], { cwd: work, env });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n').filter((line) => /^ {2}(updated|report)/.test(line));
    expect(lines).toEqual([
      '  updated  elasticsearch 7.16.1 → 7.17.28',
      '  updated  logstash 7.16.1 → 7.16.3',
      '  report   elasticsearch: 8.1.0 available; update: major allows it',
      '  updated  ghcr.io/stefanprodan/podinfo 6.14.1 → 6.15.0',
      '  updated  docker.io/redis 8.8.0 → 8.10.0',
      '  report   ghcr.io/stefanprodan/podinfo:6.15.0: not pinned: the image block has no digest key (add digest: "" if the chart reads one)',
      '  report   ghcr.io/stefanprodan/podinfo: 7.0.0 available; update: major allows it',
      '  report   docker.io/redis:8.10.0: not pinned: the image block has no digest key (add digest: "" if the chart reads one)',
    ]);
    expect(run.stdout).not.toMatch(/^\+.*digest/m);
    expect(run.stdout).toContain('dry run: 4 changes in 2 files, 4 reports; nothing written');
  });

  it('update or ignore on a file that format: auto finds to be Backend.AI is a config error at the setting (exit 2)', async () => {
    const work = mkdtempSync(join(dir, 'auto-'));
    const exampleDir = join(repoRoot, 'examples/backend.ai');
    copyFileSync(join(exampleDir, 'image-metadata.yml'), join(work, 'image-metadata.yml'));
    copyFileSync(join(exampleDir, 'registry-snapshot.json'), join(work, 'registry-snapshot.json'));
    const text =
      'targets:\n  - files: image-metadata.yml\n    registry: file:registry-snapshot.json\n    repository: lablup/kernel-{name}\n    update: major\n';
    writeFileSync(join(work, 'imgsync.config.yaml'), text);
    const before = readFileSync(join(work, 'image-metadata.yml'), 'utf8');
    const run = await runMain(['update'], { cwd: work, env });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^error \S*imgsync\.config\.yaml:5:5: /);
    expect(run.stderr).toContain(
      `imgsync.config.yaml:5:5: targets[0].update: applies only to formats ${FORMATS.filter((format) => format.movesTags)
        .map((format) => format.name)
        .join(', ')}; image-metadata.yml is backendai, whose entries follow every tag the registry has`,
    );
    expect(readFileSync(join(work, 'image-metadata.yml'), 'utf8')).toBe(before);

    // pin, which a Backend.AI file cannot hold, is refused the same way rather than ignored
    writeFileSync(join(work, 'imgsync.config.yaml'), text.replace('    update: major\n', '    pin: true\n'));
    const pinned = await runMain(['update'], { cwd: work, env });
    expect(pinned.code).toBe(2);
    expect(pinned.stderr).toContain(
      'imgsync.config.yaml:5:5: targets[0].pin: image-metadata.yml is backendai, whose entries hold image ids, not references to pin',
    );
    expect(readFileSync(join(work, 'image-metadata.yml'), 'utf8')).toBe(before);
  });
});
