import { describe, expect, it } from 'vitest';
import { createIgnoreRules } from '../../../src/policy/ignore-rules.js';
import { createTagPolicy } from '../../../src/policy/tag-policy.js';
import { parseYaml } from '../../../src/yaml/index.js';
import { imageRefsFormat } from '../../../src/formats/index.js';
import { expectGolden, expectOnlyChangedLines, fixture, hex64, registryState, reports, summary, tagWithManifest, targetOptions } from '../helpers.js';

const DEPLOYMENT = 'image-refs/fixtures/stefanprodan__podinfo__deploy__bases__backend__deployment.yaml';
const COMPOSE = 'image-refs/fixtures/docker__awesome-compose__elasticsearch-logstash-kibana__compose.yaml';
const NEXTCLOUD = 'image-refs/fixtures/docker__awesome-compose__nextcloud-postgres__compose.yaml';
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

function run(
  relative: string,
  repositories: Parameters<typeof registryState>[0],
  options: Parameters<typeof targetOptions>[0] = {},
  edit = (text: string) => text,
) {
  const before = edit(fixture(relative));
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
    expect(summary(changes)).toEqual(['updated ghcr.io/stefanprodan/podinfo 6.14.1 -> 6.15.0']);
    expect(changes[0]).toMatchObject({ tag: '6.15.0', field: 'tag', old: '6.14.1', new: '6.15.0' });
    expect(changes[0]!.path).toEqual(['spec', 'template', 'spec', 'containers', 0, 'image']);
    expect(changes[0]!.document).toBeUndefined();
  });

  it('pins to the manifest digest with pin: true', () => {
    const { after, changes } = run(DEPLOYMENT, podinfo, { tagPolicy: createTagPolicy({ semver: '^6' }), pin: true });
    expect(changes).toEqual([
      expect.objectContaining({ kind: 'updated', tag: '6.15.0', field: 'tag', old: '6.14.1', new: `6.15.0@sha256:${hex64('podinfo 6.15.0')}` }),
    ]);
    expect(after).toContain(`        image: ghcr.io/stefanprodan/podinfo:6.15.0@sha256:${hex64('podinfo 6.15.0')}\n`);
  });

  it('only pins with bumpTags: false', () => {
    const { before, after, changes } = run(DEPLOYMENT, podinfo, { bumpTags: false, pin: true });
    expect(summary(changes)).toEqual([`added ghcr.io/stefanprodan/podinfo:6.14.1 sha256:${hex64('podinfo 6.14.1')}`]);
    expect(changes[0]!.field).toBe('digest');
    expectOnlyChangedLines(before, after, changes);
  });

  it('asks the registry with normalised names', () => {
    expect(imageRefsFormat.wants(parseYaml(fixture(DEPLOYMENT)), targetOptions())).toEqual([{ registry: 'ghcr.io', repository: 'stefanprodan/podinfo' }]);
  });
});

describe('image-refs: compose file', () => {
  it('bumps Docker Hub official images within their shape (golden)', () => {
    const hub = (seed: string, tags: string[]) => Object.fromEntries(tags.map((t) => [t, tagWithManifest(`${seed} ${t}`)]));
    const { before, after, changes, asked } = run(
      COMPOSE,
      {
        'docker.io/library/elasticsearch': hub('es', ['7.16.1', '7.17.20', '8.13.0', '7.17.20-arm64']),
        'docker.io/library/logstash': hub('ls', ['7.16.1', '7.16.3']),
        'docker.io/library/kibana': hub('kb', ['7.16.1']),
      },
      { tagPolicy: createTagPolicy({ semver: '^7' }) },
    );
    expectGolden('image-refs/expected/bump@awesome-compose-elk.yaml', after);
    expectOnlyChangedLines(before, after, changes);
    // the range is explicit: 8.13.0 is outside it, which is no news
    expect(summary(changes)).toEqual(['updated elasticsearch 7.16.1 -> 7.17.20', 'updated logstash 7.16.1 -> 7.16.3']);
    expect(asked).toEqual(['docker.io/library/elasticsearch', 'docker.io/library/logstash', 'docker.io/library/kibana']);
  });
});

