/**
 * How much registry work the engine starts at once: a bounded number of repositories and
 * tag resolutions per registry, however many the files name, so that a big run's memory
 * follows the work in flight rather than the number of tags. The registry is a source
 * given through `registrySource` that answers after a tick and records how many calls
 * overlap (what is measured is the engine's scheduling, not a registry's behaviour).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { emptyStats, type RegistrySource } from '../../src/registry/types.js';
import { runUpdate } from '../../src/update/index.js';
import { minTagsInFlight, repositoriesInFlight } from '../../src/update/registry-state.js';

const dir = mkdtempSync(join(tmpdir(), 'imgsync-in-flight-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const REPOSITORIES = 60;
const TAGS = 20;
const hex = (n: number, length: number) => n.toString(16).padStart(length, '0');

/** A registry source that counts overlapping calls. */
function countingSource() {
  const peak = { listTags: 0, resolveTag: 0 };
  const now = { listTags: 0, resolveTag: 0 };
  const tick = () => new Promise((resolve) => setTimeout(resolve, 1));
  const track = async <T>(kind: 'listTags' | 'resolveTag', work: () => T): Promise<T> => {
    peak[kind] = Math.max(peak[kind], ++now[kind]);
    await tick();
    now[kind]--;
    return work();
  };
  const source: RegistrySource = {
    registry: 'docker.io',
    listRepositories: async (namespace) => ({ namespace, repositories: [], warnings: [] }),
    listTags: (repository) => track('listTags', () => ({ repository, tags: Array.from({ length: TAGS }, (_, t) => ({ tag: `1.${t}.0` })), warnings: [] })),
    resolveTag: (repository, tag) =>
      track('resolveTag', () => {
        const n = Number(/(\d+)$/.exec(repository)![1]) * TAGS + Number(tag.split('.')[1]);
        const imageId = `sha256:${hex(n, 12)}${'0'.repeat(52)}`;
        return {
          repository,
          tag,
          manifestDigest: `sha256:${hex(n, 64)}`,
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          platforms: [],
          platform: undefined,
          imageId,
          warnings: [],
        };
      }),
    stats: emptyStats,
  };
  return { source, peak };
}

describe('registry work in flight', () => {
  it(`resolves ${REPOSITORIES * TAGS} tags with at most ${repositoriesInFlight} repositories and ${minTagsInFlight} tags in flight, all of them answered`, async () => {
    const lines = ['images:'];
    for (let r = 0; r < REPOSITORIES; r++) {
      lines.push(`  - name: r${r}`, '    tags:');
      for (let t = 0; t < TAGS; t++) lines.push(`      - ["1.${t}.0", "${hex(r * TAGS + t, 12)}"]`);
    }
    writeFileSync(join(dir, 'image-metadata.yml'), `${lines.join('\n')}\n`);
    const configText = 'targets:\n  - files: image-metadata.yml\n    format: backendai\n    repository: acme/{name}\n    discover: off\n';
    const config = parseConfig(configText, join(dir, 'imgsync.config.yaml'));
    const { source, peak } = countingSource();

    const result = await runUpdate({ config, registrySource: () => source, dryRun: true });
    expect(result.errors).toEqual([]);
    expect(result.changes).toEqual([]);
    expect(result.drift).toBe(false);
    expect(peak.listTags).toBe(repositoriesInFlight);
    expect(peak.resolveTag).toBe(minTagsInFlight);
  });
});
