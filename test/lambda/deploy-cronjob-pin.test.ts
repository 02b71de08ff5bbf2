/**
 * The Kubernetes CronJob runs a Node image pinned by digest, and imgsync refreshes that
 * pin itself (`deploy/imgsync.config.yaml`). Docker Hub cannot be reached from the tests:
 * its answer for `library/node` is stood in for by a recorded registry snapshot.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createSnapshotSource, loadConfig, runUpdate } from '../../packages/core/src/index.js';

const cronJobPath = fileURLToPath(new URL('../../deploy/kubernetes/cronjob.yaml', import.meta.url));
const refreshConfigPath = fileURLToPath(new URL('../../deploy/imgsync.config.yaml', import.meta.url));
const digest = (hex: string) => `sha256:${hex.repeat(64)}`;

describe('deploy/kubernetes/cronjob.yaml image', () => {
  const text = readFileSync(cronJobPath, 'utf8');
  const image: string = parse(text).spec.jobTemplate.spec.template.spec.containers[0].image;

  it('is node pinned by digest', () => {
    expect(image).toMatch(/^node:22-alpine@sha256:[0-9a-f]{64}$/);
  });

  it('is refreshed by imgsync with deploy/imgsync.config.yaml (Docker Hub stood in for by a snapshot)', async () => {
    const config = await loadConfig({ path: refreshConfigPath });
    const fresh = digest('7');
    const snapshot = {
      version: 1 as const,
      registry: 'docker.io',
      repositories: {
        'library/node': {
          tags: { '22-alpine': { manifestDigest: fresh }, '24-alpine': { manifestDigest: digest('8') }, '22-bookworm': { manifestDigest: digest('9') } },
        },
      },
    };
    const source = createSnapshotSource(snapshot);
    const result = await runUpdate({ config, dryRun: true, registrySource: () => source });

    expect(result.errors).toEqual([]);
    const [file] = result.files;
    expect(file?.path).toBe('kubernetes/cronjob.yaml');
    const removed = file!.diff.split('\n').filter((l) => l.startsWith('-') && !l.startsWith('---'));
    const added = file!.diff.split('\n').filter((l) => l.startsWith('+') && !l.startsWith('+++'));
    expect(removed).toEqual([`-              image: ${image}`]);
    expect(added).toEqual([`+              image: node:22-alpine@${fresh}`]);
  });
});
