import { describe, expect, it } from 'vitest';
import { createTagPolicy } from '../../../src/policy/tag-policy.js';
import { ConfigError } from '../../../src/errors.js';
import { parseYaml } from '../../../src/yaml/index.js';
import { type TargetOptions, backendAiFormat, detectFormat } from '../../../src/formats/index.js';
import { corpusFiles } from '@imgsync/test-helpers/fixtures.js';
import { expectGolden, expectOnlyChangedLines, fixture, hex64, registryState, summary, tagWithId, type TagFixture } from '../helpers.js';

const REFERENCE = 'backendai/fixtures/lablup__backend.ai-manager__sample-configs__image-metadata@61344624.yml';
const CRLF = 'backendai/fixtures/derived__lablup__backend.ai-manager__sample-configs__image-metadata@0015e425__crlf.yml';
const METADATA_FF4C = 'backendai/fixtures/lablup__backend.ai-manager__sample-configs__image-metadata@ff4c32e0.yml';
const ALIASES_FF4C = 'backendai/fixtures/lablup__backend.ai-manager__sample-configs__image-aliases@ff4c32e0.yml';

function target(options: Partial<TargetOptions> = {}): TargetOptions {
  return {
    repository: 'lablup/kernel-{name}',
    tagPolicy: createTagPolicy({}),
    digest: 'image-id-12',
    platform: 'linux/amd64',
    prune: 'report',
    ...options,
  };
}

const hub = (name: string) => `docker.io/lablup/kernel-${name}`;

function run(relative: string, repositories: Parameters<typeof registryState>[0], options: Partial<TargetOptions> = {}) {
  const before = fixture(relative);
  const file = parseYaml(before, { path: 'image-metadata.yml' });
  const all = backendAiFormat.apply(file, registryState(repositories), target(options));
  // images the test gives no registry data for are reported as such; most tests look past them
  const changes = all.filter((c) => !/^no registry data/.test(c.message ?? ''));
  return { before, after: file.toString(), changes, all, file };
}

/** A release day on the reference file: ids moved, placeholders built, new tags pushed. */
const releaseDay: Record<string, Record<string, TagFixture>> = {
  [hub('python')]: {
    '3.6-ubuntu18.04': tagWithId('1111aaaa2222'),
    '3.7-ubuntu18.04': tagWithId('3333bbbb4444'),
  },
  [hub('python-cntk')]: {
    '2.2-py36': tagWithId('22a2a2a2a2a2'),
    '2.2-py36-cuda9': tagWithId('22c9c9c9c9c9'),
    '2.6-py36': tagWithId('26a6a6a6a6a6'),
    '2.7-py36': tagWithId('27a7a7a7a7a7'),
  },
  [hub('python-pytorch')]: {
    '0.4-py36': tagWithId('04a4a4a4a4a4'),
    '0.5-py36': tagWithId('05a5a5a5a5a5'),
    '1.0-py36': tagWithId('10a0a0a0a0a0'),
  },
  [hub('go')]: {
    '1.9-alpine': tagWithId('6664d2b3b5f1'),
    '1.8-alpine': tagWithId('d393feb13893'),
    '1.10-alpine': tagWithId('110a110a110a'),
  },
  [hub('ngc-pytorch')]: { '18.12.1-py3': tagWithId('181218121812') },
  [hub('r')]: { '3.3-alpine': tagWithId('fbba576ece80') },
};

describe('backendai: detect', () => {
  it('recognises image-metadata.yml and image-aliases.yml', () => {
    expect(backendAiFormat.detect(parseYaml(fixture(REFERENCE)))).toBe(true);
    expect(backendAiFormat.detect(parseYaml(fixture(ALIASES_FF4C)))).toBe(true);
    expect(detectFormat(parseYaml(fixture(REFERENCE))).name).toBe('backendai');
  });
  it('does not claim a Kubernetes manifest', () => {
    expect(backendAiFormat.detect(parseYaml('apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - image: nginx:1.25\n'))).toBe(false);
  });
});

