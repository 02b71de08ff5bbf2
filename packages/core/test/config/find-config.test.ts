import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CONFIG_FILE_NAMES, findConfigFile } from '../../src/config/index.js';

describe('findConfigFile', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'imgsync-find-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each(CONFIG_FILE_NAMES)('finds %s', async (name) => {
    await writeFile(join(dir, name), 'targets: []\n');
    await expect(findConfigFile(dir)).resolves.toBe(join(dir, name));
  });

  it('returns undefined when the directory has none, without looking in parents', async () => {
    await writeFile(join(dir, 'imgsync.config.yaml'), 'targets: []\n');
    await mkdir(join(dir, 'sub'));
    await expect(findConfigFile(join(dir, 'sub'))).resolves.toBeUndefined();
  });

  it('ignores a directory of that name', async () => {
    await mkdir(join(dir, 'imgsync.config.yaml'));
    await expect(findConfigFile(dir)).resolves.toBeUndefined();
  });

  it('refuses to guess between two config files', async () => {
    await writeFile(join(dir, 'imgsync.config.yaml'), '');
    await writeFile(join(dir, 'imgsync.config.json'), '{}');
    await expect(findConfigFile(dir)).rejects.toThrow(
      `${dir}: several config files: imgsync.config.yaml, imgsync.config.json; keep one, or pass the one to use with --config`,
    );
  });

  it('uses an injected file system', async () => {
    const asked: string[] = [];
    const fs = {
      stat: async (path: string) => {
        asked.push(path);
        if (path.endsWith('.yml')) return { isFile: () => true };
        throw Object.assign(new Error('absent'), { code: 'ENOENT' });
      },
    };
    await expect(findConfigFile('/virtual', fs)).resolves.toBe('/virtual/imgsync.config.yml');
    expect(asked).toEqual(CONFIG_FILE_NAMES.map((name) => `/virtual/${name}`));
  });
});
