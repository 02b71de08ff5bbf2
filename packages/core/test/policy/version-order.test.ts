import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareTagVersions, prereleaseRank } from '../../src/policy/version-order.js';
import { corpusFile, imageMetadataFiles, tagsByImage } from './corpus.js';

const sorted = (tags: readonly string[]): string[] => [...tags].sort(compareTagVersions);
const sign = (n: number): number => Math.sign(n) || 0;

describe('compareTagVersions', () => {
  it('orders numeric runs by value, not by characters', () => {
    expect(sorted(['1.10-py36', '1.9-py36', '1.2-py36', '2.0-py36'])).toEqual(['1.2-py36', '1.9-py36', '1.10-py36', '2.0-py36']);
    expect(sorted(['10-alpine', '9.2-alpine', '8-alpine'])).toEqual(['8-alpine', '9.2-alpine', '10-alpine']);
  });

  it('puts a tag before its longer variants', () => {
    expect(sorted(['3.6-ubuntu18.04', '3.6-ubuntu', '3.6'])).toEqual(['3.6', '3.6-ubuntu', '3.6-ubuntu18.04']);
    expect(sorted(['1.10-py36-cuda9', '1.10-py36'])).toEqual(['1.10-py36', '1.10-py36-cuda9']);
  });

  it('puts plain words before every version, so they are never the highest', () => {
    expect(sorted(['2.0-py36', 'latest', '18.04', 'alpine', 'latest-gpu'])).toEqual(['alpine', 'latest', 'latest-gpu', '2.0-py36', '18.04']);
  });

  it('treats pre-releases as lower than the release and orders them', () => {
    expect(sorted(['1.2.3', '1.2.3-rc1', '1.2.3-rc10', '1.2.3-rc2', '1.2.3-beta1', '1.2.3-alpha', '1.2.4-rc1', '1.2.3-dev'])).toEqual([
      '1.2.3-dev',
      '1.2.3-alpha',
      '1.2.3-beta1',
      '1.2.3-rc1',
      '1.2.3-rc2',
      '1.2.3-rc10',
      '1.2.3',
      '1.2.4-rc1',
    ]);
    expect(compareTagVersions('3.13.0a1', '3.13.0')).toBeLessThan(0);
    expect(compareTagVersions('1.0-SNAPSHOT', '1.0')).toBeLessThan(0);
  });

  it('ignores a leading v and a further numeric part still counts', () => {
    expect(sorted(['v1.10.0', '1.9.0', 'v1.2.3'])).toEqual(['v1.2.3', '1.9.0', 'v1.10.0']);
    expect(compareTagVersions('1.2', '1.2.1')).toBeLessThan(0);
    expect(compareTagVersions('1.2-alpine', '1.2.1')).toBeLessThan(0);
  });

  it('breaks ties of equal versions by the raw string, so only identical tags compare equal', () => {
    expect(compareTagVersions('18.04', '18.4')).toBeLessThan(0);
    expect(compareTagVersions('1.2.3', 'v1.2.3')).toBeLessThan(0);
    expect(compareTagVersions('1-2-3', '1.2.3')).toBeLessThan(0);
    expect(compareTagVersions('3.6-ubuntu', '3.6-ubuntu')).toBe(0);
  });

  it('compares numbers longer than any float exactly', () => {
    expect(compareTagVersions('123456789012345678901', '123456789012345678900')).toBeGreaterThan(0);
    expect(compareTagVersions('0001', '2')).toBeLessThan(0);
  });

  it('agrees with the version order Backend.AI maintainers wrote by hand', () => {
    // In every corpus file, the versioned tags of each image are listed by leading
    // MAJOR.MINOR, mostly increasing, sometimes newest first (`go`: 1.9-alpine, 1.8-alpine).
    // Our order must match the hand order in one direction or the other.
    const leading = (tag: string): string => /^\d+(?:\.\d+)?/.exec(tag)?.[0] ?? '';
    let ascending = 0;
    let descending = 0;
    for (const file of imageMetadataFiles()) {
      for (const [image, tags] of tagsByImage(corpusFile(file))) {
        const versioned = tags.filter((tag) => /^\d/.test(tag));
        if (versioned.length < 2) continue;
        const handOrder = versioned.map(leading);
        const ourOrder = sorted(versioned).map(leading);
        if (ourOrder.join() === handOrder.join()) ascending++;
        else {
          expect(ourOrder.reverse(), `${file} ${image}`).toEqual(handOrder);
          descending++;
        }
      }
    }
    expect(ascending).toBeGreaterThan(20);
    expect(descending).toBeGreaterThan(0);
  });

  it('puts the corpus aliases (latest, latest-gpu, ...) before the versions they point to', () => {
    const tags = [...tagsByImage(corpusFile('lablup__backend.ai-manager__sample-configs__image-metadata@ff4c32e0.yml')).get('python-tensorflow')!];
    const order = sorted(tags);
    expect(order.slice(0, 2)).toEqual(['latest', 'latest-gpu']);
    expect(order.at(-1)).toBe('2.0-py36-cuda9');
  });

  describe('is a total order on any strings', () => {
    const tagLike = fc.oneof(
      fc.string(),
      fc.stringMatching(/^v?[0-9]{1,3}(\.[0-9]{1,3}){0,3}(-(rc|beta|alpha|dev|ubuntu|py36|cuda)[0-9]{0,2}){0,2}$/),
      fc.constantFrom('latest', '3.6-ubuntu', '3.6-ubuntu18.04', '1.10-py36-cuda9', '18.04', '18.4', 'v1.2.3', '1.2.3-rc1'),
    );

    it('never throws and is antisymmetric', () => {
      fc.assert(
        fc.property(tagLike, tagLike, (a, b) => {
          expect(sign(compareTagVersions(a, b))).toBe(-sign(compareTagVersions(b, a)) || 0);
        }),
        { numRuns: 2000 },
      );
    });

    it('returns 0 exactly for identical strings', () => {
      fc.assert(
        fc.property(tagLike, tagLike, (a, b) => {
          expect(compareTagVersions(a, b) === 0).toBe(a === b);
        }),
        { numRuns: 2000 },
      );
    });

    it('is transitive', () => {
      fc.assert(
        fc.property(tagLike, tagLike, tagLike, (a, b, c) => {
          const [x, y, z] = [a, b, c].sort(compareTagVersions) as [string, string, string];
          expect(compareTagVersions(x, y)).toBeLessThanOrEqual(0);
          expect(compareTagVersions(y, z)).toBeLessThanOrEqual(0);
          expect(compareTagVersions(x, z)).toBeLessThanOrEqual(0);
        }),
        { numRuns: 3000 },
      );
    });

    it('sorts deterministically whatever the input order', () => {
      fc.assert(
        fc.property(fc.array(tagLike, { maxLength: 30 }), (tags) => {
          expect(sorted([...tags].reverse())).toEqual(sorted(tags));
        }),
      );
    });
  });
});

describe('prereleaseRank', () => {
  it('ranks pre-release words case-insensitively and nothing else', () => {
    expect(prereleaseRank('RC')).toBeGreaterThan(prereleaseRank('beta')!);
    expect(prereleaseRank('beta')).toBeGreaterThan(prereleaseRank('alpha')!);
    expect(prereleaseRank('ubuntu')).toBeUndefined();
    expect(prereleaseRank('latest')).toBeUndefined();
  });
});
