/**
 * `maxFileBytes`: a target file bigger than the limit is a per-file error that names its
 * size and the limit, is left untouched (and, where its size is known first, never read),
 * and the other files still run — in local mode and in git mode against the real
 * `git http-backend`.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as nodeFs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { DEFAULT_MAX_FILE_BYTES, runUpdate, type UpdateFileSystem } from '../../src/update/index.js';
import { createBareRepo, showFile } from '@imgsync/test-helpers/git/fixture-repo.js';
import { useGitServer } from '@imgsync/test-helpers/git/git-suite.js';

const digest = (hex: string) => `sha256:${hex.repeat(64)}`;
const small = 'spec:\n  containers:\n    - image: ghcr.io/acme/app:1.0\n';
const big = `${small}${'# padding to make the file big\n'.repeat(60)}`; // 1,914 bytes
const snapshot = JSON.stringify({
  version: 1,
  registry: 'ghcr.io',
  repositories: { 'acme/app': { tags: { '1.0': { manifestDigest: digest('1') }, '1.1': { manifestDigest: digest('2') } } } },
});
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'imgsync-max-bytes-'));
  writeFileSync(join(dir, 'snapshot.json'), snapshot);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The node file system, recording which paths were read. */
function recordingFs(read: string[]): UpdateFileSystem {
  return {
    ...nodeFs,
    readFile: (path: string, encoding: 'utf8') => {
      read.push(path);
      return nodeFs.readFile(path, encoding);
    },
  };
}

describe('maxFileBytes, local files', () => {
  it('refuses a bigger file by its size without reading it, and edits the others', async () => {
    writeFileSync(join(dir, 'big.yaml'), big);
    writeFileSync(join(dir, 'small.yaml'), small);
    const config = parseConfig('targets:\n  - files: ["*.yaml"]\n    registry: file:snapshot.json\n', join(dir, 'imgsync.config.yaml'));
    const read: string[] = [];
    const result = await runUpdate({ config, fs: recordingFs(read), maxFileBytes: 1000 });

    expect(result.errors).toEqual([
      {
        file: 'big.yaml',
        code: 'FILE_TOO_LARGE',
        path: 'big.yaml',
        message: `big.yaml: ${big.length} bytes, more than the 1000 bytes a target file may have (maxFileBytes); the file is left untouched`,
      },
    ]);
    expect(read.filter((p) => p.endsWith('big.yaml'))).toEqual([]);
    expect(readFileSync(join(dir, 'big.yaml'), 'utf8')).toBe(big);
    expect(readFileSync(join(dir, 'small.yaml'), 'utf8')).toBe(small.replace(':1.0', ':1.1'));
  });

  it('defaults to 20 MiB', async () => {
    expect(DEFAULT_MAX_FILE_BYTES).toBe(20 * 1024 * 1024);
    const sub = mkdtempSync(join(dir, 'default-'));
    writeFileSync(join(sub, 'snapshot.json'), snapshot);
    writeFileSync(join(sub, 'huge.yaml'), small + '#'.repeat(DEFAULT_MAX_FILE_BYTES - small.length) + '\n');
    const config = parseConfig('targets:\n  - files: ["*.yaml"]\n    registry: file:snapshot.json\n', join(sub, 'imgsync.config.yaml'));
    const result = await runUpdate({ config, dryRun: true });
    expect(result.errors.map((e) => e.message)).toEqual([
      `huge.yaml: ${DEFAULT_MAX_FILE_BYTES + 1} bytes, more than the 20 MiB a target file may have (maxFileBytes); the file is left untouched`,
    ]);
  });

  it('refuses a limit that is not a positive number of bytes', async () => {
    const config = parseConfig('targets:\n  - files: ["*.yaml"]\n    registry: file:snapshot.json\n', join(dir, 'imgsync.config.yaml'));
    await expect(runUpdate({ config, dryRun: true, maxFileBytes: 0 })).rejects.toThrow('maxFileBytes must be a positive whole number of bytes (got 0)');
  });
});

describe('memory', () => {
  it('refuses a file whose YAML tokens would not fit in the heap left, instead of running out of it', async () => {
    const sub = mkdtempSync(join(dir, 'heap-'));
    writeFileSync(join(sub, 'snapshot.json'), snapshot);
    // 120 KB of text, but 180,000 tokens: some 65 MB of heap to edit
    writeFileSync(join(sub, 'dense.yaml'), `spec:\n  containers:\n    - image: ghcr.io/acme/app:1.0\n      args: [${'a,'.repeat(60_000)}a]\n`);
    writeFileSync(join(sub, 'small.yaml'), small);
    const config = parseConfig('targets:\n  - files: ["*.yaml"]\n    registry: file:snapshot.json\n', join(sub, 'imgsync.config.yaml'));
    const mib = 2 ** 20;
    const result = await runUpdate({ config, dryRun: true, heapLimit: () => 64 * mib });

    expect(result.errors).toEqual([
      {
        file: 'dense.yaml',
        code: 'FILE_TOO_LARGE',
        path: 'dense.yaml',
        message:
          "dense.yaml: editing it would need more than 54 MiB of memory (360 bytes per YAML token), 85 % of this process's heap limit of 64 MiB; raise the limit (node --max-old-space-size, or a function with more memory) or split the file; the file is left untouched",
      },
    ]);
    expect(result.files.find((f) => f.path === 'small.yaml')?.changed).toBe(true);
  });
});

describe('maxFileBytes, git', () => {
  const token = 'ghp_MaxBytesToken0123456789abcdefABCDEF01';
  const suite = useGitServer(token);

  it('pushes the other files and names the one too big, which the commit leaves alone', async () => {
    const bare = createBareRepo(suite.root, 'sizes', { 'big.yaml': big, 'small.yaml': small });
    const config = parseConfig(
      `targets:\n  - files: ["*.yaml"]\n    registry: file:snapshot.json\ngit:\n  url: ${suite.server.url('sizes')}\n  branch: main\n`,
      join(dir, 'imgsync.config.yaml'),
    );
    const result = await runUpdate({ config, secrets: { gitToken: token }, gitIo: { tmpDir: suite.work }, maxFileBytes: 1000 });

    expect(result.errors).toEqual([
      {
        file: 'big.yaml',
        code: 'FILE_TOO_LARGE',
        path: 'big.yaml',
        message: `big.yaml: ${big.length} bytes, more than the 1000 bytes a target file may have (maxFileBytes); the file is left untouched`,
      },
    ]);
    expect(result.delivery?.pushed).toBe(true);
    expect(showFile(bare, 'main', 'small.yaml')).toBe(small.replace(':1.0', ':1.1'));
    expect(showFile(bare, 'main', 'big.yaml')).toBe(big);
  });
});
