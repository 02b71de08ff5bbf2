/**
 * Only the wanted platform's manifest of an index is fetched, per target: two Backend.AI
 * files following one multi-platform repository for different platforms each get their
 * platform's image id, and the run fetches the index once and one manifest per platform
 * asked for, not every platform the index lists. Real `docker-registry` on 127.0.0.1.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { runUpdate } from '../../src/update/index.js';
import { pushIndex, type PushedIndex } from '@imgsync/test-helpers/registry/push.js';
import { startRegistry, type RunningRegistry } from '@imgsync/test-helpers/registry/registry-server.js';

let registry: RunningRegistry;
let index: PushedIndex;
let dir: string;

beforeAll(async () => {
  registry = await startRegistry();
  index = await pushIndex({ url: registry.url }, 'acme/kernel-python', '3.9', {
    seed: 'python 3.9',
    platforms: [
      { os: 'linux', architecture: 'amd64' },
      { os: 'linux', architecture: 'arm64', variant: 'v8' },
      { os: 'linux', architecture: 'arm', variant: 'v7' },
      { os: 'linux', architecture: 'ppc64le' },
      { os: 'linux', architecture: 's390x' },
    ],
    attestation: true,
  });
  dir = mkdtempSync(join(tmpdir(), 'imgsync-platforms-'));
});

afterAll(async () => {
  await registry?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const id12 = (digest: string) => digest.slice('sha256:'.length, 'sha256:'.length + 12);

describe('platforms of a multi-platform tag', () => {
  it('fills each target with its own platform image id, fetching the index and the two wanted manifests only', async () => {
    const entry = 'images:\n  - name: python\n    tags:\n      - ["3.9", "x"]\n';
    writeFileSync(join(dir, 'amd64.yml'), entry);
    writeFileSync(join(dir, 'arm64.yml'), entry);
    const target = (file: string, platform: string) =>
      `  - files: ${file}\n    format: backendai\n    registry: ${registry.url}\n    repository: acme/kernel-{name}\n    discover: off\n    platform: ${platform}\n`;
    const configText = `targets:\n${target('amd64.yml', 'linux/amd64')}${target('arm64.yml', 'linux/arm64')}`;
    writeFileSync(join(dir, 'imgsync.config.yaml'), configText);
    const config = parseConfig(configText, join(dir, 'imgsync.config.yaml'));

    const result = await runUpdate({ config });
    expect(result.errors).toEqual([]);
    expect(readFileSync(join(dir, 'amd64.yml'), 'utf8')).toBe(entry.replace('"x"', `"${id12(index.platforms[0]!.configDigest)}"`));
    expect(readFileSync(join(dir, 'arm64.yml'), 'utf8')).toBe(entry.replace('"x"', `"${id12(index.platforms[1]!.configDigest)}"`));
    const stats = Object.values(result.stats.registries)[0]!;
    expect(stats.manifestGets).toBe(3); // the index, linux/amd64, linux/arm64/v8: not the other 3 platforms
  });
});
