import { describe, expect, it } from 'vitest';
import { createIgnoreRules } from '../../../src/policy/ignore-rules.js';
import { parseYaml } from '../../../src/yaml/index.js';
import { kustomizeFormat } from '../../../src/formats/index.js';
import { expectGolden, expectOnlyChangedLines, fixture, hex64, registryState, reports, summary, tagWithManifest, targetOptions } from '../helpers.js';

const IMAGES = 'kustomize/fixtures/hand-written__kustomization-images.yaml';
const PINNED = 'kustomize/fixtures/hand-written__kustomization-pinned.yaml';
const PODINFO_FRONTEND = 'kustomize/fixtures/stefanprodan__podinfo__deploy__bases__frontend__kustomization.yaml';

const tags = (seed: string, names: string[]) => Object.fromEntries(names.map((t) => [t, tagWithManifest(`${seed} ${t}`)]));
const registry = {
  'ghcr.io/stefanprodan/podinfo': tags('podinfo', ['6.14.1', '6.15.0']),
  'registry.example.com/mirror/redis': tags('redis', ['7.2', '7.4', '8.0-rc1']),
  'docker.io/library/postgres': tags('pg', ['16.1', '16.4', '16.4-alpine']),
};

describe('kustomize', () => {
  it('moves a tag and its digest together: when the digest is refused, the tag goes back', () => {
    const old = `sha256:${'1'.repeat(64)}`;
    // the digest is anchored and aliased, so the editor refuses to change it on its own
    const text = `images:\n  - name: postgres\n    newTag: "16.1"\n    digest: &pinned ${old}\nlabels:\n  pinned: *pinned\n`;
    const file = parseYaml(text, { path: 'kustomization.yaml' });
    const changes = kustomizeFormat.apply(file, registryState(registry), targetOptions());
    expect(file.toString()).toBe(text);
    expect(changes).toEqual([
      expect.objectContaining({ kind: 'reported', path: ['images', 0, 'digest'], message: expect.stringMatching(/anchored as &pinned/) }),
    ]);
  });

  it('detects kustomizations with images, and not those without (nothing to follow)', () => {
    expect(kustomizeFormat.detect(parseYaml(fixture(IMAGES)))).toBe(true);
    expect(kustomizeFormat.detect(parseYaml(fixture(PODINFO_FRONTEND)))).toBe(false);
    expect(kustomizeFormat.detect(parseYaml('apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nimages:\n  - name: nginx\n'))).toBe(true);
    expect(kustomizeFormat.detect(parseYaml('images:\n  - name: nginx\n    newTag: "1.25"\n'))).toBe(true);
    expect(kustomizeFormat.detect(parseYaml('apiVersion: v1\nkind: Pod\n'))).toBe(false);
  });

  it('asks about newName when given, else name; skips entries without newTag', () => {
    expect(kustomizeFormat.wants(parseYaml(fixture(IMAGES)), targetOptions())).toEqual([
      { registry: 'ghcr.io', repository: 'stefanprodan/podinfo' },
      { registry: 'registry.example.com', repository: 'mirror/redis' },
      { repository: 'postgres' }, // no registry named: the target's
    ]);
  });

  it('bumps newTag, keeps its quotes and comment, and refreshes a digest (golden)', () => {
    const before = fixture(IMAGES);
    const file = parseYaml(before, { path: 'kustomization.yaml' });
    const changes = kustomizeFormat.apply(file, registryState(registry), targetOptions());
    const after = file.toString();
    expectGolden('kustomize/expected/bump@hand-written__kustomization-images.yaml', after);
    expectOnlyChangedLines(before, after, changes);
    expect(summary(changes)).toEqual([
      'updated ghcr.io/stefanprodan/podinfo 6.14.1 -> 6.15.0',
      'updated registry.example.com/mirror/redis 7.2 -> 7.4',
      'updated postgres 16.1 -> 16.4',
      `updated postgres:16.4 sha256:${'1'.repeat(64)} -> sha256:${hex64('pg 16.4')}`,
    ]);
    expect(after).toContain('    newTag: "7.4"   # pinned minor\n');
  });

  it('adds a digest key with pin: true', () => {
    const file = parseYaml('images:\n  - name: nginx\n    newTag: "1.25"\n');
    const changes = kustomizeFormat.apply(
      file,
      registryState({ 'docker.io/library/nginx': tags('n', ['1.25']) }),
      targetOptions({ pin: true, bumpTags: false }),
    );
    expect(summary(changes)).toEqual([`added nginx:1.25 sha256:${hex64('n 1.25')}`]);
    expect(file.toString()).toBe(`images:\n  - name: nginx\n    newTag: "1.25"\n    digest: "sha256:${hex64('n 1.25')}"\n`);
  });

  it('changes nothing in a kustomization without images', () => {
    const text = fixture(PODINFO_FRONTEND);
    const file = parseYaml(text);
    expect(kustomizeFormat.apply(file, registryState(registry), targetOptions())).toEqual([]);
    expect(file.toString()).toBe(text);
  });
});

