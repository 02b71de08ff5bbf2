/**
 * `imgsync update` delivering through the GitHub REST API with no clone, end to end: the
 * built CLI, the real `docker-registry` with Backend.AI-style images, and the GitHub API
 * stand-in backed by a real bare repository (the real API cannot run here; the stand-in
 * follows GitHub's documented shapes). The repository URL is on the API's host, as on a
 * GitHub Enterprise Server, so `transport: auto` (the default) picks the API.
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createBareRepo, gitCli, showFile } from '@imgsync/test-helpers/git/fixture-repo.js';
import { startGitHubStandIn, type GitHubStandIn } from '@imgsync/test-helpers/git/github-api-stand-in.js';
import { findToken } from '@imgsync/test-helpers/git/secret-scan.js';
import { configText, expectedMetadata, metadataPath, originalMetadata } from './support/backendai-world.js';
import { runCli } from './support/run-cli.js';
import { useE2eWorld } from './support/e2e-world.js';

const token = 'ghp_E2eApiTransport0123456789abcdefABCDE';
let github: GitHubStandIn;
const world = useE2eWorld(token, {
  start: async (w) => {
    github = await startGitHubStandIn({ token, prefix: '/api/v3', gitRoot: w.gitRoot, gitBackend: w.git });
  },
  stop: async () => github?.stop(),
});

describe('imgsync update through the GitHub API (GitHub API stand-in)', () => {
  it('pushes one commit without cloning, downloads no file but the target, and loads no git library (GitHub API stand-in)', async () => {
    const unrelated = Buffer.alloc(8 * 1024 * 1024, 7);
    const bare = createBareRepo(join(world.gitRoot, 'lablup'), 'api-push', { [metadataPath]: originalMetadata, 'README.md': '# fixture\n' });
    const work = join(world.sandbox.dir, 'api-push-extra');
    gitCli(world.sandbox.dir, 'clone', '--quiet', bare, work);
    writeFileSync(join(work, 'unrelated.bin'), unrelated);
    gitCli(work, 'add', '-A');
    gitCli(work, 'commit', '--quiet', '-m', 'a big file imgsync never reads');
    gitCli(work, 'push', '--quiet', 'origin', 'main');
    const before = gitCli(bare, 'rev-parse', 'main').trim();
    const unrelatedBlob = gitCli(bare, 'rev-parse', 'main:unrelated.bin').trim();

    const configPath = join(world.sandbox.dir, 'api-push.imgsync.config.yaml');
    writeFileSync(configPath, configText({ registry: world.registry.url, gitUrl: github.repoUrl('lablup/api-push'), githubApiUrl: github.baseUrl }));
    const hooks = join(world.sandbox.dir, 'hooks.mjs');
    const register = join(world.sandbox.dir, 'register.mjs');
    const log = join(world.sandbox.dir, 'modules.log');
    writeFileSync(
      hooks,
      "import { appendFileSync } from 'node:fs';\nexport async function load(url, context, nextLoad) {\n  appendFileSync(process.env.IMGSYNC_TEST_LOAD_LOG, url + '\\n');\n  return nextLoad(url, context);\n}\n",
    );
    writeFileSync(register, "import { register } from 'node:module';\nregister('./hooks.mjs', import.meta.url);\n");
    writeFileSync(log, '');
    const from = github.requests.length;

    const update = await runCli(['update', '--config', configPath], {
      cwd: world.sandbox.dir,
      sandbox: world.sandbox,
      env: { IMGSYNC_GIT_TOKEN: token, NODE_OPTIONS: `--import ${register}`, IMGSYNC_TEST_LOAD_LOG: log },
    });
    expect(update.stderr).not.toMatch(/^error/m);
    expect(update.code).toBe(0);
    expect(gitCli(bare, 'rev-parse', 'main~1').trim()).toBe(before);
    expect(showFile(bare, 'main', metadataPath)).toBe(expectedMetadata(world.pushed));
    expect(gitCli(bare, 'rev-parse', 'main:unrelated.bin').trim()).toBe(unrelatedBlob);
    expect(gitCli(bare, 'log', '-1', '--format=%an <%ae>', 'main').trim()).toBe('imgsync-e2e <imgsync-e2e@example.test>');

    const calls = github.requests.slice(from).map((r) => `${r.method} ${r.path.replace(/^\/api\/v3\/repos\/lablup\/api-push\//, '')}`);
    expect(calls.filter((c) => c.includes(unrelatedBlob))).toEqual([]);
    expect(calls.filter((c) => !c.startsWith('GET'))).toEqual(['POST git/blobs', 'POST git/trees', 'POST git/commits', 'PATCH git/refs/heads/main']);
    const modules = readFileSync(log, 'utf8').split('\n');
    expect(modules.filter((url) => /isomorphic-git|@octokit|\/core\/dist\/operations-/.test(url))).toEqual([]);
    expect(readdirSync(world.sandbox.tmp)).toEqual([]);

    const check = await runCli(['check', '--config', configPath], { cwd: world.sandbox.dir, sandbox: world.sandbox, env: { IMGSYNC_GIT_TOKEN: token } });
    expect(check.code).toBe(0);
    expect(findToken(token, [world.sandbox.tmp, world.sandbox.home], [update.stdout, update.stderr, check.stdout, check.stderr])).toEqual([]);
  });
});