describe('backendai: wants', () => {
  it('asks for one repository per image entry, from the template, in the target registry', () => {
    const wants = backendAiFormat.wants(parseYaml(fixture(REFERENCE)), target());
    // no registry in the template: the engine asks the target's registry (a mirror, a local one)
    expect(wants).toContainEqual({ repository: 'lablup/kernel-python' });
    expect(wants).toContainEqual({ repository: 'lablup/kernel-python-tensorflow' });
    expect(new Set(wants.map((w) => w.repository)).size).toBe(wants.length);
  });
  it('keeps a registry written in the template', () => {
    const wants = backendAiFormat.wants(parseYaml(fixture(REFERENCE)), target({ repository: 'cr.backend.ai/stable/{name}' }));
    expect(wants[0]).toEqual({ registry: 'cr.backend.ai', repository: 'stable/python' });
  });
  it('throws a ConfigError without a repository template', () => {
    expect(() => backendAiFormat.wants(parseYaml(fixture(REFERENCE)), target({ repository: undefined }))).toThrow(ConfigError);
  });
});

describe('backendai: apply on the reference file', () => {
  it('updates moved ids, fills built placeholders and appends new tags in the siblings’ style (golden)', () => {
    const { before, after, changes } = run(REFERENCE, releaseDay);
    expectGolden('backendai/expected/release-day@61344624.yml', after);
    expectOnlyChangedLines(before, after, changes);
    expect(summary(changes.filter((c) => c.kind !== 'reported'))).toEqual([
      'updated lablup/kernel-python:3.6-ubuntu18.04 ca7b9f52b6c2 -> 1111aaaa2222',
      'added lablup/kernel-python:3.7-ubuntu18.04 3333bbbb4444',
      'filled lablup/kernel-ngc-pytorch:18.12.1-py3 x -> 181218121812',
      'filled lablup/kernel-python-pytorch:0.4-py36 x -> 04a4a4a4a4a4',
      'filled lablup/kernel-python-pytorch:1.0-py36 x -> 10a0a0a0a0a0',
      'added lablup/kernel-python-pytorch:0.5-py36 05a5a5a5a5a5',
      'filled lablup/kernel-python-cntk:2.2-py36 x -> 22a2a2a2a2a2',
      'filled lablup/kernel-python-cntk:2.2-py36-cuda9 x -> 22c9c9c9c9c9',
      'filled lablup/kernel-python-cntk:2.6-py36 x -> 26a6a6a6a6a6',
      'added lablup/kernel-python-cntk:2.7-py36 27a7a7a7a7a7',
      'added lablup/kernel-go:1.10-alpine 110a110a110a',
    ]);
  });

  it('points each change at the edited value in the output file', () => {
    const { changes, after } = run(REFERENCE, releaseDay);
    const out = parseYaml(after);
    for (const change of changes.filter((c) => c.kind !== 'reported')) {
      const value = out.getIn(change.path);
      if (change.kind === 'added') expect(value).toEqual([change.tag, change.new]);
      else expect(value).toBe(change.new);
    }
  });

  it('inserts into a list in version order, and appends after the last entry of an unordered one', () => {
    const { after } = run(REFERENCE, releaseDay);
    const out = parseYaml(after);
    const tags = (i: number) => (out.getIn(['images', i, 'tags']) as string[][]).map((t) => t[0]);
    expect(tags(9).slice(8, 11)).toEqual(['0.4-py36-cuda9', '0.5-py36', '1.0-py36']); // python-pytorch: ordered
    expect(tags(18)).toEqual(['latest', '1.9-alpine', '1.8-alpine', '1.10-alpine']); // go: descending, so appended
  });

  it('keeps column alignment of an aligned list', () => {
    const { after } = run(REFERENCE, releaseDay);
    expect(after).toContain('      - ["2.6-py36",        "26a6a6a6a6a6"]\n      - ["2.7-py36",        "27a7a7a7a7a7"]\n');
  });

  it('reports images the registry gave nothing for, and edits nothing for them', () => {
    const { all } = run(REFERENCE, releaseDay);
    const reported = all.filter((c) => c.kind === 'reported');
    expect(reported.map((c) => c.image)).toContain('lablup/kernel-julia');
    expect(reported.find((c) => c.image === 'lablup/kernel-julia')?.message).toMatch(/no registry data/);
  });

  it('changes nothing on a second run', () => {
    const first = run(REFERENCE, releaseDay);
    const file = parseYaml(first.after);
    const again = backendAiFormat.apply(file, registryState(releaseDay), target());
    expect(again.filter((c) => c.kind !== 'reported')).toEqual([]);
    expect(file.toString()).toBe(first.after);
  });
});

