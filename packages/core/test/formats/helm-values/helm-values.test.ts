import { describe, expect, it } from 'vitest';
import { parseYaml } from '../../../src/yaml/index.js';
import { helmValuesFormat } from '../../../src/formats/index.js';
import { expectGolden, expectOnlyChangedLines, fixture, hex64, registryState, summary, tagWithManifest, targetOptions } from '../helpers.js';

const PODINFO = 'helm-values/fixtures/stefanprodan__podinfo__charts__podinfo__values.yaml';
const GUESTBOOK = 'helm-values/fixtures/argoproj__argocd-example-apps__blue-green__values.yaml';
const DEPENDENCY = 'helm-values/fixtures/argoproj__argocd-example-apps__helm-dependency__values.yaml';
const BITNAMI = 'helm-values/fixtures/hand-written__bitnami-style-values.yaml';

function run(relative: string, repositories: Parameters<typeof registryState>[0], options: Parameters<typeof targetOptions>[0] = {}) {
  const before = fixture(relative);
  const file = parseYaml(before, { path: relative });
  const state = registryState(repositories);
  const changes = helmValuesFormat.apply(file, state, targetOptions(options));
  return { before, after: file.toString(), changes, asked: state.asked };
}

const tags = (seed: string, names: string[]) => Object.fromEntries(names.map((t) => [t, tagWithManifest(`${seed} ${t}`)]));

describe('helm-values: detect', () => {
  it('claims values files with image blocks, not Kubernetes objects or blocks without repository', () => {
    expect(helmValuesFormat.detect(parseYaml(fixture(PODINFO)))).toBe(true);
    expect(helmValuesFormat.detect(parseYaml(fixture(BITNAMI)))).toBe(true);
    expect(helmValuesFormat.detect(parseYaml(fixture(DEPENDENCY)))).toBe(false); // image: {tag: invalid} only
    expect(helmValuesFormat.detect(parseYaml('apiVersion: v1\nkind: Pod\nimage:\n  repository: x\n  tag: "1"\n'))).toBe(false);
  });
});

describe('helm-values: plain repository/tag blocks', () => {
  it('bumps podinfo’s image.tag and redis.tag, with the registry named in repository (golden)', () => {
    const { before, after, changes, asked } = run(PODINFO, {
      'ghcr.io/stefanprodan/podinfo': tags('podinfo', ['6.14.1', '6.15.0']),
      'docker.io/library/redis': tags('redis', ['8.8.0', '8.8.1', '8.8.1-alpine']),
    });
    expectGolden('helm-values/expected/bump@podinfo-values.yaml', after);
    expectOnlyChangedLines(before, after, changes);
    expect(asked).toEqual(['ghcr.io/stefanprodan/podinfo', 'docker.io/library/redis']);
    expect(summary(changes)).toEqual([
      'updated ghcr.io/stefanprodan/podinfo:6.14.1 6.14.1 -> 6.15.0',
      'updated docker.io/redis:8.8.0 8.8.0 -> 8.8.1',
    ]);
    expect(changes.map((c) => c.path)).toEqual([['image', 'tag'], ['redis', 'tag']]);
  });

  it('moves a v-prefixed tag only to v-prefixed tags', () => {
    const { after, changes } = run(GUESTBOOK, { 'gcr.io/google-samples/gb-frontend': tags('gb', ['v5', 'v6', '7', 'latest']) });
    expect(summary(changes)).toEqual(['updated gcr.io/google-samples/gb-frontend:v5 v5 -> v6']);
    expect(after).toContain('  tag: v6\n');
  });
});

describe('helm-values: Bitnami-style blocks', () => {
  const redis = {
    'docker.io/bitnami/redis': tags('redis', ['7.2.4-debian-12-r9', '7.2.4-debian-12-r10', '7.2.5-debian-12-r0', '7.2.5']),
    'docker.io/bitnami/redis-exporter': tags('exporter', ['1.58.0-debian-12-r4']),
  };

  it('bumps the tag within its Bitnami revision scheme and fills digest: "" when pinning (golden)', () => {
    const { before, after, changes } = run(BITNAMI, redis, { pin: true });
    expectGolden('helm-values/expected/pin@hand-written__bitnami-style-values.yaml', after);
    expectOnlyChangedLines(before, after, changes);
    expect(summary(changes)).toEqual([
      'updated docker.io/bitnami/redis:7.2.4-debian-12-r9 7.2.4-debian-12-r9 -> 7.2.5-debian-12-r0',
      `filled docker.io/bitnami/redis:7.2.4-debian-12-r9  -> sha256:${hex64('redis 7.2.5-debian-12-r0')}`,
      `filled docker.io/bitnami/redis-exporter:1.58.0-debian-12-r4  -> sha256:${hex64('exporter 1.58.0-debian-12-r4')}`,
    ]);
  });

  it('leaves digest: "" empty without pin', () => {
    const { after, changes } = run(BITNAMI, redis);
    expect(changes.map((c) => c.kind)).toEqual(['updated']);
    expect(after).toContain('  tag: 7.2.5-debian-12-r0\n  digest: ""\n');
  });

  it('adds a digest key styled like its siblings when a block has none', () => {
    const file = parseYaml('image:\n  repository: bitnami/redis\n  tag: "7.2"\n');
    const changes = helmValuesFormat.apply(file, registryState({ 'docker.io/bitnami/redis': tags('r', ['7.2']) }), targetOptions({ pin: true }));
    expect(summary(changes)).toEqual([`added bitnami/redis:7.2 sha256:${hex64('r 7.2')}`]);
    expect(file.toString()).toBe(`image:\n  repository: bitnami/redis\n  tag: "7.2"\n  digest: "sha256:${hex64('r 7.2')}"\n`);
  });

  it('uses global.imageRegistry when the block names no registry', () => {
    const file = parseYaml('global:\n  imageRegistry: registry.example.com\nimage:\n  registry: ""\n  repository: bitnami/redis\n  tag: 7.2.4\n');
    expect(helmValuesFormat.wants(file, targetOptions())).toEqual([{ registry: 'registry.example.com', repository: 'bitnami/redis' }]);
  });

  it('reads a numeric-looking tag as written and writes the new one as a string', () => {
    const file = parseYaml('image:\n  repository: library/postgres\n  tag: 16.10\n');
    const changes = helmValuesFormat.apply(file, registryState({ 'docker.io/library/postgres': tags('pg', ['16.10', '16.11']) }), targetOptions());
    expect(summary(changes)).toEqual(['updated library/postgres:16.10 16.10 -> 16.11']);
    expect(file.toString()).toBe('image:\n  repository: library/postgres\n  tag: "16.11"\n');
  });
});
