/**
 * The engine's rules, driven in-process through what it is given: its `fs` (local mode),
 * its `registrySource` (a snapshot source: the same interface as a live client, no network)
 * and its git IO against the real `git http-backend`. Each test is one rule of
 * `update/update.ts`: the edits of several targets on one file merge into one result, a
 * malformed file is reported beside the files that run, a run whose time is up is partial
 * and writes nothing, a push that lost a race is recomputed on the new tip, and explicit
 * settings are not replaced by defaults.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { createSnapshotSource, type RegistrySnapshot } from '../../src/registry/index.js';
import type { RegistrySource } from '../../src/registry/types.js';
import { runUpdate, type UpdateFileSystem } from '../../src/update/index.js';
import { commitToBare, createBareRepo, gitCli, showFile } from '@imgsync/test-helpers/git/fixture-repo.js';
import { useGitServer } from '@imgsync/test-helpers/git/git-suite.js';

const digest = (n: number) => `sha256:${String(n).repeat(64).slice(0, 64)}`;
const snapshot: RegistrySnapshot = {
  version: 1,
  registry: 'docker.io',
  recordedAt: new Date().toISOString(),
  repositories: {
    'library/redis': { tags: { '7.2.4': { manifestDigest: digest(1) }, '7.2.5': { manifestDigest: digest(2) }, '8.0.0': { manifestDigest: digest(3) } } },
    'library/nginx': { tags: { '1.25.3': { manifestDigest: digest(4) }, '1.25.4': { manifestDigest: digest(5) } } },
  },
};

/** A file system in a Map: what the engine reads and writes, nothing else touched. */
function memoryFs(files: Record<string, string>): UpdateFileSystem & { files: Map<string, string>; writes: string[] } {
  const map = new Map(Object.entries(files).map(([k, v]) => [join('/project', k), v]));
  const writes: string[] = [];
  const missing = (path: string) => Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
  return {
    files: map,
    writes,
    readFile: async (path) => map.get(path) ?? Promise.reject(missing(path)),
    writeFile: async (path, data) => {
      writes.push(path);
      map.set(path, data);
    },
    rename: async (from, to) => {
      map.set(to, map.get(from)!);
      map.delete(from);
    },
    unlink: async (path) => void map.delete(path),
    stat: async (path) => (map.has(path) ? { mode: 0o644, size: Buffer.byteLength(map.get(path)!) } : Promise.reject(missing(path))),
    chmod: async () => {},
  };
}

