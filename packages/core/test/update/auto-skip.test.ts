/**
 * `format: auto` over a whole repository: files with nothing to follow (a Namespace, a
 * HelmRepository, a kustomization without `images:`, a compose file with only `build:` or
 * an untagged `image:`) are skipped with a note, not failed; malformed YAML is still an
 * error, for that file only; the files with images are updated as usual.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { runUpdate } from '../../src/update/index.js';
import { corpusDir } from '@imgsync/test-helpers/fixtures.js';

const CORPUS = {
  'namespace.yaml': 'fluxcd__flux2-kustomize-helm-example__apps__base__podinfo__namespace.yaml',
  'repository.yaml': 'fluxcd__flux2-kustomize-helm-example__apps__base__podinfo__repository.yaml',
  'kustomization.yaml': 'fluxcd__flux2-kustomize-helm-example__apps__staging__kustomization.yaml',
  'angular/compose.yaml': 'docker__awesome-compose__angular__compose.yaml',
  'flask-redis/compose.yaml': 'docker__awesome-compose__flask-redis__compose.yaml',
};
const digest = (hex: string) => `sha256:${hex.repeat(64)}`;
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'imgsync-auto-'));
  for (const [name, source] of Object.entries(CORPUS)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    copyFileSync(join(corpusDir, source), join(dir, name));
  }
  writeFileSync(join(dir, 'app.yaml'), 'spec:\n  containers:\n    - image: ghcr.io/acme/app:1.0\n');
  writeFileSync(join(dir, 'broken.yaml'), 'spec:\n  containers: [\n');
  const tags = { '1.0': { manifestDigest: digest('1') }, '1.1': { manifestDigest: digest('2') } };
  writeFileSync(join(dir, 'snapshot.json'), JSON.stringify({ version: 1, registry: 'ghcr.io', repositories: { 'acme/app': { tags } } }));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('format: auto over files without images', () => {
  it('skips them with a note, fails only the malformed file, and updates the rest', async () => {
    const config = parseConfig('targets:\n  - files: ["**/*.yaml"]\n    registry: file:snapshot.json\n', join(dir, 'imgsync.config.yaml'));
    const result = await runUpdate({ config, dryRun: true });

    expect(result.errors).toEqual([
      { file: 'broken.yaml', code: 'YAML_SYNTAX', path: 'broken.yaml', line: 3, col: 1, message: expect.stringMatching(/^broken\.yaml:3:1: /) },
    ]);
    const skipped = Object.fromEntries(result.files.filter((f) => f.skipped).map((f) => [f.path, f.skipped]));
    expect(skipped).toEqual({
      'angular/compose.yaml': 'no image references',
      'flask-redis/compose.yaml': 'no image reference with a tag or digest to follow (untagged: redislabs/redismod)',
      'kustomization.yaml': 'no image references',
      'namespace.yaml': 'no image references',
      'repository.yaml': 'no image references',
    });
    const app = result.files.find((f) => f.path === 'app.yaml')!;
    expect(app).toMatchObject({
      format: 'image-refs',
      changed: true,
      changes: [expect.objectContaining({ kind: 'updated', image: 'ghcr.io/acme/app', field: 'tag', old: '1.0', new: '1.1' })],
    });
    expect(app.skipped).toBeUndefined();
    expect(result.changed).toBe(true);
  });

  it('writes only the file with images; the skipped ones stay byte for byte', async () => {
    const before = Object.fromEntries(Object.keys(CORPUS).map((name) => [name, readFileSync(join(dir, name), 'utf8')]));
    const config = parseConfig('targets:\n  - files: ["**/*.yaml", "!broken.yaml"]\n    registry: file:snapshot.json\n', join(dir, 'imgsync.config.yaml'));
    const result = await runUpdate({ config });
    expect(result.errors).toEqual([]);
    expect(readFileSync(join(dir, 'app.yaml'), 'utf8')).toBe('spec:\n  containers:\n    - image: ghcr.io/acme/app:1.1\n');
    for (const [name, text] of Object.entries(before)) expect(readFileSync(join(dir, name), 'utf8'), name).toBe(text);
  });

  it('an explicit format still treats such a file as that format (nothing to do), not as skipped', async () => {
    const config = parseConfig('targets:\n  - files: ["kustomization.yaml"]\n    format: kustomize\n', join(dir, 'imgsync.config.yaml'));
    const result = await runUpdate({ config, dryRun: true });
    expect(result.files).toEqual([expect.objectContaining({ path: 'kustomization.yaml', format: 'kustomize', changed: false, changes: [] })]);
    expect(result.files[0]!.skipped).toBeUndefined();
  });
});
