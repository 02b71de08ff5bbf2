import { describe, expect, it } from 'vitest';
import { createIgnoreRules } from '../../../src/policy/ignore-rules.js';
import { parseYaml } from '../../../src/yaml/index.js';
import { helmValuesFormat } from '../../../src/formats/index.js';
import { expectGolden, expectOnlyChangedLines, fixture, hex64, registryState, reports, summary, tagWithManifest, targetOptions } from '../helpers.js';

const PODINFO = 'helm-values/fixtures/stefanprodan__podinfo__charts__podinfo__values.yaml';
const GUESTBOOK = 'helm-values/fixtures/argoproj__argocd-example-apps__blue-green__values.yaml';
const DEPENDENCY = 'helm-values/fixtures/argoproj__argocd-example-apps__helm-dependency__values.yaml';
const BITNAMI = 'helm-values/fixtures/hand-written__bitnami-style-values.yaml';

function run(
  relative: string,
  repositories: Parameters<typeof registryState>[0],
  options: Parameters<typeof targetOptions>[0] = {},
  edit = (text: string) => text,
) {
  const before = edit(fixture(relative));
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
  const podinfo = {
    'ghcr.io/stefanprodan/podinfo': tags('podinfo', ['6.14.1', '6.15.0', '7.0.0']),
    'docker.io/library/redis': tags('redis', ['8.8.0', '8.8.1', '8.8.1-alpine', '9.0.0']),
  };

  it('bumps podinfo’s image.tag and redis.tag within their majors, with the registry named in repository (golden)', () => {
    const { before, after, changes, asked } = run(PODINFO, podinfo);
    expectGolden('helm-values/expected/bump@podinfo-values.yaml', after);
    expectOnlyChangedLines(before, after, changes);
    expect(asked).toEqual(['ghcr.io/stefanprodan/podinfo', 'docker.io/library/redis']);
    expect(summary(changes)).toEqual([
      'updated ghcr.io/stefanprodan/podinfo 6.14.1 -> 6.15.0',
      'reported ghcr.io/stefanprodan/podinfo:6.15.0',
      'updated docker.io/redis 8.8.0 -> 8.8.1',
      'reported docker.io/redis:8.8.1',
    ]);
    expect(reports(changes)).toEqual([
      'ghcr.io/stefanprodan/podinfo: 7.0.0 available; update: major allows it',
      'docker.io/redis: 9.0.0 available; update: major allows it',
    ]);
    expect(changes.map((c) => c.path)).toEqual([['image', 'tag'], ['image'], ['redis', 'tag'], ['redis']]);
  });

  it('with pin: true, never gives a block a digest key it does not have, and says so', () => {
    const { after, changes } = run(PODINFO, podinfo, { pin: true });
    expectGolden('helm-values/expected/bump@podinfo-values.yaml', after);
    expect(after).not.toContain('digest');
    expect(summary(changes).filter((line) => !line.startsWith('reported'))).toEqual([
      'updated ghcr.io/stefanprodan/podinfo 6.14.1 -> 6.15.0',
      'updated docker.io/redis 8.8.0 -> 8.8.1',
    ]);
    expect(reports(changes)).toContain(
      'ghcr.io/stefanprodan/podinfo:6.15.0: not pinned: the image block has no digest key (add digest: "" if the chart reads one)',
    );
  });

  it('moves a v-prefixed tag only to v-prefixed tags', () => {
    const { after, changes } = run(GUESTBOOK, { 'gcr.io/google-samples/gb-frontend': tags('gb', ['v5', 'v6', '7', 'latest']) }, { update: 'major' });
    expect(summary(changes)).toEqual(['updated gcr.io/google-samples/gb-frontend v5 -> v6']);
    expect(after).toContain('  tag: v6\n');
  });

  it('keeps v5 below v6 by default: a new major is only reported', () => {
    const { after, before, changes } = run(GUESTBOOK, { 'gcr.io/google-samples/gb-frontend': tags('gb', ['v5', 'v5.1', 'v6']) });
    expect(after).toBe(before);
    expect(reports(changes)).toEqual(['gcr.io/google-samples/gb-frontend: v6 available; update: major allows it']);
  });

  it('ignore: and # imgsync: ignore leave a block alone, unasked', () => {
    const ignored = run(PODINFO, podinfo, { ignore: createIgnoreRules(['redis']) });
    expect(ignored.asked).toEqual(['ghcr.io/stefanprodan/podinfo']);
    expect(ignored.after).toContain('  tag: 8.8.0\n');
    for (const freeze of [
      (text: string) => text.replace('\nimage:\n', '\nimage: # imgsync: ignore\n'),
      (text: string) => text.replace('  tag: 6.14.1\n', '  tag: 6.14.1 # imgsync: ignore\n'),
    ]) {
      const frozen = run(PODINFO, podinfo, {}, freeze);
      expect(frozen.asked).toEqual(['docker.io/library/redis']);
      expect(frozen.after).toContain('6.14.1');
      expect(summary(frozen.changes)[0]).toBe('updated docker.io/redis 8.8.0 -> 8.8.1');
    }
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
    // the digest filled is 7.2.5-debian-12-r0's, and the change says so
    expect(summary(changes)).toEqual([
      'updated docker.io/bitnami/redis 7.2.4-debian-12-r9 -> 7.2.5-debian-12-r0',
      `filled docker.io/bitnami/redis:7.2.5-debian-12-r0  -> sha256:${hex64('redis 7.2.5-debian-12-r0')}`,
      `filled docker.io/bitnami/redis-exporter:1.58.0-debian-12-r4  -> sha256:${hex64('exporter 1.58.0-debian-12-r4')}`,
    ]);
    expect(changes.map((c) => c.field)).toEqual(['tag', 'digest', 'digest']);
  });

  it('leaves digest: "" empty without pin', () => {
    const { after, changes } = run(BITNAMI, redis);
    expect(changes.map((c) => c.kind)).toEqual(['updated']);
    expect(after).toContain('  tag: 7.2.5-debian-12-r0\n  digest: ""\n');
  });

  it('refreshes a digest the block has, with the new tag', () => {
    const old = `sha256:${'1'.repeat(64)}`;
    const file = parseYaml(`image:\n  repository: bitnami/redis\n  tag: "7.2"\n  digest: ${old}\n`);
    const changes = helmValuesFormat.apply(file, registryState({ 'docker.io/bitnami/redis': tags('r', ['7.2', '7.4', '8.0']) }), targetOptions());
    expect(summary(changes)).toEqual([
      'updated bitnami/redis 7.2 -> 7.4',
      `updated bitnami/redis:7.4 ${old} -> sha256:${hex64('r 7.4')}`,
      'reported bitnami/redis:7.4',
    ]);
    expect(file.toString()).toBe(`image:\n  repository: bitnami/redis\n  tag: "7.4"\n  digest: sha256:${hex64('r 7.4')}\n`);
  });

  it('leaves bitnami/* alone with ignore: [bitnami/*], even under a global registry override', () => {
    const { after, before, changes, asked } = run(BITNAMI, redis, { pin: true, ignore: createIgnoreRules(['bitnami/*']) });
    expect([after, changes, asked]).toEqual([before, [], []]);
    const mirrored = (text: string) =>
      text.replace('  imageRegistry: ""', '  imageRegistry: registry.example.com').replaceAll('  registry: docker.io\n', '  registry: ""\n');
    expect(run(BITNAMI, redis, { ignore: createIgnoreRules(['bitnami/*']) }, mirrored).asked).toEqual([]);
  });

  it('uses global.imageRegistry when the block names no registry', () => {
    const file = parseYaml('global:\n  imageRegistry: registry.example.com\nimage:\n  registry: ""\n  repository: bitnami/redis\n  tag: 7.2.4\n');
    expect(helmValuesFormat.wants(file, targetOptions())).toEqual([{ registry: 'registry.example.com', repository: 'bitnami/redis' }]);
  });

  it('reads a numeric-looking tag as written and writes the new one as a string', () => {
    const file = parseYaml('image:\n  repository: library/postgres\n  tag: 16.10\n');
    const changes = helmValuesFormat.apply(file, registryState({ 'docker.io/library/postgres': tags('pg', ['16.10', '16.11']) }), targetOptions());
    expect(summary(changes)).toEqual(['updated library/postgres 16.10 -> 16.11']);
    expect(file.toString()).toBe('image:\n  repository: library/postgres\n  tag: "16.11"\n');
  });
});