describe('image-refs: safe defaults (a registry with newer minors and majors)', () => {
  const hub = (seed: string, tags: string[]) => Object.fromEntries(tags.map((t) => [t, tagWithManifest(`${seed} ${t}`)]));
  const elk = {
    'docker.io/library/elasticsearch': hub('es', ['7.16.1', '7.16.3', '7.17.28', '8.1.0', '8.13.0-rc1']),
    'docker.io/library/logstash': hub('ls', ['7.16.1', '7.16.3', '8.1.0']),
    'docker.io/library/kibana': hub('kb', ['7.16.1', '8.1.0']),
  };

  it('moves a version within its major and reports the newer major (golden)', () => {
    const { before, after, changes } = run(COMPOSE, elk);
    expectGolden('image-refs/expected/default@awesome-compose-elk.yaml', after);
    expectOnlyChangedLines(before, after, changes);
    expect(summary(changes)).toEqual([
      'updated elasticsearch 7.16.1 -> 7.17.28',
      'reported elasticsearch:7.17.28',
      'updated logstash 7.16.1 -> 7.16.3',
      'reported logstash:7.16.3',
      'reported kibana:7.16.1',
    ]);
    expect(reports(changes)).toEqual([
      'elasticsearch: 8.1.0 available; update: major allows it',
      'logstash: 8.1.0 available; update: major allows it',
      'kibana: 8.1.0 available; update: major allows it',
    ]);
  });

  it('update: patch stays within the minor', () => {
    const { changes } = run(COMPOSE, elk, { update: 'patch' });
    expect(summary(changes).filter((line) => line.startsWith('updated'))).toEqual([
      'updated elasticsearch 7.16.1 -> 7.16.3',
      'updated logstash 7.16.1 -> 7.16.3',
    ]);
    expect(reports(changes)[0]).toBe('elasticsearch: 8.1.0 available; update: major allows it');
  });

  it('update: major, or a semver range that admits it, takes the new major', () => {
    for (const options of [{ update: 'major' as const }, { tagPolicy: createTagPolicy({ semver: '>=8' }) }]) {
      const { after, changes } = run(COMPOSE, elk, options);
      expect(summary(changes)).toEqual(['updated elasticsearch 7.16.1 -> 8.1.0', 'updated logstash 7.16.1 -> 8.1.0', 'updated kibana 7.16.1 -> 8.1.0']);
      expect(after).toContain('    image: elasticsearch:8.1.0\n');
    }
  });

  it('an explicit update level narrows an explicit range', () => {
    const { changes } = run(COMPOSE, elk, { tagPolicy: createTagPolicy({ semver: '>=7' }), update: 'minor' });
    expect(summary(changes)[0]).toBe('updated elasticsearch 7.16.1 -> 7.17.28');
  });

  it('leaves registry:2 of a workflow alone when the registry has 3, and says so', () => {
    const { before, after, changes } = run(WORKFLOW, { 'docker.io/library/registry': { '2': tagWithManifest('r2'), '3': tagWithManifest('r3') } });
    expect(after).toBe(before);
    expect(summary(changes)).toEqual(['reported registry:2']);
    expect(reports(changes)).toEqual(['registry: 3 available; update: major allows it']);
  });

  it('never replaces a tag that is not a version (apache, alpine) by one, even under update: major; pin still pins it', () => {
    const state = {
      'docker.io/library/nextcloud': hub('nc', ['apache', '29.0.1-apache', '30.0.0-apache', '30.0.0']),
      'docker.io/library/postgres': hub('pg', ['alpine', '16.4-alpine', '17-alpine']),
    };
    const still = run(NEXTCLOUD, state, { update: 'major' });
    expect(still.after).toBe(still.before);
    expect(still.changes).toEqual([]);
    const pinned = run(NEXTCLOUD, state, { update: 'major', pin: true });
    expect(summary(pinned.changes)).toEqual([`added nextcloud:apache sha256:${hex64('nc apache')}`, `added postgres:alpine sha256:${hex64('pg alpine')}`]);
    expect(pinned.after).toContain(`    image: nextcloud:apache@sha256:${hex64('nc apache')}\n`);
  });
});

