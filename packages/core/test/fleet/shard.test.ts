import { describe, expect, it } from 'vitest';
import { inShard, parseShard, repositoryKey, shardFromEnvironment, shardOfKey } from '../../src/fleet/shard.js';

const repositories = Array.from({ length: 400 }, (_, i) => `https://github.com/acme/service-${i}.git`);

describe('parseShard', () => {
  it('reads i/n and refuses what is not a shard, saying why', () => {
    expect(parseShard('2/8')).toEqual({ index: 2, count: 8 });
    expect(() => parseShard('8/8')).toThrow(/counts from 0 and must be below the count \(got 8\/8\)/);
    expect(() => parseShard('1/0')).toThrow(/must be 1 to 10000/);
    expect(() => parseShard('a/b')).toThrow(/written i\/n/);
  });
});

describe('the partition', () => {
  it('gives every repository to exactly one shard, the same on every machine', () => {
    const shards = [0, 1, 2, 3].map((index) => inShard(repositories, { index, count: 4 }, (r) => r));
    expect(shards.flat().sort()).toEqual([...repositories].sort());
    expect(new Set(shards.flat()).size).toBe(repositories.length);
    expect(inShard(repositories, { index: 2, count: 4 }, (r) => r)).toEqual(shards[2]);
  });

  it('is balanced: no shard of 4 holds more than 1.5 times its share of 400', () => {
    const sizes = [0, 1, 2, 3].map((index) => inShard(repositories, { index, count: 4 }, (r) => r).length);
    for (const size of sizes) expect(size).toBeLessThan(150);
  });

  it('is stable: adding a repository moves no other; a fifth shard takes only what it wins', () => {
    const before = new Map(repositories.map((r) => [r, shardOfKey(r, 4)]));
    const grown = [...repositories, 'https://github.com/acme/new.git'];
    for (const r of repositories) expect(shardOfKey(r, 4)).toBe(before.get(r));
    expect(grown.length).toBe(401);
    const moved = repositories.filter((r) => shardOfKey(r, 5) !== before.get(r));
    expect(moved.every((r) => shardOfKey(r, 5) === 4)).toBe(true);
    expect(moved.length).toBeLessThan(repositories.length / 3);
  });
});

describe('shardFromEnvironment', () => {
  it('takes the given shard, else IMGSYNC_SHARD, else an Indexed Job index with IMGSYNC_SHARD_COUNT, else none', () => {
    const env = { IMGSYNC_SHARD: '1/3', JOB_COMPLETION_INDEX: '2', IMGSYNC_SHARD_COUNT: '4' };
    expect(shardFromEnvironment('0/2', env)).toEqual({ index: 0, count: 2 });
    expect(shardFromEnvironment(undefined, env)).toEqual({ index: 1, count: 3 });
    expect(shardFromEnvironment(undefined, { JOB_COMPLETION_INDEX: '2', IMGSYNC_SHARD_COUNT: '4' })).toEqual({ index: 2, count: 4 });
    expect(shardFromEnvironment(undefined, { JOB_COMPLETION_INDEX: '2' })).toBeUndefined();
    expect(() => shardFromEnvironment(undefined, { JOB_COMPLETION_INDEX: '4', IMGSYNC_SHARD_COUNT: '4' })).toThrow(/below the count/);
  });

  it('compares repository URLs without case, .git or trailing slashes', () => {
    expect(repositoryKey('https://GitHub.com/acme/API.git')).toBe(repositoryKey('https://github.com/acme/api/'));
  });
});
