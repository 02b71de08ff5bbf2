import { describe, expect, it } from 'vitest';
import { FormatError } from '../../../src/errors.js';
import { createIgnoreRules } from '../../../src/policy/ignore-rules.js';
import { createTagPolicy } from '../../../src/policy/tag-policy.js';
import { parseYaml } from '../../../src/yaml/index.js';
import { markerPolicyStubs, markersFormat } from '../../../src/formats/index.js';
import { expectGolden, expectOnlyChangedLines, fixture, hex64, registryState, reports, summary, tagWithManifest, targetOptions } from '../helpers.js';

const SETTERS = 'markers/fixtures/hand-written__flux-setters.yaml';
const tags = (seed: string, names: string[]) => Object.fromEntries(names.map((t) => [t, tagWithManifest(`${seed} ${t}`)]));
const policies = {
  'flux-system:podinfo': { repository: 'ghcr.io/stefanprodan/podinfo', tagPolicy: createTagPolicy({ semver: '>=5.0.0' }) },
  redis: { repository: 'redis', tagPolicy: createTagPolicy({ include: '^7\\.\\d+$' }) },
};
/** Every policy the fixture's markers name; the registry knows nothing of the sidecar. */
const allPolicies = { ...policies, 'flux-system:unknown': { repository: 'ghcr.io/acme/sidecar' } };
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
    const changes = markersFormat.apply(file, registryState(registry), targetOptions({ policies: allPolicies }));
    const after = file.toString();
    expectGolden('markers/expected/setters@hand-written__flux-setters.yaml', after);
    expectOnlyChangedLines(before, after, changes);
    expect(summary(changes)).toEqual([
      'updated ghcr.io/stefanprodan/podinfo 5.0.0 -> 5.0.3',
      'reported ghcr.io/acme/sidecar:1.0.0',
      'updated ghcr.io/stefanprodan/podinfo 5.0.0 -> 5.0.3',
      'updated redis 7.0 -> 7.2',
    ]);
    expect(changes[1]!.message).toBe('no registry data for ghcr.io/acme/sidecar; left alone');
    expect(changes.map((c) => c.document)).toEqual([0, 0, 1, 1]);
    expect(after).toContain('tag: 5.0.3 # {"$imagepolicy": "flux-system:podinfo:tag"}\n');
    expect(after).toContain('tag: "7.2"  # imgsync: redis:tag\n');
  });

  it('a marker naming a policy the target does not define is an error at its line and column, and nothing is edited', () => {
    const before = fixture(SETTERS);
    const file = parseYaml(before, { path: 'podinfo.yaml' });
    let error: unknown;
    try {
      markersFormat.apply(file, registryState(registry), targetOptions({ policies }));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(FormatError);
    expect((error as FormatError).message).toBe(
      'podinfo.yaml:15:18: marker # {"$imagepolicy": "flux-system:unknown"} names policy flux-system:unknown, which the configuration does not define; ' +
        'add "flux-system:unknown" to the target\'s policies (imgsync init FILE writes one per marker); defined: flux-system:podinfo, redis; nothing in this file was changed',
    );
    expect(file.toString()).toBe(before);
  });

  it('points a config that wrote the Flux policy without its namespace to the name the marker uses', () => {
    const file = parseYaml(fixture(SETTERS), { path: 'podinfo.yaml' });
    const podinfoOnly = { podinfo: policies['flux-system:podinfo'], unknown: { repository: 'ghcr.io/acme/sidecar' } };
    expect(() => markersFormat.apply(file, registryState(registry), targetOptions({ policies: podinfoOnly }))).toThrow(
      /names policy flux-system:podinfo, which the configuration does not define \(and 4 more markers naming undefined policies\); the configuration has "podinfo": name it "flux-system:podinfo", as the marker does/,
    );
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

  describe('markerPolicyStubs (what imgsync init writes)', () => {
    it('names each policy once, with the repository its markers show and the current tag', () => {
      const stubs = markerPolicyStubs(parseYaml(fixture(SETTERS)));
      expect(stubs).toEqual([
        {
          name: 'flux-system:podinfo',
          repository: 'ghcr.io/stefanprodan/podinfo',
          currentTag: '5.0.0',
          tags: { include: '^\\d+\\.\\d+\\.\\d+$', semver: '>=5.0.0' },
          markers: 3,
          line: 13,
        },
        { name: 'flux-system:unknown', repository: 'ghcr.io/acme/sidecar', currentTag: '1.0.0', tags: expect.any(Object), markers: 1, line: 15 },
        // a lone :tag marker with no repository beside it: the user must say which
        { name: 'redis', repository: undefined, currentTag: '7.0', tags: { include: '^\\d+\\.\\d+$', semver: '>=7.0' }, markers: 1, line: 27 },
      ]);
    });

    it('reads the repository of a :tag marker from Helm-style siblings, and keeps a suffix in the tag shape', () => {
      const text = 'image:\n  registry: docker.io\n  repository: bitnami/redis\n  tag: 7.2.4-debian-12-r9 # {"$imagepolicy": "apps:redis:tag"}\n';
      expect(markerPolicyStubs(parseYaml(text))).toEqual([
        expect.objectContaining({
          name: 'apps:redis',
          repository: 'docker.io/bitnami/redis',
          tags: { include: '^\\d+\\.\\d+\\.\\d+-debian-\\d+-r\\d+$', semver: '>=7.2.4' },
        }),
      ]);
    });

    it('writes tag options that pick the next release, not a pre-release or another shape', () => {
      const [podinfo] = markerPolicyStubs(parseYaml(fixture(SETTERS)));
      const policy = createTagPolicy(podinfo!.tags);
      expect(policy.newest(['4.9.9', '5.0.0', '5.0.3', '5.1', '6.0.0-rc.1', 'latest'].map((tag) => ({ tag })))?.tag).toBe('5.0.3');
    });
  });
});

describe('markers: safe defaults', () => {
  // policies without a semver range: the version stays within its major; every policy the
  // fixture's markers name is defined (an undefined one is an error), the sidecar's unknown to the registry
  const open = {
    'flux-system:podinfo': { repository: 'ghcr.io/stefanprodan/podinfo', tagPolicy: createTagPolicy({}) },
    'flux-system:unknown': { repository: 'ghcr.io/acme/sidecar' },
    redis: { repository: 'redis', tagPolicy: createTagPolicy({ include: '^\\d+\\.\\d+$' }) },
  };
  const newer = {
    'ghcr.io/stefanprodan/podinfo': tags('podinfo', ['5.0.0', '5.0.3', '5.1.0', '6.0.0', 'latest']),
    'docker.io/library/redis': tags('redis', ['7.0', '7.2', '8.0']),
  };
  const run = (text: string, options: Parameters<typeof targetOptions>[0] = {}, state = newer) => {
    const file = parseYaml(text, { path: 'podinfo.yaml' });
    const lookup = registryState(state);
    const changes = markersFormat.apply(file, lookup, targetOptions({ policies: open, ...options }));
    return { after: file.toString(), changes, asked: lookup.asked };
  };

  it('moves within the major and reports the next one (golden)', () => {
    const before = fixture(SETTERS);
    const { after, changes } = run(before);
    expectGolden('markers/expected/default@hand-written__flux-setters.yaml', after);
    expectOnlyChangedLines(before, after, changes);
    expect(summary(changes)).toEqual([
      'updated ghcr.io/stefanprodan/podinfo 5.0.0 -> 5.1.0',
      'reported ghcr.io/stefanprodan/podinfo:5.1.0',
      'reported ghcr.io/acme/sidecar:1.0.0',
      'updated ghcr.io/stefanprodan/podinfo 5.0.0 -> 5.1.0',
      'reported ghcr.io/stefanprodan/podinfo:5.1.0',
      'updated redis 7.0 -> 7.2',
      'reported redis:7.2',
    ]);
    expect(reports(changes)).toContain('redis: 8.0 available; update: major allows it');
  });

  it('update: major lets the policy choose, as Flux does', () => {
    const { after } = run(fixture(SETTERS), { update: 'major' });
    expect(after).toContain('image: ghcr.io/stefanprodan/podinfo:6.0.0 #');
    expect(after).toContain('tag: "8.0"  # imgsync: redis:tag\n');
  });

  it('sets a :digest marker from its :tag neighbour’s version; alone, it waits for update: major', () => {
    const pair = 'image:\n  tag: 5.0.0 # {"$imagepolicy": "flux-system:podinfo:tag"}\n  digest: sha256:old # {"$imagepolicy": "flux-system:podinfo:digest"}\n';
    const { after } = run(pair);
    expect(after).toContain(`  tag: 5.1.0 #`);
    expect(after).toContain(`  digest: sha256:${hex64('podinfo 5.1.0')} #`);
    const alone = 'digest: sha256:old # {"$imagepolicy": "flux-system:podinfo:digest"}\n';
    const waiting = run(alone);
    expect(waiting.after).toBe(alone);
    expect(reports(waiting.changes)[0]).toMatch(/^ghcr\.io\/stefanprodan\/podinfo: no :tag marker .*\(update: major lets the policy choose\)$/);
    expect(run(alone, { update: 'major' }).after).toContain(`digest: sha256:${hex64('podinfo 6.0.0')} #`);
  });

  it('never replaces latest by a version, even with a range', () => {
    const text = 'image: ghcr.io/stefanprodan/podinfo:latest # {"$imagepolicy": "flux-system:podinfo"}\n';
    const ranged = { 'flux-system:podinfo': { repository: 'ghcr.io/stefanprodan/podinfo', tagPolicy: createTagPolicy({ semver: '>=5' }) } };
    const { after, changes } = run(text, { policies: ranged });
    expect(after).toBe(text);
    expect(reports(changes)).toEqual([
      'ghcr.io/stefanprodan/podinfo: 6.0.0 available, but latest is not a version and is never replaced by a version; left alone',
    ]);
  });

  it('leaves a policy whose repository ignore: names alone, unasked; # imgsync: ignore is no marker', () => {
    const { after, changes, asked } = run(fixture(SETTERS), { ignore: createIgnoreRules(['ghcr.io/stefanprodan/*']) });
    expect(asked).toEqual(['ghcr.io/acme/sidecar', 'docker.io/library/redis']);
    expect(after).toContain('image: ghcr.io/stefanprodan/podinfo:5.0.0 #');
    expect(summary(changes).filter((line) => line.startsWith('updated'))).toEqual(['updated redis 7.0 -> 7.2']);
    const frozen = parseYaml('image: redis:7.0 # imgsync: ignore\n');
    expect(markersFormat.detect(frozen)).toBe(false);
  });
});
