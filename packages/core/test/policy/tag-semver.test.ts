import { describe, expect, it } from 'vitest';
import { tagSemver } from '../../src/policy/tag-semver.js';

const version = (tag: string): string | undefined => tagSemver(tag)?.version;

describe('tagSemver', () => {
  it.each([
    ['3.6-ubuntu', '3.6.0'],
    ['3.6-ubuntu18.04', '3.6.0'],
    ['1.10-py36-cuda9', '1.10.0'],
    ['2.0-py36', '2.0.0'],
    ['18.04', '18.4.0'],
    ['18.12.1-py3', '18.12.1'],
    ['10-alpine', '10.0.0'],
    ['4.2', '4.2.0'],
    ['v1.2.3', '1.2.3'],
    ['V2', '2.0.0'],
    ['1.2.3.4', '1.2.3'],
    ['20240131', '20240131.0.0'],
    ['1.2.3-alpine3.19', '1.2.3'],
    ['1.2-amd64', '1.2.0'],
  ])('reads %s as %s (a suffix that is not a pre-release word is a variant)', (tag, expected) => {
    expect(version(tag)).toBe(expected);
  });

  it.each([
    ['1.2.3-rc1', '1.2.3-rc.1'],
    ['1.2.3-rc.10', '1.2.3-rc.10'],
    ['1.2-rc1', '1.2.0-rc.1'],
    ['3.13.0a1', '3.13.0-alpha.1'],
    ['3.13.0b2-slim', '3.13.0-beta.2'],
    ['1.0-SNAPSHOT', '1.0.0-snapshot'],
    ['2.0.0-beta', '2.0.0-beta'],
    ['1.2.3-rc1-alpine', '1.2.3-rc.1'],
  ])('reads %s as the pre-release %s', (tag, expected) => {
    expect(version(tag)).toBe(expected);
  });

  it.each(['latest', 'alpine', 'mro-3.3', 'gcc6.3-alpine', 'ghc8.2-debian', 'latest-gpu', '', '.1', '99999999999999999999'])('has no reading for %j', (tag) =>
    expect(tagSemver(tag)).toBeNull(),
  );

  it('orders rc10 after rc9 numerically', () => {
    expect(tagSemver('1.0-rc10')!.compare(tagSemver('1.0-rc9')!)).toBe(1);
  });
});
