import { describe, expect, it } from 'vitest';
import { createTagPolicy } from '../../../src/policy/tag-policy.js';
import { parseYaml } from '../../../src/yaml/index.js';
import { imageRefsFormat } from '../../../src/formats/index.js';
import { expectGolden, expectOnlyChangedLines, fixture, hex64, registryState, summary, tagWithManifest, targetOptions } from '../helpers.js';

const DEPLOYMENT = 'image-refs/fixtures/stefanprodan__podinfo__deploy__bases__backend__deployment.yaml';
const COMPOSE = 'image-refs/fixtures/docker__awesome-compose__elasticsearch-logstash-kibana__compose.yaml';
const WORKFLOW = 'image-refs/fixtures/stefanprodan__podinfo__.github__workflows__e2e.yml';
const MULTI = 'image-refs/fixtures/hand-written__multi-document.yaml';

const podinfo = {
  'ghcr.io/stefanprodan/podinfo': {
    '6.14.1': tagWithManifest('podinfo 6.14.1'),
    '6.15.0': tagWithManifest('podinfo 6.15.0'),
    '7.0.0': tagWithManifest('podinfo 7.0.0'),
    latest: tagWithManifest('podinfo latest'),
  },
};

function run(relative: string, repositories: Parameters<typeof registryState>[0], options: Parameters<typeof targetOptions>[0] = {}) {
  const before = fixture(relative);
  const file = parseYaml(before, { path: relative });
  const state = registryState(repositories);
  const changes = imageRefsFormat.apply(file, state, targetOptions(options));
  return { before, after: file.toString(), changes, asked: state.asked };
}

describe('image-refs: Kubernetes manifest', () => {
  it('bumps the tag to the newest one the policy accepts, on that line only (golden)', () => {
    const { before, after, changes } = run(DEPLOYMENT, podinfo, { tagPolicy: createTagPolicy({ semver: '^6' }) });
    expectGolden('image-refs/expected/bump@podinfo-backend-deployment.yaml', after);
    expectOnlyChangedLines(before, after, changes);
    expect(summary(changes)).toEqual(['updated ghcr.io/stefanprodan/podinfo:6.14.1 ghcr.io/stefanprodan/podinfo:6.14.1 -> ghcr.io/stefanprodan/podinfo:6.15.0']);
    expect(changes[0]!.path).toEqual(['spec', 'template', 'spec', 'containers', 0, 'image']);
    expect(changes[0]!.document).toBeUndefined();
  });

  it('pins to the manifest digest with pin: true', () => {
    const { after, changes } = run(DEPLOYMENT, podinfo, { tagPolicy: createTagPolicy({ semver: '^6' }), pin: true });
    expect(changes[0]!.new).toBe(`ghcr.io/stefanprodan/podinfo:6.15.0@sha256:${hex64('podinfo 6.15.0')}`);
    expect(after).toContain(`        image: ghcr.io/stefanprodan/podinfo:6.15.0@sha256:${hex64('podinfo 6.15.0')}\n`);
  });

  it('only pins with bumpTags: false', () => {
    const { changes } = run(DEPLOYMENT, podinfo, { bumpTags: false, pin: true });
    expect(changes[0]!.new).toBe(`ghcr.io/stefanprodan/podinfo:6.14.1@sha256:${hex64('podinfo 6.14.1')}`);
  });

  it('asks the registry with normalised names', () => {
    expect(imageRefsFormat.wants(parseYaml(fixture(DEPLOYMENT)), targetOptions())).toEqual([{ registry: 'ghcr.io', repository: 'stefanprodan/podinfo' }]);
  });
});

