/**
 * Splitting a list of repositories across `n` machines (`imgsync update --shard i/n`), so
 * that an engine people already run — a Kubernetes Indexed Job, an AWS Step Functions
 * Distributed Map, a GitHub Actions matrix — can fan one tick out without imgsync
 * scheduling anything itself.
 *
 * The partition is rendezvous hashing (highest random weight): each repository goes to the
 * shard whose hash of (shard, repository) is highest. It is deterministic (every shard
 * computes the same split from the same list, with no coordination), balanced in
 * expectation, and stable: adding or removing a repository moves no other repository, and
 * going from `n` to `n + 1` shards moves only the repositories the new shard wins (about
 * `1 / (n + 1)` of them).
 */
import { createHash } from 'node:crypto';

/** `i/n`: shard `i` (0-based, as `JOB_COMPLETION_INDEX` counts) of `n`. */
export interface Shard {
  index: number;
  count: number;
}

/**
 * Reads `i/n` (0 ≤ i < n ≤ 10,000). Throws `RangeError` with the reason otherwise.
 *
 * @example parseShard('2/8') // { index: 2, count: 8 }
 */
export function parseShard(text: string): Shard {
  const match = /^(\d{1,5})\/(\d{1,5})$/.exec(text.trim());
  if (!match) throw new RangeError(`a shard is written i/n, such as 0/4 (got ${JSON.stringify(text)})`);
  const index = Number(match[1]);
  const count = Number(match[2]);
  if (count < 1 || count > 10_000) throw new RangeError(`the shard count must be 1 to 10000 (got ${count})`);
  if (index >= count) throw new RangeError(`the shard index counts from 0 and must be below the count (got ${index}/${count})`);
  return { index, count };
}

/**
 * The shard a run is asked for: `given` (a `--shard` flag, a Lambda event's `shard`), else
 * `IMGSYNC_SHARD`, else a Kubernetes Indexed Job's `JOB_COMPLETION_INDEX` of
 * `IMGSYNC_SHARD_COUNT`; `undefined` when none says. Throws `RangeError` like {@link parseShard}.
 *
 * @example shardFromEnvironment(undefined, { JOB_COMPLETION_INDEX: '2', IMGSYNC_SHARD_COUNT: '4' }) // { index: 2, count: 4 }
 */
export function shardFromEnvironment(given: string | undefined, env: Readonly<Record<string, string | undefined>>): Shard | undefined {
  const indexed = env.JOB_COMPLETION_INDEX !== undefined && env.IMGSYNC_SHARD_COUNT ? `${env.JOB_COMPLETION_INDEX}/${env.IMGSYNC_SHARD_COUNT}` : undefined;
  const text = given ?? env.IMGSYNC_SHARD ?? indexed;
  return text === undefined ? undefined : parseShard(text);
}

/**
 * A repository URL as fleets compare them: case, a trailing `.git` and slashes do not make
 * another repository (for duplicates and for the shard a repository falls in).
 *
 * @example repositoryKey('https://GitHub.com/acme/API.git/') // 'https://github.com/acme/api'
 */
export function repositoryKey(url: string): string {
  return url.toLowerCase().replace(/\.git$|\/+$/g, '');
}

function weight(shard: number, key: string): bigint {
  return createHash('sha256').update(`${shard}\u0000${key}`).digest().readBigUInt64BE(0);
}

/**
 * The shard that owns `key` (a repository URL) among `count` shards.
 *
 * @example shardOfKey('https://github.com/acme/api.git', 4) // 0, 1, 2 or 3, always the same
 */
export function shardOfKey(key: string, count: number): number {
  let best = 0;
  let bestWeight = -1n;
  for (let shard = 0; shard < count; shard++) {
    const w = weight(shard, key);
    if (w > bestWeight) [best, bestWeight] = [shard, w];
  }
  return best;
}

/**
 * The items of `shard`, in their original order.
 *
 * @example
 * inShard(repositories, { index: 0, count: 2 }, (r) => r.url)
 */
export function inShard<T>(items: readonly T[], shard: Shard, keyOf: (item: T) => string): T[] {
  return items.filter((item) => shardOfKey(keyOf(item), shard.count) === shard.index);
}
