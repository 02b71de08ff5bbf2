/**
 * The bundled Lambda handler (`packages/lambda/dist/handler.mjs`) in Lambda's conditions
 * (see `support/lambda-sandbox.ts`), against a real `docker-registry` and a real git
 * `http-backend`, both on 127.0.0.1.
 */
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createBareRepo, gitCli, showFile } from '@imgsync/test-helpers/git/fixture-repo.js';
import { startGitServer, type GitServer } from '@imgsync/test-helpers/git/git-http-server.js';
import { findToken } from '@imgsync/test-helpers/git/secret-scan.js';
import { pushImage } from '@imgsync/test-helpers/registry/push.js';
import { startRegistry, type RunningRegistry } from '@imgsync/test-helpers/registry/registry-server.js';
import { createSandbox, plantStaleClone, runInSandbox, startLambda, type LambdaProcess, type Sandbox } from './support/lambda-sandbox.js';
import { startS3StandIn } from './support/s3-stand-in.js';
import { startSecretsManagerStandIn, type SecretsManagerStandIn } from './support/secrets-manager-stand-in.js';

const token = 'ghp_LambdaToken0123456789abcdefABCDEF0123';
const wrongToken = 'ghp_WrongToken0123456789abcdefABCDEF01234';
const metadataFile = 'image-metadata.yml';

let registry: RunningRegistry;
let git: GitServer;
let secrets: SecretsManagerStandIn;
let gitRoot: Sandbox;
const open: Array<{ sandbox: Sandbox; lambda?: LambdaProcess }> = [];

const imageId12 = (configDigest: string) => configDigest.slice('sha256:'.length, 'sha256:'.length + 12);

/** The file the repository starts with: python's id is stale, ruby's is current. */
function metadata(rubyId: string): string {
  return [
    'images:',
    '  - name: python   # the default kernel',
    '    tags:',
    '      - ["latest",     ":3.6-ubuntu"]      # alias',
    '      - ["3.6-ubuntu", "ca7b9f52b6c2"]     # image id',
    '  - name: ruby',
    '    tags:',
    `      - ["2.7", "${rubyId}"]`,
    '',
  ].join('\n');
}

function configYaml(repo: string, extra = ''): string {
  return [
    'targets:',
    `  - files: ${metadataFile}`,
    '    format: backendai',
    `    registry: ${registry.url}`,
    '    repository: kernel-{name}',
    'git:',
    `  url: ${git.url(repo)}`,
    '  branch: main',
    '  author: { name: imgsync-bot, email: bot@example.test }',
    extra,
  ].join('\n');
}

let rubyId: string;

beforeAll(async () => {
  registry = await startRegistry();
  gitRoot = createSandbox();
  git = await startGitServer({ root: join(gitRoot.root, 'repos'), token });
  mkdirSync(join(gitRoot.root, 'repos'));
  secrets = await startSecretsManagerStandIn({ 'imgsync/git-token': token, 'imgsync/git-token-json': JSON.stringify({ token }) });
  rubyId = imageId12((await pushImage(registry, 'kernel-ruby', '2.7', { seed: 'ruby-1' })).configDigest);
}, 60_000);

afterAll(async () => {
  await Promise.all([registry?.stop(), git?.stop(), secrets?.stop()]);
  gitRoot?.remove();
});

afterEach(async () => {
  for (const { sandbox, lambda } of open.splice(0)) {
    await lambda?.stop();
    sandbox.remove();
  }
});

function lambdaWith(env: Record<string, string>, sandboxOptions: { awsSdk?: boolean } = {}): { sandbox: Sandbox; lambda: LambdaProcess } {
  const sandbox = createSandbox(sandboxOptions);
  const lambda = startLambda(sandbox, env);
  open.push({ sandbox, lambda });
  return { sandbox, lambda };
}

/** Clone directories (`imgsync-<uuid>`) left in the scratch space. */
const clones = (sandbox: Sandbox) => readdirSync(sandbox.scratch).filter((n) => /^imgsync-[0-9a-f-]{36}$/.test(n));

