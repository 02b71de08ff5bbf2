import { describe, expect, it } from 'vitest';
import { createTagPolicy } from '../../src/policy/tag-policy.js';
import { allowsMove, effectiveUpdateLevel, levelNeeded } from '../../src/policy/update-level.js';

const byVersion = createTagPolicy();

describe('effectiveUpdateLevel', () => {
  it('is minor without a semver range, major with one, and an explicit level wins', () => {
    expect(effectiveUpdateLevel(undefined, byVersion)).toBe('minor');
    expect(effectiveUpdateLevel(undefined, createTagPolicy({ include: '^7\\.' }))).toBe('minor');
    expect(effectiveUpdateLevel(undefined, createTagPolicy({ semver: '>=8' }))).toBe('major');
    expect(effectiveUpdateLevel('patch', createTagPolicy({ semver: '>=8' }))).toBe('patch');
    expect(effectiveUpdateLevel('major', byVersion)).toBe('major');
  });
});

describe('levelNeeded', () => {
  it.each([
    ['7.16.1', '7.16.4', 'patch'],
    ['7.16.1', '7.17.28', 'minor'],
    ['7.16.1', '8.1.0', 'major'],
    ['2', '3', 'major'],
    ['1.25-alpine', '1.27-alpine', 'minor'],
    ['7.2.4-debian-12-r9', '7.2.4-debian-12-r10', 'patch'],
    ['v5', 'v6', 'major'],
  ])('%s -> %s needs %s', (from, to, level) => {
    expect(levelNeeded(from, to)).toBe(level);
  });

  it('has no answer when either tag is not a version', () => {
    expect(levelNeeded('latest', '8.1.0')).toBeUndefined();
    expect(levelNeeded('7.16.1', 'alpine')).toBeUndefined();
  });
});

describe('allowsMove', () => {
  it('keeps a version within its major by default (minor), its minor under patch, anywhere under major', () => {
    expect(allowsMove('minor', '7.16.1', '7.17.28', byVersion)).toBe(true);
    expect(allowsMove('minor', '7.16.1', '8.1.0', byVersion)).toBe(false);
    expect(allowsMove('patch', '7.16.1', '7.16.4', byVersion)).toBe(true);
    expect(allowsMove('patch', '7.16.1', '7.17.28', byVersion)).toBe(false);
    expect(allowsMove('major', '7.16.1', '8.1.0', byVersion)).toBe(true);
  });

  it('never replaces latest, a word or a missing tag by a version, whatever the level', () => {
    for (const level of ['major', 'minor', 'patch'] as const) {
      expect(allowsMove(level, 'latest', '8.1.0', byVersion)).toBe(false);
      expect(allowsMove(level, 'apache', '29.0.1-apache', byVersion)).toBe(false);
      expect(allowsMove(level, undefined, '8.1.0', byVersion)).toBe(false);
    }
  });

  it('lets tags that are not versions follow each other (a Flux-style build tag policy)', () => {
    expect(allowsMove('minor', 'main-1a2b3c-1700000000', 'main-4d5e6f-1700000500', byVersion)).toBe(true);
  });

  it('does not apply to build numbers and dates under sort: numeric', () => {
    const numeric = createTagPolicy({ sort: 'numeric' });
    expect(allowsMove('minor', '20240130', '20240131', numeric)).toBe(true);
    expect(allowsMove('minor', '20240130', '20240131', byVersion)).toBe(false);
  });
});