describe('backendai: placeholders', () => {
  it('fills "x" placeholders whose tags now exist and leaves the others', () => {
    const { before, after, changes } = run(REFERENCE, {
      [hub('python-tensorflow')]: { '1.12-py36': tagWithId('112a112a112a'), '1.12-py36-cuda9': tagWithId('112c112c112c') },
    });
    expectGolden('backendai/expected/fill-placeholders@61344624.yml', after);
    expectOnlyChangedLines(before, after, changes);
    expect(summary(changes.filter((c) => c.kind !== 'reported'))).toEqual([
      'filled lablup/kernel-python-tensorflow:1.12-py36 x -> 112a112a112a',
      'filled lablup/kernel-python-tensorflow:1.12-py36-cuda9 x -> 112c112c112c',
    ]);
    expect(parseYaml(after).getIn(['images', 4, 'tags', 17])).toEqual(['1.10-py36', 'x']);
  });

  it('fills an empty-string placeholder', () => {
    const file = parseYaml('images:\n  - name: lua\n    tags:\n      - ["5.4-alpine", ""]\n');
    const changes = backendAiFormat.apply(file, registryState({ [hub('lua')]: { '5.4-alpine': tagWithId('54a54a54a54a') } }), target());
    expect(summary(changes)).toEqual(['filled lablup/kernel-lua:5.4-alpine  -> 54a54a54a54a']);
    expect(file.toString()).toBe('images:\n  - name: lua\n    tags:\n      - ["5.4-alpine", "54a54a54a54a"]\n');
  });
});

describe('backendai: merge keys', () => {
  it('edits images whose slots merge <<: *for_computing without touching the anchors', () => {
    const { before, after, changes } = run(REFERENCE, {
      [hub('ngc-pytorch')]: { '18.12.1-py3': tagWithId('aaaa00001111') },
      [hub('ngc-tensorflow')]: { '18.12-py3': tagWithId('bbbb00002222') },
      [hub('ngc-digits')]: { '18.12-tensorflow': tagWithId('cccc00003333') },
      [hub('julia')]: { '0.6-debian': tagWithId('dddd00004444') },
    });
    expectGolden('backendai/expected/merge-keys@61344624.yml', after);
    expectOnlyChangedLines(before, after, changes);
    expect(changes.filter((c) => c.kind === 'filled' || c.kind === 'updated')).toHaveLength(4);
    expect(after.match(/<<: \*for_computing/g)).toHaveLength(before.match(/<<: \*for_computing/g)!.length);
    expect(parseYaml(after).getIn(['images', 11, 'slots'])).toEqual({ cpu: 4, mem: 8.0, gpu: 0, tpu: 1 });
  });

  it('reports, instead of failing, an edit the editor refuses through an alias', () => {
    const text = 'images:\n  - name: a\n    tags: &shared\n      - ["1.0", "x"]\n  - name: b\n    tags: *shared\n';
    const file = parseYaml(text, { path: 'image-metadata.yml' });
    const changes = backendAiFormat.apply(
      file,
      registryState({ [hub('a')]: { '1.0': tagWithId('a1a1a1a1a1a1') }, [hub('b')]: { '1.0': tagWithId('b1b1b1b1b1b1') } }),
      target(),
    );
    expect(file.toString()).toBe(text);
    expect(changes.map((c) => c.kind)).toEqual(['reported', 'reported']);
    expect(changes[0]!.message).toMatch(/anchor|alias/);
  });
});

describe('backendai: line endings', () => {
  it('writes CRLF lines into a CRLF file (golden)', () => {
    const { before, after, changes } = run(CRLF, {
      [hub('python')]: { '3.6-ubuntu': tagWithId('0f0f0f0f0f0f'), '3.7-ubuntu': tagWithId('3737373737ab') },
    });
    expectGolden('backendai/expected/crlf@0015e425.yml', after);
    expectOnlyChangedLines(before, after, changes);
    expect(after.split('\r\n').length).toBe(before.split('\r\n').length + 1);
    expect(after.replace(/\r\n/g, '')).not.toContain('\n');
  });
});

