/**
 * Registry settings as a new user meets them, through the built CLI: a compose file whose
 * Docker Hub images are looked up at a local mirror, a reference to a registry on
 * 127.0.0.1 that needs no setting, a docker credential helper found on PATH, and a setting
 * that would not apply refused with file:line:col. Real `docker-registry` servers on
 * 127.0.0.1 stand in for the mirror and the private registry.
 */
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusFile } from '@imgsync/test-helpers/fixtures.js';
import { pushImage } from '@imgsync/test-helpers/registry/push.js';
import { startRegistry, type RunningRegistry } from '@imgsync/test-helpers/registry/registry-server.js';
import { ensureBuilt, makeSandbox, repoRoot, runCli, type Sandbox } from './support/run-cli.js';

const ELK = 'docker__awesome-compose__elasticsearch-logstash-kibana__compose.yaml';
const ELK_GOLDEN = join(repoRoot, 'packages/core/test/formats/image-refs/expected/bump@awesome-compose-elk.yaml');
const PASSWORD = 'e2e-helper-Secret-88';

let mirror: RunningRegistry;
let privateRegistry: RunningRegistry;
let sandbox: Sandbox;
let helperDir: string;

/** A project directory holding `files`; returns its path. */
function project(name: string, files: Record<string, string>): string {
  const dir = join(sandbox.dir, name);
  mkdirSync(dir);
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  return dir;
}

const cli = (dir: string, args: string[], env: Record<string, string> = {}) =>
  runCli([...args, '--config', join(dir, 'imgsync.config.yaml'), '--no-color'], { cwd: dir, sandbox, env });

beforeAll(async () => {
  ensureBuilt();
  sandbox = makeSandbox();
  [mirror, privateRegistry] = await Promise.all([startRegistry(), startRegistry({ htpasswd: { ci: PASSWORD } })]);
  const target = { url: mirror.url };
  for (const tag of ['7.16.1', '7.17.20', '8.13.0']) await pushImage(target, 'library/elasticsearch', tag, { seed: `es ${tag}` });
  for (const tag of ['7.16.1', '7.16.3']) await pushImage(target, 'library/logstash', tag, { seed: `ls ${tag}` });
  await pushImage(target, 'library/kibana', '7.16.1', { seed: 'kb 7.16.1' });
  for (const tag of ['7.2.4', '7.2.5']) await pushImage(target, 'library/redis', tag, { seed: `redis ${tag}` });
  const authorization = async () => `Basic ${Buffer.from(`ci:${PASSWORD}`).toString('base64')}`;
  for (const tag of ['1.4.0', '1.5.0']) await pushImage({ url: privateRegistry.url, authorization }, 'team/api', tag, { seed: `api ${tag}` });

  // what `docker login` with a credential helper leaves behind, and the helper itself
  helperDir = join(sandbox.dir, 'bin');
  mkdirSync(helperDir);
  const helper = join(helperDir, 'docker-credential-imgsync-e2e');
  writeFileSync(
    helper,
    `#!/bin/sh\n[ "$1" = get ] || exit 2\nserver=$(cat)\n` +
      `[ "$server" = "${privateRegistry.host}" ] || { echo "credentials not found in native keychain"; exit 1; }\n` +
      `printf '{"ServerURL":"%s","Username":"ci","Secret":"${PASSWORD}"}' "$server"\n`,
  );
  chmodSync(helper, 0o755);
  mkdirSync(join(sandbox.home, '.docker'));
  writeFileSync(join(sandbox.home, '.docker/config.json'), JSON.stringify({ credHelpers: { [privateRegistry.host]: 'imgsync-e2e' } }));
});

afterAll(async () => {
  await Promise.all([mirror?.stop(), privateRegistry?.stop()]);
  sandbox?.remove();
});

describe('imgsync with registry settings (built CLI)', () => {
  it('checks and updates a real compose file through registries.docker.io.mirror; the file keeps its Docker Hub names', async () => {
    const dir = project('mirror', {
      'compose.yaml': corpusFile(ELK),
      'imgsync.config.yaml':
        `targets:\n  - files: compose.yaml\n    format: image-refs\n    tags: { semver: '^7' }\n` +
        `registries:\n  docker.io:\n    mirror: ${mirror.url}   # a pull-through cache on this machine\n`,
    });
    const drift = await cli(dir, ['check']);
    expect(drift.stderr).toBe('');
    expect(drift.code).toBe(1);
    expect(drift.stdout).toContain('drift: 2 changes in 1 file');

    const update = await cli(dir, ['update']);
    expect(update.stderr).toBe('');
    expect(update.code).toBe(0);
    expect(update.stdout).toContain('wrote 2 changes in 1 file');
    expect(readFileSync(join(dir, 'compose.yaml'), 'utf8')).toBe(readFileSync(ELK_GOLDEN, 'utf8'));

    expect((await cli(dir, ['check'])).code).toBe(0);
  });

  it('updates a reference to a registry on 127.0.0.1 over plain http, with no setting at all', async () => {
    const dir = project('loopback', {
      'compose.yaml': `services:\n  cache:\n    image: ${mirror.host}/library/redis:7.2.4\n`,
      'imgsync.config.yaml': 'targets:\n  - files: compose.yaml\n',
    });
    const update = await cli(dir, ['update']);
    expect(update.stderr).toBe('');
    expect(update.code).toBe(0);
    expect(readFileSync(join(dir, 'compose.yaml'), 'utf8')).toBe(`services:\n  cache:\n    image: ${mirror.host}/library/redis:7.2.5\n`);
  });

  it("takes a private registry's login from the docker credential helper that ~/.docker/config.json names", async () => {
    const files = {
      'values.yaml': `image:\n  registry: ${privateRegistry.host}\n  repository: team/api\n  tag: 1.4.0\n`,
      'imgsync.config.yaml': 'targets:\n  - files: values.yaml\n    format: helm-values\n',
    };
    const dir = project('helper', files);
    const update = await cli(dir, ['update'], { PATH: `${helperDir}:${process.env.PATH}` });
    expect(update.stderr).toBe('');
    expect(update.code).toBe(0);
    expect(readFileSync(join(dir, 'values.yaml'), 'utf8')).toContain('  tag: 1.5.0\n');

    const missing = await cli(project('no-helper', files), ['check']);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain(
      `error registry ${privateRegistry.host}: credential helper docker-credential-imgsync-e2e is not installed (not found on PATH)`,
    );
  });

  it('refuses a setting that would not apply, with file:line:col, before any request', async () => {
    const dir = project('refused', {
      'compose.yaml': corpusFile(ELK),
      'imgsync.config.yaml': `targets:\n  - files: compose.yaml\nregistries:\n  docker.io:\n    mirror: ${mirror.url}\n    credentials: env:DOCKERHUB_TOKEN\n`,
    });
    const result = await cli(dir, ['check']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      `imgsync.config.yaml:6:5: registries["docker.io"].credentials: does not apply beside mirror: every request for docker.io goes to the mirror`,
    );
  });
});