describe('the bundled handler in Lambda conditions', () => {
  it('runs in a sandbox with only handler.mjs, only node in PATH, no HOME and a read-only cwd', () => {
    const { sandbox } = lambdaWith({});
    expect(readdirSync(sandbox.taskDir)).toEqual(['handler.mjs']);
    const probe = runInSandbox(
      sandbox,
      `const fs = require('node:fs'), os = require('node:os'), cp = require('node:child_process');
       const tryIt = (f) => { try { f(); return 'ok'; } catch (e) { return e.code; } };
       console.log(JSON.stringify({
         home: process.env.HOME ?? null,
         path: fs.readdirSync(process.env.PATH),
         cwdWrite: tryIt(() => fs.writeFileSync('x', '')),
         tmpWrite: tryIt(() => fs.writeFileSync(os.tmpdir() + '/x', '')),
         git: tryIt(() => cp.execFileSync('git', ['--version'], { stdio: 'ignore' })),
       }));`,
    );
    expect(probe.stderr).toBe('');
    expect(JSON.parse(probe.stdout)).toEqual({ home: null, path: ['node'], cwdWrite: 'EACCES', tmpWrite: 'ok', git: 'ENOENT' });
  });

  it('runs a fleet config: each repository delivered on its own, the shard from the event, one repository line each and a fleet summary', async () => {
    await pushImage(registry, 'kernel-python', '3.6-ubuntu', { seed: 'fleet-py' });
    const names = ['fleet-a', 'fleet-b', 'fleet-c'];
    for (const name of names) createBareRepo(join(gitRoot.root, 'repos'), name, { [metadataFile]: metadata(rubyId) });
    const fleet = configYaml('fleet-a').replace(/^ {2}url: .*\n/m, '') + `\nrepositories:\n${names.map((n) => `  - ${git.url(n)}`).join('\n')}\n`;
    const { lambda } = lambdaWith({ IMGSYNC_CONFIG: fleet, IMGSYNC_GIT_TOKEN: token });
    const seen: string[] = [];
    for (const shard of ['0/2', '1/2']) {
      const outcome = await lambda.invoke({ event: { shard } });
      expect(outcome).toMatchObject({ ok: true });
      const result = (outcome as unknown as { result: { repositories: { url: string; outcome: string }[]; skipped: number } }).result;
      expect(result.repositories.every((r) => r.outcome === 'changed')).toBe(true);
      expect(result.skipped + result.repositories.length).toBe(3);
      seen.push(...result.repositories.map((r) => r.url));
    }
    expect(seen.map((url) => url.replace(/.*\//, '')).sort()).toEqual(names.map((n) => `${n}.git`));
    const lines = lambda
      .stdout()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { msg: string });
    expect(lines.filter((l) => l.msg === 'repository')).toHaveLength(3);
    expect(lines.filter((l) => l.msg === 'fleet-summary')).toHaveLength(2);
    for (const name of names) expect(showFile(join(gitRoot.root, 'repos', `${name}.git`), 'main', metadataFile)).not.toBe(metadata(rubyId));
  });

  it('plays the Step Functions fleet (S3 stand-in, the SDK as the runtime provides it): the recording step writes the tick to S3 and returns the Map items; each shard reads it and asks the registry nothing', async () => {
    await pushImage(registry, 'kernel-python', '3.6-ubuntu', { seed: 'tick-py' });
    const names = ['tick-a', 'tick-b', 'tick-c'];
    for (const name of names) createBareRepo(join(gitRoot.root, 'repos'), name, { [metadataFile]: metadata(rubyId) });
    const fleet = configYaml('tick-a').replace(/^ {2}url: .*\n/m, '') + `\nrepositories:\n${names.map((n) => `  - ${git.url(n)}`).join('\n')}\n`;
    const s3 = await startS3StandIn(['imgsync-ticks']);
    try {
      const { lambda } = lambdaWith({ IMGSYNC_CONFIG: fleet, IMGSYNC_GIT_TOKEN: token, RUNNER_S3_ENDPOINT: s3.endpoint }, { awsSdk: true });
      const location = 's3://imgsync-ticks/ticks/execution-1.json';
      const recorded = await lambda.invoke({ event: { record: location, shards: 2 } });
      expect(recorded).toMatchObject({
        ok: true,
        result: {
          recorded: location,
          registries: [registry.url],
          items: [
            { shard: '0/2', snapshot: location },
            { shard: '1/2', snapshot: location },
          ],
        },
      });
      expect(s3.requests).toEqual(['PUT imgsync-ticks/ticks/execution-1.json']);
      expect(JSON.parse(s3.objects.get('imgsync-ticks/ticks/execution-1.json')!.toString())).toMatchObject({
        version: 1,
        snapshots: [{ registry: registry.url }],
      });
      for (const name of names) expect(showFile(join(gitRoot.root, 'repos', `${name}.git`), 'main', metadataFile)).toBe(metadata(rubyId)); // recording pushes nothing

      const items = (recorded as unknown as { result: { items: { shard: string; snapshot: string }[] } }).result.items;
      const seen: string[] = [];
      for (const item of items) {
        const outcome = await lambda.invoke({ event: item });
        expect(outcome).toMatchObject({ ok: true });
        const result = (
          outcome as unknown as { result: { repositories: { url: string; outcome: string }[]; stats: { registries: Record<string, { requests: number }> } } }
        ).result;
        expect(Object.values(result.stats.registries).reduce((n, r) => n + r.requests, 0)).toBe(0);
        expect(result.repositories.every((r) => r.outcome === 'changed')).toBe(true);
        seen.push(...result.repositories.map((r) => r.url.replace(/.*\//, '')));
      }
      expect(seen.sort()).toEqual(names.map((n) => `${n}.git`));
      expect(s3.requests.filter((r) => r.startsWith('GET'))).toHaveLength(2);
      for (const name of names) expect(showFile(join(gitRoot.root, 'repos', `${name}.git`), 'main', metadataFile)).not.toBe(metadata(rubyId));

      const missing = await lambda.invoke({ event: { shard: '0/2', snapshot: 's3://imgsync-ticks/ticks/never-written.json' } });
      expect(missing).toMatchObject({ ok: false });
      expect(!missing.ok && missing.message).toMatch(/s3:\/\/imgsync-ticks\/ticks\/never-written\.json: reading the snapshot failed: NoSuchKey/);
      const refused = await lambda.invoke({ event: { record: location, shard: '0/2' } });
      expect(!refused.ok && refused.message).toMatch(/event.record is the recording step/);
    } finally {
      await s3.stop();
    }
  });

  it('pushes the expected commit, then on a warm start pushes nothing, then picks up a rebuilt image and a changed config', async () => {
    const python1 = imageId12((await pushImage(registry, 'kernel-python', '3.6-ubuntu', { seed: 'py-1' })).configDigest);
    const bare = createBareRepo(join(gitRoot.root, 'repos'), 'warm', { [metadataFile]: metadata(rubyId) });
    const start = gitCli(bare, 'rev-parse', 'main').trim();
    const { sandbox, lambda } = lambdaWith({ IMGSYNC_CONFIG: configYaml('warm'), IMGSYNC_GIT_TOKEN: token });

    // 1. cold start: one commit with exactly the stale id replaced
    const first = await lambda.invoke();
    expect(first).toMatchObject({ ok: true, result: { changed: true, delivery: { pushed: true, branch: 'main' } } });
    const commit1 = gitCli(bare, 'rev-parse', 'main').trim();
    expect(commit1).not.toBe(start);
    expect(first.ok && first.result.delivery?.commit).toBe(commit1);
    expect(gitCli(bare, 'rev-parse', 'main~1').trim()).toBe(start);
    expect(showFile(bare, 'main', metadataFile)).toBe(metadata(rubyId).replace('ca7b9f52b6c2', python1));
    expect(gitCli(bare, 'log', '-1', '--format=%an <%ae>', 'main').trim()).toBe('imgsync-bot <bot@example.test>');
    expect(clones(sandbox)).toEqual([]);

    // structured log: one change line, one summary line, JSON each
    const lines = lambda
      .stdout()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.filter((l) => l.msg === 'change')).toEqual([
      expect.objectContaining({
        level: 'info',
        file: metadataFile,
        image: 'kernel-python',
        tag: '3.6-ubuntu',
        kind: 'updated',
        old: 'ca7b9f52b6c2',
        new: python1,
      }),
    ]);
    expect(lines.filter((l) => l.msg === 'summary')).toEqual([
      expect.objectContaining({ changed: true, changes: 1, pushed: true, commit: commit1, branch: 'main', errors: 0 }),
    ]);

    // 2. warm start, nothing moved: nothing pushed, no clone left behind
    const second = await lambda.invoke();
    expect(second).toMatchObject({ ok: true, result: { changed: false } });
    expect(second.ok && second.result.delivery?.pushed).toBe(false);
    expect(gitCli(bare, 'rev-parse', 'main').trim()).toBe(commit1);
    expect(clones(sandbox)).toEqual([]);

    // 3. warm start after a rebuild and a config change: the registry is asked again and
    //    the config read again (its commit subject is used); a clone left by a run killed
    //    at its timeout is cleared first
    plantStaleClone(sandbox, 'imgsync-0b3a2c1d-1111-4222-8333-444455556666');
    const python2 = imageId12((await pushImage(registry, 'kernel-python', '3.6-ubuntu', { seed: 'py-2' })).configDigest);
    const third = await lambda.invoke({ env: { IMGSYNC_CONFIG: configYaml('warm', '  message: "images: {summary}"') } });
    expect(third).toMatchObject({ ok: true, result: { changed: true, delivery: { pushed: true } } });
    expect(showFile(bare, 'main', metadataFile)).toBe(metadata(rubyId).replace('ca7b9f52b6c2', python2));
    expect(gitCli(bare, 'log', '-1', '--format=%s', 'main').trim()).toMatch(/^images: /);
    expect(gitCli(bare, 'rev-parse', 'main~1').trim()).toBe(commit1);
    expect(clones(sandbox)).toEqual([]);

    expect(lambda.stderr()).toBe('');
    expect(await lambda.stop()).toBe(0);
    expect(findToken(token, [sandbox.root], [lambda.stdout(), lambda.stderr()])).toEqual([]);
  });

  it('throws a clear GIT error on a wrong token, without the token anywhere', async () => {
    await pushImage(registry, 'kernel-python', '3.6-ubuntu', { seed: 'py-3' });
    const bare = createBareRepo(join(gitRoot.root, 'repos'), 'wrong', { [metadataFile]: metadata(rubyId) });
    const start = gitCli(bare, 'rev-parse', 'main').trim();
    const { sandbox, lambda } = lambdaWith({ IMGSYNC_CONFIG: configYaml('wrong'), IMGSYNC_GIT_TOKEN: wrongToken });

    const outcome = await lambda.invoke();
    expect(outcome).toMatchObject({ ok: false, name: 'ScheduledRunError', code: 'GIT' });
    expect(!outcome.ok && outcome.message).toMatch(/^imgsync failed \(GIT\): git .*(401|auth)/i);
    expect(gitCli(bare, 'rev-parse', 'main').trim()).toBe(start);
    const failed = lambda
      .stdout()
      .split('\n')
      .filter((l) => l.includes('"msg":"failed"'));
    expect(failed).toHaveLength(1);
    expect(JSON.parse(failed[0]!)).toMatchObject({ level: 'error', code: 'GIT' });
    expect(await lambda.stop()).toBe(0);
    expect(clones(sandbox)).toEqual([]);
    expect(findToken(wrongToken, [sandbox.root, gitRoot.root], [lambda.stdout(), lambda.stderr(), JSON.stringify(outcome)])).toEqual([]);
  });

  it('reads the token from Secrets Manager (local stand-in) on every invocation, plain or JSON', async () => {
    const python = imageId12((await pushImage(registry, 'kernel-python', '3.6-ubuntu', { seed: 'py-4' })).configDigest);
    const bare = createBareRepo(join(gitRoot.root, 'repos'), 'secret', { [metadataFile]: metadata(rubyId) });
    const { sandbox, lambda } = lambdaWith({
      IMGSYNC_CONFIG: configYaml('secret'),
      IMGSYNC_GIT_TOKEN_SECRET: 'imgsync/git-token',
      RUNNER_SECRETS_ENDPOINT: secrets.endpoint,
    });
    secrets.requests.length = 0;
    expect(await lambda.invoke()).toMatchObject({ ok: true, result: { delivery: { pushed: true } } });
    expect(showFile(bare, 'main', metadataFile)).toContain(`"${python}"`);
    expect(await lambda.invoke({ env: { IMGSYNC_GIT_TOKEN_SECRET: 'imgsync/git-token-json' } })).toMatchObject({ ok: true, result: { changed: false } });
    expect(secrets.requests).toEqual(['imgsync/git-token', 'imgsync/git-token-json']);

    const missing = await lambda.invoke({ env: { IMGSYNC_GIT_TOKEN_SECRET: 'imgsync/nope' } });
    expect(missing).toMatchObject({ ok: false, code: 'CONFIG' });
    expect(!missing.ok && missing.message).toContain(
      "cannot read the git token from Secrets Manager secret imgsync/nope: ResourceNotFoundException: Secrets Manager can't find the specified secret.",
    );
    expect(await lambda.stop()).toBe(0);
    expect(findToken(token, [sandbox.root], [lambda.stdout(), lambda.stderr()])).toEqual([]);
  });

  it('stops before the registry when the time budget is spent: throws DEADLINE, pushes nothing', async () => {
    const bare = createBareRepo(join(gitRoot.root, 'repos'), 'budget', { [metadataFile]: metadata(rubyId) });
    const start = gitCli(bare, 'rev-parse', 'main').trim();
    const { sandbox, lambda } = lambdaWith({ IMGSYNC_CONFIG: configYaml('budget'), IMGSYNC_GIT_TOKEN: token });
    const outcome = await lambda.invoke({ remainingMs: 5_000 });
    expect(outcome).toMatchObject({ ok: false, code: 'DEADLINE' });
    expect(!outcome.ok && outcome.message).toMatch(/^imgsync stopped early, nothing written or pushed: /);
    expect(gitCli(bare, 'rev-parse', 'main').trim()).toBe(start);
    const summary = lambda
      .stdout()
      .split('\n')
      .find((l) => l.includes('"msg":"summary"'));
    expect(JSON.parse(summary!)).toMatchObject({ level: 'error', changed: false, pushed: false, partial: expect.any(String) });
    expect(await lambda.stop()).toBe(0);
    expect(clones(sandbox)).toEqual([]);
  });

  it('names the config error with its place, and which variable to set when there is none', async () => {
    const { lambda } = lambdaWith({ IMGSYNC_CONFIG: 'targets:\n  - files: a.yml\n    format: backendaj\n' });
    const bad = await lambda.invoke();
    expect(bad).toMatchObject({ ok: false, code: 'CONFIG' });
    expect(!bad.ok && bad.message).toMatch(/^imgsync failed \(CONFIG\): IMGSYNC_CONFIG:3:13: /);
    const none = await lambda.invoke({ env: { IMGSYNC_CONFIG: null } });
    expect(!none.ok && none.message).toContain('set IMGSYNC_CONFIG (inline YAML or JSON) or IMGSYNC_CONFIG_FILE');
    expect(await lambda.stop()).toBe(0);
  });
});