describe('backendai: commented-out entries', () => {
  it('leaves them alone and does not revive them when the registry lacks the tag', () => {
    const { after, changes } = run(REFERENCE, { [hub('r')]: { '3.3-alpine': tagWithId('fbba576ece80') } });
    expect(after).toBe(fixture(REFERENCE));
    expect(changes.filter((c) => c.image === 'lablup/kernel-r')).toEqual([]);
  });

  it('adds a live entry when the tag really exists, saying a commented-out one is there', () => {
    const { after, changes } = run(REFERENCE, {
      [hub('r')]: { '3.3-alpine': tagWithId('fbba576ece80'), 'mro-3.3': tagWithId('3a3a3a3a3a3a') },
    });
    const added = changes.find((c) => c.kind === 'added');
    expect(added).toMatchObject({ tag: 'mro-3.3', new: '3a3a3a3a3a3a' });
    expect(added?.message).toMatch(/commented-out entry/);
    expect(after).toContain('      - ["3.3-alpine", "fbba576ece80"]\n      - ["mro-3.3",    "3a3a3a3a3a3a"]\n      #- ["mro-latest", ""]');
  });
});

describe('backendai: aliases', () => {
  it('leaves ":tag" aliases alone without a latest policy', () => {
    const { changes } = run(REFERENCE, { [hub('nodejs')]: { '12-alpine': tagWithId('12a12a12a12a') } });
    expect(changes.some((c) => c.kind === 'repointed')).toBe(false);
  });

  it('re-points latest to the newest tag matching the latest pattern', () => {
    const { before, after, changes } = run(
      REFERENCE,
      {
        [hub('nodejs')]: {
          '6-alpine': tagWithId('2c75ac2a5827'),
          '8-alpine': tagWithId('8a8a8a8a8a8a'),
          '10-alpine': tagWithId('10a10a10a10a'),
          '12-alpine': tagWithId('12a12a12a12a'),
          '12-slim': tagWithId('12512512512f'),
        },
      },
      { tagPolicy: createTagPolicy({ include: '-alpine$', latest: { pattern: 'alpine' } }) },
    );
    expectOnlyChangedLines(before, after, changes);
    expect(summary(changes.filter((c) => c.image === 'lablup/kernel-nodejs'))).toEqual([
      'filled lablup/kernel-nodejs:8-alpine x -> 8a8a8a8a8a8a',
      'filled lablup/kernel-nodejs:10-alpine x -> 10a10a10a10a',
      'added lablup/kernel-nodejs:12-alpine 12a12a12a12a',
      'repointed lablup/kernel-nodejs:latest :10-alpine -> :12-alpine',
    ]);
    expect(after).toContain('      - ["latest",   ":12-alpine"]\n');
  });

  it('an alias left dangling by prune: remove is said on the removal itself, not as a separate report', () => {
    const { changes } = run(
      REFERENCE,
      { [hub('lua')]: { '5.2-alpine': tagWithId('c2f0636a5871'), '5.1-alpine': tagWithId('ddbf74c59174') } },
      { prune: 'remove' },
    );
    expect(summary(changes)).toEqual(['removed lablup/kernel-lua:5.3-alpine d8ce75e16033']);
    expect(changes[0]!.message).toBe('alias latest -> :5.3-alpine now points to a tag that has no entry; set tags.latest to re-point it');
  });

  it('reports an alias whose target has no entry when no removal of this run caused it', () => {
    const text = fixture(REFERENCE).replace('      - ["5.3-alpine", "d8ce75e16033"]\n', '');
    const file = parseYaml(text, { path: 'image-metadata.yml' });
    const changes = backendAiFormat.apply(
      file,
      registryState({ [hub('lua')]: { '5.2-alpine': tagWithId('c2f0636a5871'), '5.1-alpine': tagWithId('ddbf74c59174') } }),
      target({}),
    );
    const lua = changes.filter((c) => c.image === 'lablup/kernel-lua');
    expect(lua).toEqual([
      expect.objectContaining({ kind: 'reported', tag: 'latest', message: expect.stringMatching(/latest -> :5.3-alpine points to a tag that has no entry/) }),
    ]);
  });
});