/** A project directory holding `files` (the glob lists the real disk), and an injected fs with the same files, where the engine writes. */
async function inProject(
  files: Record<string, string>,
  configText: string,
  run: (project: { dir: string; config: ReturnType<typeof parseConfig>; fs: ReturnType<typeof memoryFs> }) => Promise<void>,
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'imgsync-engine-'));
  try {
    const fs = memoryFs({});
    for (const [name, text] of Object.entries(files)) {
      writeFileSync(join(dir, name), text);
      fs.files.set(join(dir, name), text);
    }
    await run({ dir, config: parseConfig(configText, join(dir, 'imgsync.config.yaml')), fs });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const source = (overrides: Partial<RegistrySource> = {}): (() => RegistrySource) => {
  const frozen = createSnapshotSource(snapshot);
  return () => ({ ...frozen, ...overrides });
};

describe('runUpdate in-process (local mode: injected fs and registry source)', () => {
  it('merges the edits of two targets on one file into one result and one write', async () => {
    const text = 'services:\n  cache:\n    image: redis:7.2.4\n  web:\n    image: nginx:1.25.3\n';
    const configText =
      'targets:\n' +
      '  - files: compose.yaml\n    format: image-refs\n    ignore: [nginx]\n' +
      '  - files: compose.yaml\n    format: image-refs\n    ignore: [redis]\n';
    await inProject({ 'compose.yaml': text }, configText, async ({ dir, config, fs }) => {
      const result = await runUpdate({ config, fs, registrySource: source() });
      expect(result.errors).toEqual([]);
      expect(result.files).toHaveLength(1);
      const changes = result.files[0]!.changes;
      expect(changes.filter((c) => c.kind !== 'reported').map((c) => `${c.image}:${c.new}`)).toEqual(['redis:7.2.5', 'nginx:1.25.4']);
      // the first target's report (a newer major, left alone by the default update level) is kept beside the second's edit
      expect(changes.filter((c) => c.kind === 'reported').map((c) => c.image)).toEqual(['redis']);
      expect(fs.files.get(join(dir, 'compose.yaml'))).toBe('services:\n  cache:\n    image: redis:7.2.5\n  web:\n    image: nginx:1.25.4\n');
      expect(fs.writes).toHaveLength(1);
      expect(result.files[0]!.diff).toContain('-    image: redis:7.2.4\n');
      expect(result.files[0]!.diff).toContain('+    image: nginx:1.25.4\n');
    });
  });

  it('reports a malformed file beside the files that run, and writes only those', async () => {
    const files = { 'a.yaml': 'image: redis:7.2.4\n', 'b.yaml': 'image: [redis:7.2.4\n', 'c.yaml': 'image: nginx:1.25.3\n' };
    await inProject(files, "targets:\n  - files: '*.yaml'\n    format: image-refs\n", async ({ dir, config, fs }) => {
      const result = await runUpdate({ config, fs, registrySource: source() });
      expect(result.files.map((f) => [f.path, f.changed, f.error?.code])).toEqual([
        ['a.yaml', true, undefined],
        ['b.yaml', false, 'YAML_SYNTAX'],
        ['c.yaml', true, undefined],
      ]);
      expect(result.errors.map((e) => [e.file, e.code, e.line])).toEqual([['b.yaml', 'YAML_SYNTAX', 2]]);
      expect(fs.writes.map((w) => w.replace(/.*\/\.?/, '').replace(/\.imgsync-.*/, ''))).toEqual(['a.yaml', 'c.yaml']);
      expect(fs.files.get(join(dir, 'b.yaml'))).toBe(files['b.yaml']);
    });
  });

  it('ends as a partial result when the time is up while the registry answers: nothing written, what was left undone listed', async () => {
    await inProject({ 'a.yaml': 'image: redis:7.2.4\n' }, 'targets:\n  - files: a.yaml\n    format: image-refs\n', async ({ config, fs }) => {
      const stop = new AbortController();
      const hanging = source({
        listTags: () => {
          setTimeout(() => stop.abort(new Error('SIGTERM')), 20);
          return new Promise(() => {}); // never answers
        },
      });
      const started = Date.now();
      const result = await runUpdate({ config, fs, registrySource: hanging, signal: stop.signal });
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(result.partial?.undone).toEqual(['registry: 1 repository not resolved: docker.io/library/redis', 'files not updated: a.yaml', 'write the files']);
      expect(result).toMatchObject({ changed: false, files: [], changes: [] });
      expect(fs.writes).toEqual([]);
    });
  });
});

describe('runUpdate in-process (git mode: the real git http-backend)', () => {
  const token = 'engine-test-token-8d2e71';
  const suite = useGitServer(token);

  it('recomputes the edit on the new tip when another commit lands while the registry is asked, and pushes one commit on top of it', async () => {
    const bare = createBareRepo(suite.root, 'acme/race', { 'a.yaml': 'image: redis:7.2.4\n', 'b.yaml': 'image: nginx:1.25.3\n' });
    const config = parseConfig(
      `targets:\n  - files: '*.yaml'\n    format: image-refs\ngit:\n  url: ${suite.server.url('acme/race')}\n  branch: main\n  author: { name: engine-test, email: engine@example.test }\n`,
      join(suite.work, 'imgsync.config.yaml'),
    );
    let meanwhile = '';
    const racing = source({
      // someone pushes while the engine asks the registry: after the clone, before the push
      listTags: async (repository) => {
        if (!meanwhile) meanwhile = commitToBare(bare, { 'b.yaml': 'image: nginx:1.25.3 # pinned by hand\n', 'c.txt': 'theirs\n' });
        return createSnapshotSource(snapshot).listTags(repository);
      },
    });
    const result = await runUpdate({ config, registrySource: racing, secrets: { gitToken: token }, gitIo: { tmpDir: suite.work } });
    expect(result.errors).toEqual([]);
    expect(result.delivery).toMatchObject({ mode: 'push', pushed: true, branch: 'main' });
    expect(gitCli(bare, 'rev-parse', 'main~1').trim()).toBe(meanwhile);
    expect(showFile(bare, 'main', 'a.yaml')).toBe('image: redis:7.2.5\n');
    // the edit was made again on their b.yaml: their comment kept
    expect(showFile(bare, 'main', 'b.yaml')).toBe('image: nginx:1.25.4 # pinned by hand\n');
    expect(showFile(bare, 'main', 'c.txt')).toBe('theirs\n');
  });
});

describe('defaults come from one place', () => {
  it('keeps an explicit githubApiUrl, even the default one, and leaves it out when not set', () => {
    const at = (git: string) =>
      parseConfig(`targets:\n  - files: a.yaml\n    format: image-refs\ngit:\n  url: https://ghe.acme.test/org/app.git\n${git}`, '/x/imgsync.config.yaml').git;
    expect(at('  githubApiUrl: https://api.github.com\n')?.githubApiUrl).toBe('https://api.github.com');
    expect(at('  githubApiUrl: https://ghe.acme.test/api/v3/\n')?.githubApiUrl).toBe('https://ghe.acme.test/api/v3');
    expect(at('')?.githubApiUrl).toBeUndefined();
    expect(at('')?.author).toEqual({ name: 'imgsync', email: 'imgsync@example.invalid' });
  });
});
