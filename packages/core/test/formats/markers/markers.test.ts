import { describe, expect, it } from 'vitest';
import { createTagPolicy } from '../../../src/policy/tag-policy.js';
import { parseYaml } from '../../../src/yaml/index.js';
import { markersFormat } from '../../../src/formats/index.js';
import { expectGolden, expectOnlyChangedLines, fixture, hex64, registryState, summary, tagWithManifest, targetOptions } from '../helpers.js';

const SETTERS = 'markers/fixtures/hand-written__flux-setters.yaml';
const tags = (seed: string, names: string[]) => Object.fromEntries(names.map((t) => [t, tagWithManifest(`${seed} ${t}`)]));
const policies = {
  'flux-system:podinfo': { repository: 'ghcr.io/stefanprodan/podinfo', tagPolicy: createTagPolicy({ semver: '>=5.0.0' }) },
  redis: { repository: 'redis', tagPolicy: createTagPolicy({ include: '^7\\.\\d+$' }) },
};
const registry = {
  'ghcr.io/stefanprodan/podinfo': tags('podinfo', ['5.0.0', '5.0.3', '6.0.0-rc.1']),
  'docker.io/library/redis': tags('redis', ['7.0', '7.2', '7.2-alpine', '8.0']),
};

describe('markers', () => {
  it('asks about the repositories of the policies that markers name', () => {
    const wants = markersFormat.wants(parseYaml(fixture(SETTERS)), targetOptions({ policies }));
    expect(wants).toEqual([
      { registry: 'ghcr.io', repository: 'stefanprodan/podinfo' },
      { repository: 'redis' }, // no registry named: the target's
    ]);
  });

  it('sets the whole reference, the tag or the name per setter field (golden)', () => {
    const before = fixture(SETTERS);
    const file = parseYaml(before, { path: 'podinfo.yaml' });
    const changes = markersFormat.apply(file, registryState(registry), targetOptions({ policies }));
    const after = file.toString();
    expectGolden('markers/expected/setters@hand-written__flux-setters.yaml', after);
    expectOnlyChangedLines(before, after, changes);
    expect(summary(changes)).toEqual([
      'updated ghcr.io/stefanprodan/podinfo:5.0.3 ghcr.io/stefanprodan/podinfo:5.0.0 -> ghcr.io/stefanprodan/podinfo:5.0.3',
      'reported flux-system:unknown',
      'updated ghcr.io/stefanprodan/podinfo:5.0.3 5.0.0 -> 5.0.3',
      'updated redis:7.2 7.0 -> 7.2',
    ]);
    expect(changes[1]!.message).toMatch(/does not define/);
    expect(changes.map((c) => c.document)).toEqual([0, 0, 1, 1]);
    expect(after).toContain('tag: 5.0.3 # {"$imagepolicy": "flux-system:podinfo:tag"}\n');
    expect(after).toContain('tag: "7.2"  # imgsync: redis:tag\n');
  });

  it('writes a manifest digest for a :digest setter', () => {
    const file = parseYaml('digest: sha256:old # {"$imagepolicy": "flux-system:podinfo:digest"}\n');
    markersFormat.apply(file, registryState(registry), targetOptions({ policies }));
    expect(file.toString()).toBe(`digest: sha256:${hex64('podinfo 5.0.3')} # {"$imagepolicy": "flux-system:podinfo:digest"}\n`);
  });

  it('ignores ordinary comments and malformed setters', () => {
    const file = parseYaml('a: 1.0 # {"$imagepolicy": broken}\nb: 2.0 # imgsync\nc: 3.0 # see https://example.com\n');
    expect(markersFormat.detect(file)).toBe(false);
  });
});