describe('backendai: prune', () => {
  const gone = { [hub('lua')]: { '5.3-alpine': tagWithId('d8ce75e16033'), '5.1-alpine': tagWithId('ddbf74c59174') } };

  it('reports a vanished tag by default and keeps its entry', () => {
    const { after, changes } = run(REFERENCE, gone);
    expect(after).toBe(fixture(REFERENCE));
    expect(changes).toEqual([
      expect.objectContaining({ kind: 'reported', tag: '5.2-alpine', message: 'lablup/kernel-lua:5.2-alpine is no longer in the registry' }),
    ]);
  });

  it('removes the entry with prune: remove, and only its line', () => {
    const { before, after, changes } = run(REFERENCE, gone, { prune: 'remove' });
    expectOnlyChangedLines(before, after, changes);
    expect(summary(changes)).toEqual(['removed lablup/kernel-lua:5.2-alpine c2f0636a5871']);
    expect(before.replace('      - ["5.2-alpine", "c2f0636a5871"]\n', '')).toBe(after);
  });

  it("comments the entry out with prune: comment, at its indentation and only its line, in the file's own comment style", () => {
    const { before, after, changes } = run(REFERENCE, gone, { prune: 'comment' });
    expect(summary(changes)).toEqual(['commented lablup/kernel-lua:5.2-alpine c2f0636a5871']);
    // the reference file comments entries out as `#- ["mro-3.3", ""]`, without a space
    expect(before.replace('      - ["5.2-alpine", "c2f0636a5871"]\n', '      #- ["5.2-alpine", "c2f0636a5871"]\n')).toBe(after);
  });

  it('prune: remove of the tag latest points to re-points latest to the newest remaining tag when the policy has latest', () => {
    const lua = { [hub('lua')]: { '5.2-alpine': tagWithId('c2f0636a5871'), '5.1-alpine': tagWithId('ddbf74c59174') } };
    const { changes, after } = run(REFERENCE, lua, { prune: 'remove', tagPolicy: createTagPolicy({ latest: { pattern: 'alpine$' } }), latest: {} });
    expect(summary(changes)).toEqual(['removed lablup/kernel-lua:5.3-alpine d8ce75e16033', 'repointed lablup/kernel-lua:latest :5.3-alpine -> :5.2-alpine']);
    expect(changes[0]!.message).toBeUndefined();
    expect(after).toContain('      - ["latest",     ":5.2-alpine"]\n      - ["5.2-alpine", "c2f0636a5871"]\n');
  });

  it('never prunes placeholders, which are not built yet by definition', () => {
    const { changes } = run(REFERENCE, { [hub('python-caffe')]: { '1.0-py36': tagWithId('9c5384df6631') } }, { prune: 'remove' });
    expect(changes).toEqual([]);
  });
});

describe('backendai: digest forms and platforms', () => {
  const multiPlatform = {
    manifestDigest: `sha256:${hex64('index')}`,
    platforms: [
      { os: 'linux', architecture: 'arm64', variant: 'v8', manifestDigest: `sha256:${hex64('arm')}`, imageId: `sha256:a4a4${hex64('arm id').slice(4)}` },
      { os: 'linux', architecture: 'amd64', manifestDigest: `sha256:${hex64('amd')}`, imageId: `sha256:86a6${hex64('amd id').slice(4)}` },
    ],
  };
  const one = (form: TargetOptions['digest'], platform = 'linux/amd64') => {
    const file = parseYaml('images:\n  - name: lua\n    tags:\n      - ["5.4-alpine", "x"]\n');
    backendAiFormat.apply(file, registryState({ [hub('lua')]: { '5.4-alpine': multiPlatform } }), target({ digest: form, platform }));
    return file.getIn(['images', 0, 'tags', 0, 1]);
  };

  it('writes the 12-hex image id of linux/amd64 by default', () => {
    expect(one('image-id-12')).toBe(`86a6${hex64('amd id').slice(4, 12)}`);
  });
  it('writes the configured platform’s id, matching arm64/v8 for linux/arm64', () => {
    expect(one('image-id', 'linux/arm64')).toBe(`sha256:a4a4${hex64('arm id').slice(4)}`);
  });
  it('writes the index digest in the manifest form', () => {
    expect(one('manifest')).toBe(`sha256:${hex64('index')}`);
  });
  it('reports a platform the tag lacks and writes nothing', () => {
    expect(one('image-id-12', 'linux/s390x')).toBe('x');
  });
});