describe('image-refs: ignore', () => {
  const hub = (seed: string, tags: string[]) => Object.fromEntries(tags.map((t) => [t, tagWithManifest(`${seed} ${t}`)]));
  const elk = {
    'docker.io/library/elasticsearch': hub('es', ['7.16.1', '7.17.28']),
    'docker.io/library/logstash': hub('ls', ['7.16.1', '7.16.2', '7.16.3']),
    'docker.io/library/kibana': hub('kb', ['7.16.1', '7.17.28']),
  };

  it('a repository glob is not asked about and not touched; a range keeps its versions out', () => {
    const ignore = createIgnoreRules(['elasticsearch', 'logstash:7.16.3', 'docker.io/library/kib*']);
    const { after, changes, asked } = run(COMPOSE, elk, { ignore, pin: true });
    expect(asked).toEqual(['docker.io/library/logstash']);
    expect(summary(changes)).toEqual([`updated logstash 7.16.1 -> 7.16.2@sha256:${hex64('ls 7.16.2')}`]);
    expect(after).toContain('    image: elasticsearch:7.16.1\n');
    expect(after).toContain('    image: kibana:7.16.1\n');
    expect(imageRefsFormat.wants(parseYaml(fixture(COMPOSE)), targetOptions({ ignore }))).toEqual([{ repository: 'logstash' }]); // no registry named: the target's
  });

  it('# imgsync: ignore freezes the value on its line: not asked, not moved, not pinned, not reported', () => {
    const freeze = (text: string) =>
      text.replace('    image: elasticsearch:7.16.1\n', '    image: elasticsearch:7.16.1   # imgsync: ignore (pinned on purpose)\n');
    const { before, after, changes, asked } = run(COMPOSE, elk, { pin: true }, freeze);
    expect(asked).toEqual(['docker.io/library/logstash', 'docker.io/library/kibana']);
    expect(after).toContain('    image: elasticsearch:7.16.1   # imgsync: ignore (pinned on purpose)\n');
    expect(changes.map((c) => c.image)).toEqual(['logstash', 'kibana']);
    expectOnlyChangedLines(before, after, changes);
  });

  it('a comment that only mentions imgsync freezes nothing', () => {
    const note = (text: string) => text.replace('    image: elasticsearch:7.16.1\n', '    image: elasticsearch:7.16.1 # imgsync: ignored upstream, see #12\n');
    const { changes } = run(COMPOSE, elk, {}, note);
    expect(summary(changes)[0]).toBe('updated elasticsearch 7.16.1 -> 7.17.28');
  });
});

describe('image-refs: GitHub workflow', () => {
  it('finds service images and leaves shell variables and untagged names alone', () => {
    const file = parseYaml(fixture(WORKFLOW));
    expect(imageRefsFormat.wants(file, targetOptions())).toEqual([{ repository: 'registry' }]); // no registry named: the target's
    const { before, after, changes } = run(
      WORKFLOW,
      { 'docker.io/library/registry': { '2': tagWithManifest('r2'), '3': tagWithManifest('r3') } },
      { update: 'major' },
    );
    expectOnlyChangedLines(before, after, changes);
    expect(summary(changes)).toEqual(['updated registry 2 -> 3']);
    expect(after).toContain('kind load docker-image ${PODINFO_IMAGE_URL}:${PODINFO_VERSION}');
  });
});

describe('image-refs: multi-document stream', () => {
  it('edits references in every document, refreshes digests, skips ${VAR} references (golden)', () => {
    const { before, after, changes } = run(
      MULTI,
      {
        ...podinfo,
        'docker.io/library/redis': { '7.2-alpine': tagWithManifest('r72'), '7.4-alpine': tagWithManifest('r74'), '7.4': tagWithManifest('r74d') },
      },
      { tagPolicy: createTagPolicy({ semver: '^6 || ^7' }) },
    );
    expectGolden('image-refs/expected/bump@hand-written__multi-document.yaml', after);
    expectOnlyChangedLines(before, after, changes);
    expect(changes.map((c) => [c.document, c.new])).toEqual([
      [0, '7.0.0'],
      [0, '7.4-alpine'],
      [1, `7.0.0@sha256:${hex64('podinfo 7.0.0')}`],
    ]);
    expect(changes[2]!.old).toBe(`6.14.1@sha256:${'0'.repeat(64)}`);
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
    const changes = imageRefsFormat.apply(
      file,
      registryState({ 'docker.io/library/nginx': { '1.25': tagWithManifest('a'), '1.27': tagWithManifest('b') } }),
      targetOptions(),
    );
    expect(file.toString()).toBe(text);
    expect(summary(changes)).toEqual(['reported nginx:1.25']);
    expect(changes[0]!.message).toMatch(/anchor|alias/);
  });
});
