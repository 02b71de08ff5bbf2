/**
 * Namespace discovery through the engine (`runUpdate` in-process): repositories of the
 * template's namespace that the file has no entry for are reported or added; commented-out
 * entries, `exclude` and repositories without a tag the policy accepts are left out; a
 * vanished repository is one `missing-repository` line.
 *
 * Registry states are `file:` snapshots written per test; the live listings (the real
 * `docker-registry`'s `_catalog`, the Docker Hub API stand-in) are in
 * discovery-live.test.ts.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { ConfigError } from '../../src/errors.js';
import { runUpdate } from '../../src/update/index.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const sha = (text: string) => createHash('sha256').update(text).digest('hex');
/** A snapshot tag whose image id starts with `id12`. */
const tag = (id12: string, salt = id12) => ({ manifestDigest: `sha256:${sha(`m${salt}`)}`, imageId: `sha256:${id12}${sha(salt).slice(0, 52)}` });

interface World {
  dir: string;
  run(options?: { dryRun?: boolean }): ReturnType<typeof runUpdate>;
  text(): string;
}

function world(file: string, repositories: Record<string, Record<string, ReturnType<typeof tag>>>, discover: string, extra = ''): World {
  const dir = mkdtempSync(join(tmpdir(), 'imgsync-discover-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'image-metadata.yml'), file);
  const snapshot = {
    version: 1,
    registry: 'docker.io',
    namespaces: ['lablup'],
    repositories: Object.fromEntries(Object.entries(repositories).map(([name, tags]) => [name, { tags }])),
  };
  writeFileSync(join(dir, 'snapshot.json'), JSON.stringify(snapshot));
  const configText =
    'targets:\n  - files: image-metadata.yml\n    format: backendai\n    registry: file:snapshot.json\n' +
    `    repository: lablup/kernel-{name}\n    tags: { include: '^\\d' }\n${discover}${extra}`;
  writeFileSync(join(dir, 'imgsync.config.yaml'), configText);
  const config = parseConfig(configText, join(dir, 'imgsync.config.yaml'));
  return {
    dir,
    run: (options = {}) => runUpdate({ config, dryRun: options.dryRun ?? false }),
    text: () => readFileSync(join(dir, 'image-metadata.yml'), 'utf8'),
  };
}

const FILE = `images:
  - name: python
    syntax: python
    tags:
      - ["latest",     ":3.6-ubuntu"]
      - ["3.6-ubuntu", "ca7b9f52b6c2"]
    slots: &default
      cpu: 1    # cores
  # retired: the kernel is not maintained
  #- name: octave
  #  tags:
  #    - ["4.2", "aaaaaaaaaaaa"]
  - name: go
    syntax: go
    tags:
      - ["latest",     ":1.9-alpine"]
      - ["1.9-alpine", "bbbbbbbbbbbb"]
    slots:
      <<: *default
`;

const REGISTRY = {
  'lablup/kernel-python': { '3.6-ubuntu': tag('ca7b9f52b6c2') },
  'lablup/kernel-go': { '1.9-alpine': tag('bbbbbbbbbbbb') },
  // new, with tags the policy accepts: named
  'lablup/kernel-ruby': { '2.5-alpine': tag('250000000000'), '2.6-alpine': tag('260000000000'), latest: tag('260000000000', 'l') },
  // commented out in the file: a human retired it
  'lablup/kernel-octave': { '4.2': tag('aaaaaaaaaaaa') },
  // excluded by the test that sets exclude
  'lablup/kernel-c-tester': { '6.3-alpine': tag('c00000000000') },
  // no tag the policy (include ^\d) accepts
  'lablup/kernel-nightly': { latest: tag('dddddddddddd') },
  // not of the template's shape
  'lablup/backend.ai-manager': { '19.03': tag('eeeeeeeeeeee') },
};

describe('discover: report (the default for backendai)', () => {
  it('names each new repository once, as a new-repository report; check is behind; the file is untouched', async () => {
    const w = world(FILE, REGISTRY, '');
    const result = await w.run();
    const found = result.changes.filter((c) => c.code === 'new-repository');
    expect(found.map((c) => [c.kind, c.image])).toEqual([
      ['reported', 'lablup/kernel-c-tester'],
      ['reported', 'lablup/kernel-ruby'],
    ]);
    expect(found[1]!.message).toBe('new repository lablup/kernel-ruby (tags 2.5-alpine, 2.6-alpine) has no entry ruby; discover: add would add one');
    expect(result).toMatchObject({ changed: false, drift: true });
    expect(w.text()).toBe(FILE);
  });

  it('never names a commented-out entry as new; tags pushed since it was commented out are one line, not drift', async () => {
    const quiet = await world(FILE, REGISTRY, "    discover: { mode: add, exclude: ['*'] }\n").run();
    expect(quiet.changes.filter((c) => c.code)).toEqual([]);
    const pushed = { ...REGISTRY, 'lablup/kernel-octave': { '4.2': tag('aaaaaaaaaaaa'), '4.4': tag('444444444444') } };
    const w = world(FILE, pushed, "    discover: { mode: add, exclude: ['*-tester', 'ruby'] }\n");
    const result = await w.run();
    expect(result.changes.filter((c) => c.code)).toEqual([
      expect.objectContaining({
        kind: 'reported',
        code: 'commented-repository',
        image: 'lablup/kernel-octave',
        message: expect.stringMatching(/does not name \(4\.4\); the entry stays commented out/),
      }),
    ]);
    expect(result.drift).toBe(false);
    expect(w.text()).toBe(FILE);
  });

  it('leaves out names matched by exclude', async () => {
    const w = world(FILE, REGISTRY, "    discover: { mode: report, exclude: ['*-tester', 'base-*'] }\n");
    const result = await w.run();
    expect(result.changes.filter((c) => c.code === 'new-repository').map((c) => c.image)).toEqual(['lablup/kernel-ruby']);
  });

  it('discover: off lists nothing and reports nothing', async () => {
    const w = world(FILE, REGISTRY, '    discover: off\n');
    const result = await w.run();
    expect(result.changes.filter((c) => c.code)).toEqual([]);
    expect(result.drift).toBe(false);
  });

  it('a repository gone from a complete namespace listing is one missing-repository line, not one per tag, and not a failure', async () => {
    const { 'lablup/kernel-go': _gone, ...rest } = REGISTRY;
    const w = world(FILE, rest, '    discover: off\n');
    const result = await w.run();
    const missing = result.changes.filter((c) => c.code === 'missing-repository');
    expect(missing).toHaveLength(1);
    expect(missing[0]).toMatchObject({ kind: 'reported', image: 'lablup/kernel-go', path: ['images', 1, 'tags'] });
    expect(result.errors).toEqual([]);
    expect(w.text()).toBe(FILE);
  });
});

describe('discover: add', () => {
  it("writes a new entry in the file's style: key order, indentation, quotes, aligned pairs, a latest alias, the entry template's anchors", async () => {
    const w = world(
      FILE,
      REGISTRY,
      "    discover:\n      mode: add\n      exclude: '*-tester'\n      entry: |\n        syntax: {name}\n        slots:\n          <<: *default\n",
    );
    const result = await w.run();
    expect(result.changes.filter((c) => c.code === 'new-repository').map((c) => [c.kind, c.image, c.path])).toEqual([
      ['added', 'lablup/kernel-ruby', ['images', 2]],
    ]);
    expect(w.text()).toBe(
      `${FILE}  - name: ruby
    syntax: ruby
    tags:
      - ["latest",     ":2.6-alpine"]
      - ["2.5-alpine", "250000000000"]
      - ["2.6-alpine", "260000000000"]
    slots:
      <<: *default
`,
    );
    // the new entry reads back with the anchor's data, and a second run has nothing to do
    const again = await w.run();
    expect(again.changes.filter((c) => c.code)).toEqual([]);
    expect(again).toMatchObject({ changed: false, drift: false });
  });

  it('goes in name order when the entries are sorted by name', async () => {
    const sorted = 'images:\n  - name: c\n    tags:\n      - ["1", "111111111111"]\n  - name: z\n    tags:\n      - ["1", "222222222222"]\n';
    const registry = {
      'lablup/kernel-c': { '1': tag('111111111111') },
      'lablup/kernel-z': { '1': tag('222222222222') },
      'lablup/kernel-go': { '1.9': tag('333333333333') },
    };
    const w = world(sorted, registry, '    discover: add\n');
    await w.run();
    expect(w.text()).toBe(
      'images:\n  - name: c\n    tags:\n      - ["1", "111111111111"]\n  - name: go\n    tags:\n      - ["1.9", "333333333333"]\n' +
        '  - name: z\n    tags:\n      - ["1", "222222222222"]\n',
    );
  });

  it('an entry template whose alias does not resolve where the entry lands is reported, and the file is left as it was', async () => {
    const w = world(FILE, REGISTRY, "    discover:\n      mode: add\n      exclude: '*-tester'\n      entry: 'slots: *nowhere'\n");
    const result = await w.run();
    const ruby = result.changes.find((c) => c.image === 'lablup/kernel-ruby')!;
    expect(ruby).toMatchObject({ kind: 'reported', code: 'new-repository' });
    expect(ruby.message).toMatch(/would not be valid here.*nowhere/);
    expect(w.text()).toBe(FILE);
  });
});

describe('discover in the configuration', () => {
  const load = (target: string) => parseConfig(`targets:\n  - files: images.yml\n${target}`, 'imgsync.config.yaml');
  const failure = (target: string) => {
    try {
      load(target);
    } catch (error) {
      if (error instanceof ConfigError) return error.message;
      throw error;
    }
    throw new Error('expected a ConfigError');
  };

  it('defaults to report for backendai with a namespace template, and off where it cannot apply', () => {
    expect(load('    format: backendai\n    repository: lablup/kernel-{name}\n').targets[0]!.discover).toMatchObject({ mode: 'report', namespace: 'lablup' });
    expect(load('    format: backendai\n    repository: cr.backend.ai/stable/{name}\n').targets[0]!.discover).toMatchObject({ namespace: 'stable' });
    expect(load('    format: backendai\n').targets[0]!.discover).toBeUndefined();
    expect(load('    format: image-refs\n').targets[0]!.discover).toBeUndefined();
  });

  it.each<[string, string, RegExp]>([
    [
      'a format whose entries are not repositories',
      '    format: image-refs\n    discover: add\n',
      /:4:5: targets\[0\]\.discover: applies only to format backendai/,
    ],
    ['auto', '    discover: report\n', /:3:5: targets\[0\]\.discover: applies only to format backendai,.*format is auto/],
    ['a template without a namespace', '    format: backendai\n    discover: add\n', /:4:5: .*names no namespace to list/],
    ['{name} outside the last component', '    format: backendai\n    repository: x/{name}/app\n    discover: add\n', /:5:5: .*in its last path component/],
    [
      'a misspelt mode',
      '    format: backendai\n    repository: a/{name}\n    discover: ad\n',
      /:5:15: .*must be one of off, report, add \(got "ad"\); did you mean "add"\?/,
    ],
    [
      'an unknown long-form key',
      '    format: backendai\n    repository: a/{name}\n    discover: { mode: add, exlude: x }\n',
      /:5:28: .*discover\.exlude: unknown key; did you mean "exclude"\?/,
    ],
    [
      'an exclude glob with a slash',
      '    format: backendai\n    repository: a/{name}\n    discover: { mode: add, exclude: [a/b] }\n',
      /discover\.exclude\[0\]: matches the \{name\} part/,
    ],
    [
      'an entry template with an unknown placeholder',
      "    format: backendai\n    repository: a/{name}\n    discover: { mode: add, entry: 'x: {tag}' }\n",
      /unknown placeholder \{tag\}/,
    ],
    [
      'an entry template that is not YAML',
      "    format: backendai\n    repository: a/{name}\n    discover: { mode: add, entry: 'a: [' }\n",
      /discover\.entry: is not valid YAML/,
    ],
    [
      'an entry template that sets tags',
      "    format: backendai\n    repository: a/{name}\n    discover: { mode: add, entry: 'tags: []' }\n",
      /must not set "tags"/,
    ],
  ])('refuses %s with file:line:col', (_what, target, message) => {
    expect(failure(target)).toMatch(message);
  });
});
