import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { digestForm, formatPlatform, normalizePlatform, parseDigestForm, parsePlatform, type TagDigests } from '../../src/policy/digest-form.js';

const hex = (seed: string): string => seed.repeat(64).slice(0, 64);
const index = `sha256:${hex('1')}`;
const amd64Manifest = `sha256:${hex('2')}`;
const arm64Manifest = `sha256:${hex('3')}`;
const amd64Config = `sha256:ca7b9f52b6c2${hex('4').slice(12)}`;
const arm64Config = `sha256:6ea6d6307c91${hex('5').slice(12)}`;

/** A multi-platform tag as buildx pushes it, attestation manifest included. */
const multiPlatform: TagDigests = {
  manifestDigest: index,
  platforms: [
    { os: 'linux', architecture: 'amd64', manifestDigest: amd64Manifest, imageId: amd64Config },
    { os: 'linux', architecture: 'arm64', variant: 'v8', manifestDigest: arm64Manifest, imageId: arm64Config },
    { os: 'unknown', architecture: 'unknown', manifestDigest: `sha256:${hex('6')}` },
  ],
};

const singlePlatform: TagDigests = { manifestDigest: amd64Manifest, imageId: amd64Config };

describe('digestForm', () => {
  it('writes the 12-hex image id of linux/amd64 by default', () => {
    expect(digestForm(multiPlatform, 'image-id-12')).toEqual({ ok: true, value: 'ca7b9f52b6c2' });
  });

  it('writes the full config digest for image-id', () => {
    expect(digestForm(multiPlatform, 'image-id')).toEqual({ ok: true, value: amd64Config });
  });

  it('writes the index digest, not a platform manifest, for manifest', () => {
    expect(digestForm(multiPlatform, 'manifest')).toEqual({ ok: true, value: index });
    expect(digestForm(singlePlatform, 'manifest')).toEqual({ ok: true, value: amd64Manifest });
  });

  it('picks the configured platform, matching arm64 with arm64/v8', () => {
    expect(digestForm(multiPlatform, 'image-id-12', 'linux/arm64')).toEqual({ ok: true, value: '6ea6d6307c91' });
    expect(digestForm(multiPlatform, 'image-id-12', { os: 'linux', architecture: 'aarch64' })).toEqual({
      ok: true,
      value: '6ea6d6307c91',
    });
  });

  it('uses the image id of a single-platform tag directly', () => {
    expect(digestForm(singlePlatform, 'image-id-12')).toEqual({ ok: true, value: 'ca7b9f52b6c2' });
  });

  it('reports a platform the tag does not have, listing the ones it has', () => {
    const result = digestForm(multiPlatform, 'image-id-12', 'linux/arm/v7');
    expect(result).toEqual({
      ok: false,
      problem: 'no-platform',
      message: `no linux/arm/v7 image in ${index} (has linux/amd64, linux/arm64/v8, unknown/unknown)`,
    });
  });

  it('reports a missing config digest instead of guessing', () => {
    expect(digestForm({ manifestDigest: index }, 'image-id')).toMatchObject({ ok: false, problem: 'no-image-id' });
    const noConfig: TagDigests = {
      manifestDigest: index,
      platforms: [{ os: 'linux', architecture: 'amd64', manifestDigest: amd64Manifest }],
    };
    expect(digestForm(noConfig, 'image-id-12')).toMatchObject({
      ok: false,
      problem: 'no-image-id',
      message: `the linux/amd64 image ${amd64Manifest} has no known config digest`,
    });
  });

  it('refuses malformed registry digests, never writing them', () => {
    expect(digestForm({ manifestDigest: 'sha256:XYZ' }, 'manifest')).toMatchObject({
      ok: false,
      problem: 'invalid-digest',
    });
    expect(digestForm({ manifestDigest: index, imageId: '<html>' }, 'image-id-12')).toMatchObject({
      ok: false,
      problem: 'invalid-digest',
      message: `the registry's image id "<html>" is not sha256: followed by 64 lowercase hex digits`,
    });
  });

  it('throws a ConfigError for an unknown form or platform text', () => {
    expect(() => digestForm(singlePlatform, 'short' as never)).toThrow(ConfigError);
    expect(() => digestForm(singlePlatform, 'image-id', 'amd64')).toThrow(ConfigError);
  });
});

describe('parseDigestForm', () => {
  it('accepts the three forms and names them when given anything else', () => {
    expect(parseDigestForm('image-id-12')).toBe('image-id-12');
    expect(() => parseDigestForm('sha', { path: 'imgsync.yml', line: 3, col: 9 })).toThrow(
      'imgsync.yml:3:9: invalid digest form "sha": expected one of image-id-12, image-id, manifest',
    );
  });
});

describe('parsePlatform', () => {
  it('parses os/architecture/variant', () => {
    expect(parsePlatform('linux/arm64/v8')).toEqual({ os: 'linux', architecture: 'arm64', variant: 'v8' });
    expect(parsePlatform('Linux/AMD64')).toEqual({ os: 'linux', architecture: 'amd64' });
  });

  it.each(['linux', 'linux/', '/amd64', 'linux/arm/v7/extra', 'linux amd64', ''])('throws a ConfigError for %j', (text) => {
    expect(() => parsePlatform(text, { path: 'imgsync.yml' })).toThrow(/^imgsync\.yml: invalid platform .*expected os\/architecture\[\/variant\]/);
  });

  it('formats back', () => {
    expect(formatPlatform(parsePlatform('linux/arm/v7'))).toBe('linux/arm/v7');
  });
});

describe('normalizePlatform', () => {
  it.each([
    ['linux/aarch64', 'linux/arm64'],
    ['linux/arm64/v8', 'linux/arm64'],
    ['linux/x86_64', 'linux/amd64'],
    ['linux/amd64/v1', 'linux/amd64'],
    ['linux/amd64/v3', 'linux/amd64/v3'],
    ['linux/arm', 'linux/arm/v7'],
    ['linux/armhf', 'linux/arm/v7'],
    ['linux/armel', 'linux/arm/v6'],
    ['linux/arm/6', 'linux/arm/v6'],
    ['linux/i386', 'linux/386'],
  ])('normalises %s to %s', (text, expected) => {
    expect(formatPlatform(normalizePlatform(parsePlatform(text)))).toBe(expected);
  });
});
