import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { createTagPolicy, type TagInfo } from '../../src/policy/tag-policy.js';
import { corpusFile, tagsByImage } from './corpus.js';

const tags = (...names: string[]): TagInfo[] => names.map((tag) => ({ tag }));
const names = (list: readonly TagInfo[]): string[] => list.map((tag) => tag.tag);

/** The tags of python-tensorflow in Backend.AI's image list at ff4c32e0. */
const tensorflow = tags(...tagsByImage(corpusFile('lablup__backend.ai-manager__sample-configs__image-metadata@ff4c32e0.yml')).get('python-tensorflow')!);

describe('createTagPolicy', () => {
  describe('without options', () => {
    const policy = createTagPolicy();

    it('accepts every valid tag and sorts in natural version order', () => {
      expect(policy.sort).toBe('version');
      expect(names(policy.filter(tags('2.0-py36', 'latest', '1.10-py36', '1.9-py36')))).toEqual(['latest', '1.9-py36', '1.10-py36', '2.0-py36']);
    });

    it('rejects tags that break the OCI grammar, so they are never written', () => {
      expect(policy.accepts('-bad')).toBe(false);
      expect(policy.accepts('a'.repeat(129))).toBe(false);
      expect(names(policy.filter(tags('1.0', '<html>', '.x')))).toEqual(['1.0']);
    });

    it('finds the newest versioned tag, never a plain word like latest', () => {
      expect(policy.newest(tensorflow)?.tag).toBe('2.0-py36-cuda9');
      expect(policy.newest([])).toBeUndefined();
    });

    it('keeps the callers extra fields', () => {
      const listed = [
        { tag: '1.0', digest: 'sha256:a' },
        { tag: '0.9', digest: 'sha256:b' },
      ];
      expect(policy.filter(listed)).toEqual([
        { tag: '0.9', digest: 'sha256:b' },
        { tag: '1.0', digest: 'sha256:a' },
      ]);
    });
  });

  describe('include and exclude', () => {
    it('keeps tags matching any include pattern, matched anywhere in the tag', () => {
      const policy = createTagPolicy({ include: ['-py36$', '-cuda9$'] });
      expect(names(policy.filter(tensorflow))).toContain('1.12-py36');
      expect(names(policy.filter(tensorflow))).toContain('1.12-py36-cuda9');
      expect(names(policy.filter(tensorflow))).not.toContain('1.12-py36-tpu');
      expect(names(policy.filter(tensorflow))).not.toContain('latest');
    });

    it('lets exclude win over include', () => {
      const policy = createTagPolicy({ include: '^1\\.1\\d-', exclude: ['-(srv|serv|tpu)$'] });
      expect(names(policy.filter(tensorflow))).toEqual(['1.10-py36', '1.10-py36-cuda9', '1.11-py36', '1.11-py36-cuda9', '1.12-py36', '1.12-py36-cuda9']);
    });

    it('understands a leading (?i) as Go users write it', () => {
      const policy = createTagPolicy({ include: '(?i)^LATEST' });
      expect(policy.accepts('latest-gpu')).toBe(true);
      expect(policy.accepts('1.0')).toBe(false);
    });

    it('throws a ConfigError naming a bad pattern and where it was written', () => {
      const where = { path: 'imgsync.yml', line: 4, col: 14 };
      expect(() => createTagPolicy({ exclude: ['ok', '(unclosed'] }, where)).toThrow(ConfigError);
      expect(() => createTagPolicy({ exclude: ['ok', '(unclosed'] }, where)).toThrow(/^imgsync\.yml:4:14: invalid exclude pattern "\(unclosed": /);
      expect(() => createTagPolicy({ include: 42 as unknown as string })).toThrow('include pattern must be a string, got a number');
    });
  });

  describe('semver ranges', () => {
    it('selects Docker-style tags by their leading version and sorts by semver', () => {
      const policy = createTagPolicy({ semver: '>=1.10 <2', include: '-py36$' });
      expect(policy.sort).toBe('semver');
      expect(names(policy.filter(tensorflow))).toEqual(['1.10-py36', '1.11-py36', '1.12-py36']);
    });

    it('excludes pre-releases unless the range asks for them, like npm', () => {
      const candidates = tags('1.2.3', '1.3.0-rc1', '1.3.0', '2.0.0-beta1');
      expect(names(createTagPolicy({ semver: '^1' }).filter(candidates))).toEqual(['1.2.3', '1.3.0']);
      expect(names(createTagPolicy({ semver: '>=1.3.0-rc.1 <2' }).filter(candidates))).toEqual(['1.3.0-rc1', '1.3.0']);
    });

    it('treats v-prefixed tags as versions', () => {
      expect(createTagPolicy({ semver: '~1.2' }).newest(tags('v1.2.3', 'v1.2.10', 'v1.3.0'))?.tag).toBe('v1.2.10');
    });

    it('throws a ConfigError for a range semver cannot read', () => {
      expect(() => createTagPolicy({ semver: 'newest please' }, { path: 'imgsync.yml', line: 7 })).toThrow(
        'imgsync.yml:7: invalid semver range "newest please"',
      );
      expect(() => createTagPolicy({ semver: '  ' })).toThrow(ConfigError);
    });
  });

  describe('sort orders', () => {
    it('semver without a range accepts only tags with a semver reading', () => {
      const policy = createTagPolicy({ sort: 'semver' });
      expect(names(policy.filter(tags('latest', '1.10-py36', '1.9-py36', 'mro-3.3')))).toEqual(['1.9-py36', '1.10-py36']);
    });

    it('numeric orders decimal numbers by exact value and drops the rest', () => {
      const policy = createTagPolicy({ sort: 'numeric' });
      const listed = tags('9', '10', 'latest', '1.5', '1.25', '20240131093000', '20240131093001', '1.2.3');
      expect(names(policy.filter(listed))).toEqual(['1.25', '1.5', '9', '10', '20240131093000', '20240131093001']);
    });

    it('alphabetical orders by code units', () => {
      const policy = createTagPolicy({ sort: 'alphabetical' });
      expect(names(policy.filter(tags('b', 'a10', 'a9', 'B')))).toEqual(['B', 'a10', 'a9', 'b']);
      expect(policy.newest(tags('RELEASE.2024-01-01', 'RELEASE.2024-02-01'))?.tag).toBe('RELEASE.2024-02-01');
    });

    it('pushed orders by push time; tags without one are never newest', () => {
      const policy = createTagPolicy({ sort: 'pushed' });
      const listed: TagInfo[] = [
        { tag: 'main-abc', pushedAt: '2024-03-01T10:00:00Z' },
        { tag: 'main-def', pushedAt: new Date('2024-03-02T10:00:00Z') },
        { tag: 'old', pushedAt: 'not a date' },
        { tag: 'undated' },
      ];
      expect(names(policy.filter(listed))).toEqual(['old', 'undated', 'main-abc', 'main-def']);
      expect(policy.newest(listed)?.tag).toBe('main-def');
      expect(policy.newest(tags('a', 'b'))).toBeUndefined();
    });

    it('rejects an unknown sort', () => {
      expect(() => createTagPolicy({ sort: 'newest' as never })).toThrow(
        'invalid sort "newest": expected one of version, semver, numeric, alphabetical, pushed',
      );
    });

    it('compares deterministically even tags it does not accept', () => {
      for (const sort of ['version', 'semver', 'numeric', 'alphabetical', 'pushed'] as const) {
        const policy = createTagPolicy({ sort });
        const listed = tags('latest', '1.0', 'x', '2');
        const once = [...listed].sort(policy.compare);
        const reversed = [...listed].reverse().sort(policy.compare);
        expect(names(reversed), sort).toEqual(names(once));
      }
    });
  });

  describe('latestTarget', () => {
    it('re-points latest to the newest tag matching the pattern', () => {
      const policy = createTagPolicy({ latest: { pattern: '^\\d+\\.\\d+-py36$' } });
      expect(policy.latestTarget(tensorflow)?.tag).toBe('2.0-py36');
    });

    it('re-points latest-gpu to the newest CUDA build, never to itself', () => {
      const policy = createTagPolicy({ latest: { pattern: 'cuda|gpu' } });
      expect(policy.latestTarget(tensorflow, 'latest-gpu')?.tag).toBe('2.0-py36-cuda9');
      expect(policy.latestTarget(tags('latest-gpu'), 'latest-gpu')).toBeUndefined();
    });

    it('respects include/exclude and returns nothing without a latest option', () => {
      expect(createTagPolicy({ exclude: '^2\\.', latest: { pattern: '-py36$' } }).latestTarget(tensorflow)?.tag).toBe('1.12-py36');
      expect(createTagPolicy({ latest: {} }).latestTarget(tensorflow)?.tag).toBe('2.0-py36-cuda9');
      expect(createTagPolicy({}).latestTarget(tensorflow)).toBeUndefined();
    });

    it('throws a ConfigError for a bad latest pattern', () => {
      expect(() => createTagPolicy({ latest: { pattern: '[' } })).toThrow(/invalid latest pattern "\["/);
      expect(() => createTagPolicy({ latest: 'yes' as never })).toThrow(/latest must be a mapping/);
    });
  });
});
