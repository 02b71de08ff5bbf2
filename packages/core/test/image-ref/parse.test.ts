import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { corpusDir } from '@imgsync/test-helpers/fixtures.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkImageRef,
  formatImageRef,
  hasUnresolvedVariables,
  normalizedName,
  parseImageRef,
  withDigest,
  withTag,
  type ImageRef,
} from '../../src/image-ref/parse.js';

const sha256 = `sha256:${'0123456789abcdef'.repeat(4)}`;
const parsed = (value: string): ImageRef => {
  const ref = parseImageRef(value);
  if (!ref) throw new Error(`expected ${value} to parse: ${JSON.stringify(checkImageRef(value))}`);
  return ref;
};

describe('parseImageRef', () => {
  it('splits registry, repository, tag and digest as written', () => {
    expect(parsed(`ghcr.io/stefanprodan/podinfo:6.14.1@${sha256}`)).toEqual({
      registry: 'ghcr.io',
      repository: 'stefanprodan/podinfo',
      tag: '6.14.1',
      digest: sha256,
      domain: 'ghcr.io',
      path: 'stefanprodan/podinfo',
    });
  });

  // Cases from distribution/reference normalize_test.go (TestValidateReferenceName,
  // TestParseRepositoryInfo) and reference_test.go.
  it.each([
    ['debian', undefined, 'debian', 'docker.io/library/debian'],
    ['library/debian', undefined, 'library/debian', 'docker.io/library/debian'],
    ['docker.io/debian', 'docker.io', 'debian', 'docker.io/library/debian'],
    ['docker.io/library/debian', 'docker.io', 'library/debian', 'docker.io/library/debian'],
    ['index.docker.io/debian', 'index.docker.io', 'debian', 'docker.io/library/debian'],
    ['index.docker.io/docker/docker', 'index.docker.io', 'docker/docker', 'docker.io/docker/docker'],
    ['docker/docker', undefined, 'docker/docker', 'docker.io/docker/docker'],
    ['127.0.0.1:5000/debian', '127.0.0.1:5000', 'debian', '127.0.0.1:5000/debian'],
    ['localhost/debian', 'localhost', 'debian', 'localhost/debian'],
    ['localhost:5000/a/b/c', 'localhost:5000', 'a/b/c', 'localhost:5000/a/b/c'],
    ['[fc00::1]:5000/repo', '[fc00::1]:5000', 'repo', '[fc00::1]:5000/repo'],
    ['Example/repo', 'Example', 'repo', 'Example/repo'],
    ['xn--n3h.com/myimage', 'xn--n3h.com', 'myimage', 'xn--n3h.com/myimage'],
    ['foo/foo_bar.com', undefined, 'foo/foo_bar.com', 'docker.io/foo/foo_bar.com'],
    ['a__b/c--d/e.f', undefined, 'a__b/c--d/e.f', 'docker.io/a__b/c--d/e.f'],
    [
      'thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev',
      undefined,
      'thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev',
      'docker.io/library/thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev',
    ],
  ])('normalises %s like Docker', (value, registry, repository, name) => {
    const ref = parsed(value);
    expect([ref.registry, ref.repository, normalizedName(ref)]).toEqual([registry, repository, name]);
  });

  it.each([
    ['foo_bar.com:8080', 'foo_bar.com', '8080'],
    ['localhost:5000', 'localhost', '5000'],
    ['nginx:1.25', 'nginx', '1.25'],
    ['postgres:alpine', 'postgres', 'alpine'],
    [`img:${'t'.repeat(128)}`, 'img', 't'.repeat(128)],
  ])('reads the part after the last colon of %s as a tag when no slash follows it', (value, repository, tag) => {
    expect(parsed(value)).toMatchObject({ repository, tag });
  });

  it.each([
    ['', 'empty'],
    ['https://github.com/docker/docker', 'url'],
    ['oci://ghcr.io/stefanprodan/charts/podinfo', 'url'],
    ['./.github/actions/runner-cleanup', 'path'],
    ['../base', 'path'],
    ['/usr/bin/env', 'path'],
    ['${PODINFO_IMAGE_URL}:${PODINFO_VERSION}', 'variables'],
    ['{{ .Values.image.repository }}:{{ .Values.image.tag }}', 'variables'],
    ['registry.example.com/app:$(TAG)', 'variables'],
    ['1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a', 'identifier'],
    ['docker/Docker', 'uppercase'],
    ['IfNotPresent', 'uppercase'],
    ['-docker', 'syntax'],
    ['docker///docker', 'syntax'],
    ['a:b:c', 'syntax'],
    [':tag', 'syntax'],
    [`@${sha256}`, 'syntax'],
    ['nginx:', 'syntax'],
    ['nginx:.1', 'syntax'],
    [`img:${'t'.repeat(129)}`, 'syntax'],
    ['actions/checkout@v7', 'syntax'],
    ['actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1', 'syntax'],
    ['a_b.c/d', 'syntax'],
    ['with space:1', 'syntax'],
    [`${'a/'.repeat(127)}ab`, 'too-long'],
    [`nginx@sha256:${'A'.repeat(64)}`, 'digest'],
    [`nginx@md5:${'a'.repeat(32)}`, 'digest'],
    [`nginx@sha256:${'a'.repeat(63)}`, 'digest'],
  ])('rejects %j (%s)', (value, problem) => {
    const result = checkImageRef(value);
    expect(result).toMatchObject({ ok: false, problem });
    expect(parseImageRef(value)).toBeUndefined();
  });

  it('accepts sha512 digests as Docker does', () => {
    expect(parsed(`nginx@sha512:${'ab'.repeat(64)}`).digest).toBe(`sha512:${'ab'.repeat(64)}`);
  });

  it('explains a rejection in a message that quotes the value', () => {
    expect(checkImageRef('docker/Docker')).toEqual({
      ok: false,
      problem: 'uppercase',
      message: '"docker/Docker": repository name "docker/Docker" must be lowercase',
    });
  });

  describe('strict mode, for scanning arbitrary strings', () => {
    it.each(['nginx:1.25', 'kindest/node:v1.36.1', `ghcr.io/x/y@${sha256}`, 'registry:2'])('accepts %s', (value) => {
      expect(parseImageRef(value, { strict: true })).toBeDefined();
    });

    it.each([
      ['nginx', 'no-tag'],
      ['apps/base', 'no-tag'],
      ['ghcr.io/stefanprodan/podinfo', 'no-tag'],
      ['8080:80', 'not-a-name'],
      ['12:30', 'not-a-name'],
      ['127.0.0.1:8080', 'not-a-name'],
    ])('rejects %s (%s), which Docker would accept', (value, problem) => {
      expect(parseImageRef(value)).toBeDefined();
      expect(checkImageRef(value, { strict: true })).toMatchObject({ ok: false, problem });
    });
  });

  it('finds exactly the image references of the corpus manifests and compose files', () => {
    // Every `image:` value in the corpus's Kubernetes, compose and workflow files.
    const found = new Map<string, boolean>();
    for (const file of readdirSync(corpusDir).filter((name) => !name.startsWith('lablup') && !name.startsWith('derived'))) {
      const text = readFileSync(join(corpusDir, file), 'utf8');
      for (const match of text.matchAll(/^[ \t]*-?[ \t]*(?:image|node_image):[ \t]*(.+?)[ \t]*(?:#.*)?$/gm)) {
        const value = match[1]!.replace(/^(["'])(.*)\1$/, '$2');
        if (value === '') continue;
        found.set(value, parseImageRef(value) !== undefined);
      }
    }
    expect(Object.fromEntries(found)).toEqual({
      'elasticsearch:7.16.1': true,
      'gcr.io/google-samples/gb-frontend:v5': true,
      'ghcr.io/stefanprodan/podinfo:6.14.1': true,
      'itzg/minecraft-server': true,
      'kibana:7.16.1': true,
      'kindest/node:v1.36.1': true,
      'logstash:7.16.1': true,
      'nextcloud:apache': true,
      'postgres:alpine': true,
      'redislabs/redismod': true,
      'registry:2': true,
      '{{ .Values.image.repository }}:{{ .Values.image.tag }}': false,
    });
  });

  it('reads the repositories of the corpus Helm values files', () => {
    const refs = ['docker.io/redis', 'gcr.io/google-samples/gb-frontend', 'ghcr.io/stefanprodan/podinfo'].map(parsed);
    expect(refs.map(normalizedName)).toEqual(['docker.io/library/redis', 'gcr.io/google-samples/gb-frontend', 'ghcr.io/stefanprodan/podinfo']);
  });
});

describe('formatImageRef', () => {
  it('keeps the spelling of the original: a bump of nginx:1.25 writes nginx:1.27', () => {
    expect(formatImageRef(withTag(parsed('nginx:1.25'), '1.27'))).toBe('nginx:1.27');
    expect(formatImageRef(withTag(parsed('index.docker.io/library/nginx:1.25'), '1.27'))).toBe('index.docker.io/library/nginx:1.27');
    expect(formatImageRef(withTag(parsed('docker.io/redis'), '8.8.0'))).toBe('docker.io/redis:8.8.0');
  });
});

describe('withTag', () => {
  it('drops the digest that belonged to the old tag', () => {
    const bumped = withTag(parsed(`nginx:1.25@${sha256}`), '1.27');
    expect(bumped.digest).toBeUndefined();
    expect(formatImageRef(bumped)).toBe('nginx:1.27');
  });

  it('refuses a tag outside the OCI grammar', () => {
    expect(() => withTag(parsed('nginx'), '-x')).toThrow(RangeError);
    expect(() => withTag(parsed('nginx'), '1.0 ')).toThrow('invalid tag "1.0 "');
  });
});

describe('withDigest', () => {
  it('pins a reference, keeping its tag', () => {
    expect(formatImageRef(withDigest(parsed('ghcr.io/stefanprodan/podinfo:6.14.1'), sha256))).toBe(`ghcr.io/stefanprodan/podinfo:6.14.1@${sha256}`);
  });

  it('replaces an existing pin and refuses malformed digests', () => {
    const other = `sha256:${'f'.repeat(64)}`;
    expect(withDigest(parsed(`nginx@${sha256}`), other).digest).toBe(other);
    expect(() => withDigest(parsed('nginx'), 'sha256:abc')).toThrow(RangeError);
  });
});

describe('hasUnresolvedVariables', () => {
  it.each([
    '${TAG}',
    '${TAG:-1.0}',
    'app:$TAG',
    'app:$(TAG)',
    '{{ .Values.image.tag }}',
    '{{- .Values.x -}}',
    '{% if x %}',
    '<%= tag %>',
    '#{Octopus.Release.Number}',
  ])('finds %s', (value) => expect(hasUnresolvedVariables(value)).toBe(true));

  it.each(['nginx:1.25', 'price: $5', 'a$', 'curly {braces}', ''])('finds none in %j', (value) => expect(hasUnresolvedVariables(value)).toBe(false));
});

describe('round trips', () => {
  const component = fc.stringMatching(/^[a-z0-9]{1,4}(?:(?:[._]|__|-{1,2})[a-z0-9]{1,4}){0,2}$/);
  const registry = fc.oneof(
    fc.constant(undefined),
    fc.constantFrom('docker.io', 'index.docker.io', 'localhost', 'localhost:5000', 'ghcr.io', '127.0.0.1:5000', '[::1]:5000', 'Registry.Example.com'),
    fc.stringMatching(/^[a-z0-9]{1,5}(?:\.[a-z0-9]{1,5}){1,2}(?::[0-9]{1,5})?$/),
  );
  const reference = fc
    .record({
      registry,
      repository: fc.array(component, { minLength: 1, maxLength: 3 }).map((parts) => parts.join('/')),
      tag: fc.option(fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,20}$/), { nil: undefined }),
      digest: fc.option(
        fc.stringMatching(/^[a-f0-9]{64}$/).map((hex) => `sha256:${hex}`),
        { nil: undefined },
      ),
    })
    // Without a registry, a first element like `a.b` or `localhost` followed by `/` is
    // read as a registry (Docker's rule, tested above), not as part of the repository.
    .filter(({ registry: host, repository }) => {
      const first = repository.split('/')[0]!;
      return host !== undefined || !repository.includes('/') || !(first === 'localhost' || first.includes('.'));
    })
    .map(({ registry: host, repository, tag, digest }) => {
      let text = host === undefined ? repository : `${host}/${repository}`;
      if (tag !== undefined) text += `:${tag}`;
      if (digest !== undefined) text += `@${digest}`;
      return { text, host, repository, tag, digest };
    });

  it('parses every generated reference into the parts it was built from and formats it back', () => {
    fc.assert(
      fc.property(reference, ({ text, host, repository, tag, digest }) => {
        const ref = parseImageRef(text);
        expect(ref).toBeDefined();
        expect([ref!.registry, ref!.repository, ref!.tag, ref!.digest]).toEqual([host, repository, tag, digest]);
        expect(formatImageRef(ref!)).toBe(text);
      }),
      { numRuns: 1000 },
    );
  });

  it('formats any accepted string back to itself and never throws', () => {
    const anything = fc.oneof(fc.string(), fc.stringMatching(/^[a-zA-Z0-9.:/@_\-[\]]{0,40}$/));
    fc.assert(
      fc.property(anything, fc.boolean(), (value, strict) => {
        const ref = parseImageRef(value, { strict });
        if (ref) expect(formatImageRef(ref)).toBe(value);
      }),
      { numRuns: 3000 },
    );
  });

  it('gives Docker Hub spellings of one image the same normalised name', () => {
    fc.assert(
      fc.property(component, (name) => {
        fc.pre(!/^[a-f0-9]{64}$/.test(name));
        const spellings = [name, `library/${name}`, `docker.io/${name}`, `docker.io/library/${name}`, `index.docker.io/${name}`];
        const names = new Set(spellings.map((spelling) => normalizedName(parsed(spelling))));
        expect([...names]).toEqual([`docker.io/library/${name}`]);
      }),
    );
  });
});