describe('image-refs: compose file', () => {
  it('bumps Docker Hub official images within their shape (golden)', () => {
    const hub = (seed: string, tags: string[]) => Object.fromEntries(tags.map((t) => [t, tagWithManifest(`${seed} ${t}`)]));
    const { before, after, changes, asked } = run(COMPOSE, {
      'docker.io/library/elasticsearch': hub('es', ['7.16.1', '7.17.20', '8.13.0', '7.17.20-arm64']),
      'docker.io/library/logstash': hub('ls', ['7.16.1', '7.16.3']),
      'docker.io/library/kibana': hub('kb', ['7.16.1']),
    }, { tagPolicy: createTagPolicy({ semver: '^7' }) });
    expectGolden('image-refs/expected/bump@awesome-compose-elk.yaml', after);
    expectOnlyChangedLines(before, after, changes);
    expect(summary(changes)).toEqual([
      'updated elasticsearch:7.16.1 elasticsearch:7.16.1 -> elasticsearch:7.17.20',
      'updated logstash:7.16.1 logstash:7.16.1 -> logstash:7.16.3',
    ]);
    expect(asked).toEqual(['docker.io/library/elasticsearch', 'docker.io/library/logstash', 'docker.io/library/kibana']);
  });
});

describe('image-refs: GitHub workflow', () => {
  it('finds service images and leaves shell variables and untagged names alone', () => {
    const file = parseYaml(fixture(WORKFLOW));
    expect(imageRefsFormat.wants(file, targetOptions())).toEqual([{ repository: 'registry' }]); // no registry named: the target's
    const { before, after, changes } = run(WORKFLOW, { 'docker.io/library/registry': { '2': tagWithManifest('r2'), '3': tagWithManifest('r3') } });
    expectOnlyChangedLines(before, after, changes);
    expect(summary(changes)).toEqual(['updated registry:2 registry:2 -> registry:3']);
    expect(after).toContain('kind load docker-image ${PODINFO_IMAGE_URL}:${PODINFO_VERSION}');
  });
});

describe('image-refs: multi-document stream', () => {
  it('edits references in every document, refreshes digests, skips ${VAR} references (golden)', () => {
    const { before, after, changes } = run(MULTI, {
      ...podinfo,
      'docker.io/library/redis': { '7.2-alpine': tagWithManifest('r72'), '7.4-alpine': tagWithManifest('r74'), '7.4': tagWithManifest('r74d') },
    }, { tagPolicy: createTagPolicy({ semver: '^6 || ^7' }) });
    expectGolden('image-refs/expected/bump@hand-written__multi-document.yaml', after);
    expectOnlyChangedLines(before, after, changes);
    expect(changes.map((c) => [c.document, c.new])).toEqual([
      [0, 'ghcr.io/stefanprodan/podinfo:7.0.0'],
      [0, 'redis:7.4-alpine'],
      [1, `ghcr.io/stefanprodan/podinfo:7.0.0@sha256:${hex64('podinfo 7.0.0')}`],
    ]);
    expect(after).toContain('image: "ghcr.io/acme/migrate:${MIGRATE_TAG}"');
    expect(after).toContain(`image: 'ghcr.io/stefanprodan/podinfo:7.0.0@sha256:`);
  });

  it('reports references the registry gave nothing for', () => {
    const { after, before, changes } = run(MULTI, {});
    expect(after).toBe(before);
    expect(changes.every((c) => c.kind === 'reported' && /no registry data/.test(c.message!))).toBe(true);
    expect(changes).toHaveLength(3);
  });
});

describe('image-refs: editor refusals', () => {
  it('reports a reference behind an anchor that aliases share', () => {
    const text = 'a:\n  image: &img nginx:1.25\nb:\n  image: *img\n';
    const file = parseYaml(text);
    const changes = imageRefsFormat.apply(file, registryState({ 'docker.io/library/nginx': { '1.25': tagWithManifest('a'), '1.27': tagWithManifest('b') } }), targetOptions());
    expect(file.toString()).toBe(text);
    expect(summary(changes)).toEqual(['reported nginx:1.25']);
    expect(changes[0]!.message).toMatch(/anchor|alias/);
  });
});