describe('backendai: invalid registry data is never written', () => {
  it('skips tags outside the OCI grammar and ids that are not sha256 digests', () => {
    const text = 'images:\n  - name: lua\n    tags:\n      - ["5.4-alpine", "x"]\n';
    const file = parseYaml(text);
    const changes = backendAiFormat.apply(
      file,
      registryState({
        [hub('lua')]: {
          '5.4-alpine': { manifestDigest: `sha256:${hex64('m')}`, imageId: 'sha256:<html>' },
          '.hidden': tagWithId('0123456789ab'),
          'bad tag': tagWithId('0123456789ab'),
          ['a'.repeat(129)]: tagWithId('0123456789ab'),
        },
      }),
      target(),
    );
    expect(file.toString()).toBe(text);
    expect(summary(changes)).toEqual(['reported lablup/kernel-lua:5.4-alpine']);
    expect(changes[0]!.message).toMatch(/not sha256: followed by 64 lowercase hex/);
  });
});

describe('backendai: image-aliases.yml', () => {
  it('reports aliases whose target tag is gone from the registry and the metadata, and edits nothing', () => {
    const text = fixture(ALIASES_FF4C);
    const file = parseYaml(text, { path: 'image-aliases.yml' });
    const metadata = parseYaml(fixture(METADATA_FF4C));
    const state = registryState({
      [hub('python')]: { '3.6-ubuntu': tagWithId('ca7b9f52b6c2') },
      [hub('python-tensorflow')]: { '1.12-py36': tagWithId('112a112a112a') },
    });
    const changes = backendAiFormat.apply(file, state, target({ imageMetadata: metadata }));
    expect(file.toString()).toBe(text);
    const messages = changes.map((c) => c.message);
    expect(messages).toContain('alias python2 points to python:2.7-debian, which no longer exists');
    expect(messages.some((m) => m?.startsWith('alias python3 '))).toBe(false); // 3.6-ubuntu exists
    expect(messages.some((m) => m?.startsWith('alias python '))).toBe(false); // python:latest is in the metadata
    expect(changes.every((c) => c.kind === 'reported')).toBe(true);
  });

  it('asks about every image an alias names', () => {
    const wants = backendAiFormat.wants(parseYaml(fixture(ALIASES_FF4C)), target());
    expect(wants).toContainEqual({ repository: 'lablup/kernel-python-tensorflow' });
  });
});

describe('backendai: every image-metadata file of the corpus', () => {
  it.each(corpusFiles((name) => name.includes('image-metadata')).map((f) => [f.name, f.text] as const))(
    '%s: fills, updates and appends touching only those lines, and a second run is a no-op',
    (name, text) => {
      const file = parseYaml(text, { path: name });
      const repositories: Record<string, Record<string, TagFixture>> = {};
      for (const image of file.getIn(['images']) as { name?: string; tags?: unknown[] }[]) {
        if (!image?.name || !Array.isArray(image.tags)) continue;
        const tags: Record<string, TagFixture> = { '99.0-new': tagWithId(hex64(`${image.name} new`).slice(0, 12)) };
        for (const entry of image.tags) {
          if (Array.isArray(entry) && typeof entry[0] === 'string' && !String(entry[1]).startsWith(':'))
            tags[entry[0]] = tagWithId(hex64(`${image.name} ${entry[0]}`).slice(0, 12));
        }
        repositories[hub(image.name)] = tags;
      }
      const changes = backendAiFormat.apply(file, registryState(repositories), target());
      const after = file.toString();
      expectOnlyChangedLines(text, after, changes);
      expect(changes.filter((c) => c.kind === 'added').length).toBeGreaterThan(0);
      const again = parseYaml(after, { path: name });
      expect(backendAiFormat.apply(again, registryState(repositories), target()).filter((c) => c.kind !== 'reported')).toEqual([]);
    },
  );
});
