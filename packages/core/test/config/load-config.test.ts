/**
 * loadConfig on the example configs in fixtures/valid (YAML and JSON): what they load to,
 * and the defaults a minimal config gets.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { CONFIG_ENUMS, defaultDigestForm, loadConfig, parseConfig, validateConfig, validateTargetConfig } from '../../src/config/index.js';

export const validDir = join(dirname(fileURLToPath(import.meta.url)), 'fixtures/valid');

describe('loadConfig', () => {
  it('loads the Backend.AI example with every option written out', async () => {
    const config = await loadConfig({ path: join(validDir, 'backend-ai.yaml') });
    expect(config.dir).toBe(validDir);
    expect(config.filesRelativeTo).toBe('repository-root');
    const [target] = config.targets;
    expect(target).toMatchObject({
      index: 0,
      files: ['sample-configs/image-metadata.yml'],
      format: 'backendai',
      registry: 'docker.io',
      snapshotPath: undefined,
      repository: 'lablup/kernel-{name}',
      tags: { include: ['^\\d'], exclude: ['-rc\\d*$', '(?i)-debug$'], semver: '>=1', sort: 'version', latest: { pattern: '-ubuntu$' } },
      digest: 'image-id-12',
      platform: { os: 'linux', architecture: 'amd64' },
      prune: 'report',
      pin: false,
      policies: {},
      where: { line: 4, col: 5 },
    });
    expect(config.registries['docker.io']).toMatchObject({
      credentials: 'env:DOCKERHUB_TOKEN',
      username: 'env:DOCKERHUB_USER',
      concurrency: 8,
      timeoutMs: 20000,
      retries: undefined,
      hubApiUrl: 'https://hub.docker.com',
    });
    expect(config.git).toMatchObject({
      url: 'https://github.com/lablup/backend.ai-manager.git',
      branch: 'main',
      mode: 'push',
      author: { name: 'imgsync', email: 'imgsync@example.invalid' },
      token: 'env:IMGSYNC_GIT_TOKEN',
      githubApiUrl: 'https://api.github.com',
      message: 'chore(images): {summary}',
    });
  });

  it('builds each target its tag policy from the options written', async () => {
    const { targets } = await loadConfig({ path: join(validDir, 'backend-ai.yaml') });
    const policy = targets[0]!.tagPolicy;
    const tags = ['0.9-ubuntu', '1.2-ubuntu', '2.0-rc1', '2.0-ubuntu-DEBUG', '3.6-ubuntu', '3.7-alpine', 'latest'].map((tag) => ({ tag }));
    expect(policy.filter(tags).map((tag) => tag.tag)).toEqual(['1.2-ubuntu', '3.6-ubuntu', '3.7-alpine']);
    expect(policy.latestTarget(tags)?.tag).toBe('3.6-ubuntu');
  });

  it('loads a JSON config (tab-indented) with two targets, a file: secret and pull-request mode', async () => {
    const config = await loadConfig({ path: join(validDir, 'helm-and-kustomize.json') });
    expect(config.filesRelativeTo).toBe('config-dir');
    expect(config.targets.map((t) => [t.format, t.registry, t.digest, t.pin, t.prune])).toEqual([
      ['helm-values', 'ghcr.io', 'manifest', true, 'report'],
      ['kustomize', 'http://127.0.0.1:5000', 'manifest', false, 'report'],
    ]);
    expect(config.targets[1]!.files).toEqual(['deploy/**/kustomization.yaml', '!deploy/legacy/**']);
    expect(config.targets[1]!.platform).toEqual({ os: 'linux', architecture: 'amd64' }); // the default; only backendai reads it
    expect(config.targets[0]!.tagPolicy.sort).toBe('semver');
    // `https://ghcr.io` in the target and `ghcr.io` as the key are the same registry.
    expect(config.registries[config.targets[0]!.registry]).toMatchObject({
      credentials: `file:${join(validDir, 'secrets/ghcr-token')}`,
      username: 'imgsync-bot',
      retries: 5,
    });
    expect(config.registries['http://127.0.0.1:5000']?.concurrency).toBe(2);
    expect(config.git).toMatchObject({ url: undefined, mode: 'pull-request', token: 'env:GITHUB_TOKEN' });
  });

  it("loads a mirror (the entry holds nothing else), the mirror's own settings, and insecure", async () => {
    const config = await loadConfig({ path: join(validDir, 'mirror-and-insecure.yaml') });
    expect(config.targets.map((t) => t.registry)).toEqual(['docker.io', 'registry.lan:5000']);
    expect(config.registries['docker.io']).toMatchObject({ mirror: 'http://127.0.0.1:5000', credentials: undefined, insecure: undefined });
    expect(config.registries['127.0.0.1:5000']).toMatchObject({ mirror: undefined, credentials: 'env:MIRROR_TOKEN', username: 'imgsync', timeoutMs: 5000 });
    expect(config.registries['registry.lan:5000']).toMatchObject({ insecure: true, mirror: undefined });
    expect(config.registries['ghcr.io']?.mirror).toBe('https://harbor.example.com/ghcr-proxy');
  });

  it('loads marker policies and a registry snapshot path relative to the config file', async () => {
    const config = await loadConfig({ path: join(validDir, 'markers-offline.yaml') });
    const [markers, auto] = config.targets;
    expect(markers).toMatchObject({
      format: 'markers',
      registry: 'file:registry-snapshot.json',
      snapshotPath: join(validDir, 'registry-snapshot.json'),
      pin: true,
      digest: 'manifest',
    });
    expect(Object.keys(markers!.policies)).toEqual(['podinfo', 'flux-system:podinfo', 'nightly']);
    expect(markers!.policies['flux-system:podinfo']).toMatchObject({ name: 'flux-system:podinfo', repository: 'ghcr.io/stefanprodan/podinfo' });
    expect(markers!.policies.podinfo).toMatchObject({ name: 'podinfo', repository: 'stefanprodan/podinfo', where: { line: 11, col: 7 } });
    expect(markers!.policies.nightly!.repository).toBeUndefined();
    expect(markers!.policies.nightly!.tagPolicy.filter([{ tag: 'nightly-20240102' }, { tag: 'nightly-20231231' }, { tag: 'v1' }]).map((t) => t.tag)).toEqual([
      'nightly-20231231',
      'nightly-20240102',
    ]);
    // `auto` leaves the digest form to the detected format unless written.
    expect(auto).toMatchObject({ format: 'auto', digest: 'image-id' });
  });

  it('applies the defaults to a minimal config', async () => {
    const config = await loadConfig({ path: join(validDir, 'minimal.yml') });
    expect(config).toMatchObject({ filesRelativeTo: 'config-dir', registries: {}, git: undefined });
    expect(config.targets[0]).toMatchObject({
      files: ['image-metadata.yml'],
      format: 'auto',
      registry: 'docker.io',
      snapshotPath: undefined,
      repository: '{name}',
      tags: {},
      digest: undefined,
      platform: { os: 'linux', architecture: 'amd64' },
      prune: 'report',
      pin: false,
      policies: {},
    });
    expect(config.targets[0]!.tagPolicy.sort).toBe('version');
  });

  it('gives each format its digest form when none is written', () => {
    const text = ['backendai', 'image-refs', 'helm-values', 'kustomize', 'auto'].map((format) => `  - { files: x.yml, format: ${format} }`).join('\n');
    const config = parseConfig(`targets:\n${text}\n`, 'imgsync.config.yaml');
    expect(config.targets.map((t) => t.digest)).toEqual(['image-id-12', 'manifest', 'manifest', 'manifest', undefined]);
    expect(defaultDigestForm('markers')).toBe('manifest');
  });

  it('fills in git defaults for an empty git mapping', () => {
    const config = parseConfig('targets: [{ files: a.yml }]\ngit: {}\n', 'imgsync.config.yaml');
    expect(config.git).toMatchObject({
      url: undefined,
      branch: undefined,
      mode: 'push',
      author: { name: 'imgsync', email: 'imgsync@example.invalid' },
      token: undefined,
      githubApiUrl: undefined, // derived from the remote URL where it is used
      message: undefined,
    });
    expect(config.filesRelativeTo).toBe('config-dir');
  });

  it('checks text given with a path, relative to cwd', async () => {
    const config = await loadConfig({
      text: 'targets:\n  - files: a.yml\n    registry: file:snap.json\n',
      path: 'conf/imgsync.config.yaml',
      cwd: '/srv/project',
    });
    expect(config.path).toBe('conf/imgsync.config.yaml');
    expect(config.dir).toBe('/srv/project/conf');
    expect(config.targets[0]!.snapshotPath).toBe('/srv/project/conf/snap.json');
  });

  it('reads through an injected file system', async () => {
    const reads: string[] = [];
    const fs = {
      readFile: async (path: string) => {
        reads.push(path);
        return 'targets: [{ files: a.yml, format: kustomize }]\n';
      },
    };
    const config = await loadConfig({ path: 'imgsync.config.yaml', cwd: '/virtual' }, fs);
    expect(reads).toEqual(['/virtual/imgsync.config.yaml']);
    expect(config.targets[0]!.format).toBe('kustomize');
  });

  it('names a missing config file', async () => {
    await expect(loadConfig({ path: join(validDir, 'nope.yaml') })).rejects.toThrow(
      new ConfigError('config file not found', { path: join(validDir, 'nope.yaml') }),
    );
  });

  it('validates plain data without a text, and a single target for init', () => {
    const config = validateConfig({ targets: [{ files: 'values.yaml', format: 'helm-values' }] }, { path: 'x.yaml', dir: '/repo' });
    expect(config.targets[0]!.digest).toBe('manifest');
    expect(() => validateConfig({ targets: [{ files: 'a', format: 'helm' }] }, { path: 'x.yaml', dir: '/repo' })).toThrow(
      `x.yaml: targets[0].format: must be one of ${CONFIG_ENUMS.format.join(', ')} (got "helm"); did you mean "helm-values"?`,
    );
    expect(validateTargetConfig({ files: 'a.yml', format: 'backendai' }, { path: 'x.yaml', dir: '/repo' }).digest).toBe('image-id-12');
  });

  describe('with files on disk', () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'imgsync-config-'));
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('loads the same config from YAML and from JSON', async () => {
      const yaml = readFileSync(join(validDir, 'backend-ai.yaml'), 'utf8');
      const data = parseConfig(yaml, 'imgsync.config.yaml', { cwd: dir });
      const json = JSON.stringify(
        {
          targets: [
            {
              files: ['sample-configs/image-metadata.yml'],
              format: 'backendai',
              repository: 'lablup/kernel-{name}',
              tags: { include: '^\\d', exclude: ['-rc\\d*$', '(?i)-debug$'], semver: '>=1', sort: 'version', latest: { pattern: '-ubuntu$' } },
              digest: 'image-id-12',
              platform: 'linux/amd64',
              prune: 'report',
            },
          ],
          registries: {
            'docker.io': {
              credentials: 'env:DOCKERHUB_TOKEN',
              username: 'env:DOCKERHUB_USER',
              concurrency: 8,
              timeoutMs: 20000,
              hubApiUrl: 'https://hub.docker.com',
            },
          },
          git: {
            url: 'https://github.com/lablup/backend.ai-manager.git',
            branch: 'main',
            mode: 'push',
            author: { name: 'imgsync', email: 'imgsync@example.invalid' },
            token: 'env:IMGSYNC_GIT_TOKEN',
            githubApiUrl: 'https://api.github.com',
            message: 'chore(images): {summary}',
          },
        },
        null,
        2,
      );
      await writeFile(join(dir, 'imgsync.config.json'), json);
      const fromJson = await loadConfig({ path: join(dir, 'imgsync.config.json') });
      const strip = (value: unknown) =>
        JSON.parse(JSON.stringify(value, (key, v) => (key === 'where' || key === 'keyWhere' || key === 'tagPolicy' || key === 'path' ? undefined : v)));
      expect(strip(fromJson)).toEqual(strip(data));
    });
  });
});
