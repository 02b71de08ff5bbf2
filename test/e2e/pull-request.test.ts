/**
 * Pull-request mode end to end: the built CLI pushes `imgsync/main` to a real git server
 * and opens (then updates) the pull request through a stand-in for the GitHub REST API
 * (the real API cannot run here; the stand-in follows GitHub's documented shapes).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createBareRepo, gitCli, showFile } from '@imgsync/test-helpers/git/fixture-repo.js';
import { startGitHubStandIn, type GitHubStandIn } from '@imgsync/test-helpers/git/github-api-stand-in.js';
import { findToken } from '@imgsync/test-helpers/git/secret-scan.js';
import { pushImage } from '@imgsync/test-helpers/registry/push.js';
import { configText, expectedMetadata, imageId12, metadataPath, originalMetadata } from './support/backendai-world.js';
import { runCli } from './support/run-cli.js';
import { useE2eWorld } from './support/e2e-world.js';

const token = 'ghp_E2eStandInToken0123456789abcdefABCD';
let github: GitHubStandIn;
const world = useE2eWorld(token, {
  start: async () => {
    github = await startGitHubStandIn({ token, prefix: '/api/v3' });
  },
  stop: async () => github?.stop(),
});

describe('imgsync update in pull-request mode (GitHub REST API stand-in)', () => {
  it('opens one pull request from imgsync/main, leaves main alone, and updates the same pull request on the next run', async () => {
    const bare = createBareRepo(join(world.gitRoot, 'lablup'), 'backend.ai-manager', { [metadataPath]: originalMetadata });
    const main = gitCli(bare, 'rev-parse', 'main').trim();
    const configPath = join(world.sandbox.dir, 'imgsync.config.yaml');
    writeFileSync(
      configPath,
      configText({ registry: world.registry.url, gitUrl: world.git.url('lablup/backend.ai-manager'), mode: 'pull-request', githubApiUrl: github.baseUrl }),
    );
    const run = () => runCli(['update', '--config', configPath], { cwd: world.sandbox.dir, sandbox: world.sandbox, env: { IMGSYNC_GIT_TOKEN: token } });

    const first = await run();
    expect(first.stderr).not.toMatch(/^error/m);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/pull request #1 created: http:\/\/127\.0\.0\.1:\d+\/lablup\/backend\.ai-manager\/pull\/1/);
    expect(gitCli(bare, 'rev-parse', 'main').trim()).toBe(main);
    expect(gitCli(bare, 'rev-parse', 'imgsync/main~1').trim()).toBe(main);
    expect(showFile(bare, 'imgsync/main', metadataPath)).toBe(expectedMetadata(world.pushed));
    expect(github.pulls).toHaveLength(1);
    expect(github.pulls[0]).toMatchObject({ owner: 'lablup', repo: 'backend.ai-manager', head: 'imgsync/main', base: 'main', state: 'open' });
    expect(github.pulls[0]!.body).toContain(`3.7-ubuntu18.04`);

    // the registry moves on: a new python tag appears
    const python38 = imageId12((await pushImage({ url: world.registry.url }, 'lablup/kernel-python', '3.8-ubuntu18.04', { seed: 'e2e-py38' })).configDigest);
    const second = await run();
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/pull request #1 updated/);
    expect(github.pulls).toHaveLength(1);
    expect(github.pulls[0]!.body).toContain('3.8-ubuntu18.04');
    expect(github.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    expect(gitCli(bare, 'rev-parse', 'main').trim()).toBe(main);
    expect(showFile(bare, 'imgsync/main', metadataPath)).toContain(`      - ["3.8-ubuntu18.04", "${python38}"]\n`);
    expect(findToken(token, [world.sandbox.tmp, world.sandbox.home], [first.stdout, first.stderr, second.stdout, second.stderr])).toEqual([]);
  });
});
