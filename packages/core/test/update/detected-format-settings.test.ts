/**
 * `format: auto` learns each file's format only when it reads the file: a setting the
 * detected format does not read is refused for that file, at the setting's line and column,
 * and the file is left as it was (never a silently ignored setting).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { runUpdate } from '../../src/update/index.js';
import { corpusFile } from '@imgsync/test-helpers/fixtures.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const compose = corpusFile('docker__awesome-compose__elasticsearch-logstash-kibana__compose.yaml');

async function autoRun(setting: string) {
  const dir = mkdtempSync(join(tmpdir(), 'imgsync-auto-settings-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'compose.yaml'), compose);
  writeFileSync(join(dir, 'snapshot.json'), JSON.stringify({ version: 1, registry: 'docker.io', repositories: {} }));
  const text = `targets:\n  - files: compose.yaml\n    registry: file:snapshot.json\n${setting}`;
  const result = await runUpdate({ config: parseConfig(text, join(dir, 'imgsync.config.yaml')), dryRun: false });
  expect(readFileSync(join(dir, 'compose.yaml'), 'utf8')).toBe(compose);
  return result.errors.map((e) => `${e.code} ${e.message}`);
}

describe('format: auto on a file detected as image-refs', () => {
  it.each<[string, RegExp]>([
    [
      '    platform: linux/arm64\n',
      /CONFIG .*imgsync\.config\.yaml:4:5: targets\[0\]\.platform: applies only to format backendai: .*compose\.yaml is image-refs/,
    ],
    ['    repository: lablup/kernel-{name}\n', /CONFIG .*:4:5: targets\[0\]\.repository: applies only to format backendai/],
    ['    prune: remove\n', /CONFIG .*:4:5: targets\[0\]\.prune: applies only to format backendai/],
    ['    digest: image-id-12\n', /CONFIG .*:4:5: targets\[0\]\.digest: compose\.yaml is image-refs, whose references are pinned to manifest digests/],
    ['    tags: { latest: { pattern: x } }\n', /CONFIG .*:4:5: targets\[0\]\.tags\.latest: compose\.yaml is image-refs/],
  ])('refuses %s for that file, at the setting', async (setting, message) => {
    expect(await autoRun(setting)).toEqual([expect.stringMatching(message)]);
  });

  it('runs with settings the format reads', async () => {
    expect(await autoRun('    update: minor\n    pin: false\n')).toEqual([]);
  });
});