describe('kustomize: safe defaults and ignores', () => {
  const state = {
    'docker.io/library/redis': tags('redis', ['7.2.4', '7.2.5', '7.4.2', '8.10.0']),
    'ghcr.io/stefanprodan/podinfo': tags('podinfo', ['6.14.1', '6.15.0', '7.0.0']),
    'docker.io/library/postgres': tags('pg', ['16.1', '16.4', '17.0']),
    'docker.io/bitnami/redis-exporter': tags('exporter', ['1.58.0', '1.62.0', '2.0.0']),
  };
  const run = (options: Parameters<typeof targetOptions>[0] = {}) => {
    const before = fixture(PINNED);
    const file = parseYaml(before, { path: 'kustomization.yaml' });
    const lookup = registryState(state);
    const changes = kustomizeFormat.apply(file, lookup, targetOptions(options));
    return { before, after: file.toString(), changes, asked: lookup.asked };
  };

  it('keeps "pinned on purpose" redis 7.2.4 in its major, moves a digest with its tag, skips the frozen entry (golden)', () => {
    const { before, after, changes, asked } = run();
    expectGolden('kustomize/expected/default@hand-written__kustomization-pinned.yaml', after);
    expectOnlyChangedLines(before, after, changes);
    expect(asked).toEqual(['docker.io/library/redis', 'ghcr.io/stefanprodan/podinfo', 'docker.io/bitnami/redis-exporter']);
    expect(summary(changes)).toEqual([
      'updated redis 7.2.4 -> 7.4.2',
      'reported redis:7.4.2',
      'updated ghcr.io/stefanprodan/podinfo 6.14.1 -> 6.15.0',
      `updated ghcr.io/stefanprodan/podinfo:6.15.0 sha256:${'0'.repeat(64)} -> sha256:${hex64('podinfo 6.15.0')}`,
      'reported ghcr.io/stefanprodan/podinfo:6.15.0',
      'updated bitnami/redis-exporter 1.58.0 -> 1.62.0',
      'reported bitnami/redis-exporter:1.62.0',
    ]);
    expect(reports(changes)).toEqual([
      'redis: 8.10.0 available; update: major allows it',
      'ghcr.io/stefanprodan/podinfo: 7.0.0 available; update: major allows it',
      'bitnami/redis-exporter: 2.0.0 available; update: major allows it',
    ]);
  });

  it('update: major moves redis to 8.10.0; the frozen postgres still stays', () => {
    const { after } = run({ update: 'major' });
    expect(after).toContain('    newTag: 8.10.0   # pinned on purpose\n');
    expect(after).toContain('  - name: postgres   # imgsync: ignore (waiting for the 16.4 migration)\n    newTag: "16.1"\n');
  });

  it('ignore: skips bitnami/* and keeps redis below 7.4 with redis:>=7.4', () => {
    const { changes, asked } = run({ ignore: createIgnoreRules(['bitnami/*', 'redis:>=7.4']) });
    expect(asked).toEqual(['docker.io/library/redis', 'ghcr.io/stefanprodan/podinfo']);
    expect(summary(changes)[0]).toBe('updated redis 7.2.4 -> 7.2.5');
    // versions the rules ignore are not news either
    expect(reports(changes)).toEqual(['ghcr.io/stefanprodan/podinfo: 7.0.0 available; update: major allows it']);
  });

  it('pin: true adds a digest for the new tag (kustomize reads digest), never for a frozen entry', () => {
    const { after, changes } = run({ pin: true });
    expect(summary(changes)).toContain(`added redis:7.4.2 sha256:${hex64('redis 7.4.2')}`);
    expect(after).toContain(`    newTag: 7.4.2   # pinned on purpose\n    digest: sha256:${hex64('redis 7.4.2')}\n`);
    expect(after).toContain('    newTag: "16.1"\n  - name: bitnami/redis-exporter\n');
  });
});
