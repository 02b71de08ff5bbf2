/**
 * The registry settings apply: `registries.<host>.mirror`, `insecure`, plain http for
 * loopback hosts, the target's `registry` for references that name none, and a `file:`
 * snapshot answering only for the registry it recorded. The engine runs in-process against
 * real `docker-registry` servers on 127.0.0.1; a fetch that refuses every other host proves
 * nothing goes to Docker Hub.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { RegistryError } from '../../src/errors.js';
import type { FetchLike } from '../../src/registry/types.js';
import { resolveSecrets, runUpdate, type UpdateResult } from '../../src/update/index.js';
import { registryEndpoint } from '../../src/update/registry-endpoint.js';
import { corpusFile, repoRoot } from '@imgsync/test-helpers/fixtures.js';
import { pushImage, type PushedImage } from '@imgsync/test-helpers/registry/push.js';
import { startRegistry, type RunningRegistry } from '@imgsync/test-helpers/registry/registry-server.js';

const ELK = 'docker__awesome-compose__elasticsearch-logstash-kibana__compose.yaml';
const ELK_GOLDEN = join(repoRoot, 'packages/core/test/formats/image-refs/expected/bump@awesome-compose-elk.yaml');
const PASSWORD = 'cache-Secret-31';

let local: RunningRegistry;
let guarded: RunningRegistry;
let redis725: PushedImage;
const dirs: string[] = [];

/**
 * Fetch that lets through 127.0.0.1 only, after mapping the host names in `hosts` to it
 * (an /etc/hosts for the test), and records every request.
 */
function localFetch(seen: string[] = [], hosts: Record<string, string> = {}): FetchLike {
  return (input, init) => {
    seen.push(`${init?.method ?? 'GET'} ${input}`);
    const url = new URL(input);
    if (hosts[url.host]) url.host = hosts[url.host]!;
    if (url.hostname !== '127.0.0.1') return Promise.reject(new TypeError(`fetch failed: no network in this test (${url.host})`));
    return fetch(url.toString(), init);
  };
}

/** A project directory with `files` and an imgsync.config.yaml, and its loaded config. */
function project(configText: string, files: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'imgsync-settings-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  writeFileSync(join(dir, 'imgsync.config.yaml'), configText);
  return { dir, config: parseConfig(configText, join(dir, 'imgsync.config.yaml')) };
}

const changed = (result: UpdateResult) =>
  result.changes.map((c) => (c.kind === 'reported' ? `reported ${c.image}: ${c.message}` : `${c.kind} ${c.image} ${c.old} -> ${c.new}`));

beforeAll(async () => {
  [local, guarded] = await Promise.all([startRegistry(), startRegistry({ htpasswd: { cache: PASSWORD } })]);
  const target = { url: local.url };
  for (const tag of ['7.16.1', '7.17.20', '8.13.0', '7.17.20-arm64']) await pushImage(target, 'library/elasticsearch', tag, { seed: `es ${tag}` });
  for (const tag of ['7.16.1', '7.16.3']) await pushImage(target, 'library/logstash', tag, { seed: `ls ${tag}` });
  await pushImage(target, 'library/kibana', '7.16.1', { seed: 'kb 7.16.1' });
  await pushImage(target, 'library/redis', '7.2.4', { seed: 'redis 7.2.4' });
  redis725 = await pushImage(target, 'library/redis', '7.2.5', { seed: 'redis 7.2.5' });
  for (const tag of ['1.0.0', '1.1.0']) await pushImage(target, 'team/app', tag, { seed: `app ${tag}` });
  const authorization = async () => `Basic ${Buffer.from(`cache:${PASSWORD}`).toString('base64')}`;
  for (const tag of ['7.2.4', '7.2.5']) await pushImage({ url: guarded.url, authorization }, 'library/redis', tag, { seed: `redis ${tag}` });
});

afterAll(async () => {
  await Promise.all([local?.stop(), guarded?.stop()]);
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('registries.<host>.mirror', () => {
  it('looks Docker Hub images of a real compose file up at the mirror; the file keeps its references (golden)', async () => {
    const { dir, config } = project(
      `targets:\n  - files: compose.yaml\n    format: image-refs\n    tags: { semver: '^7' }\nregistries:\n  docker.io: { mirror: ${local.url} }\n`,
      { 'compose.yaml': corpusFile(ELK) },
    );
    const seen: string[] = [];
    const result = await runUpdate({ config, fetch: localFetch(seen) });
    expect(readFileSync(join(dir, 'compose.yaml'), 'utf8')).toBe(readFileSync(ELK_GOLDEN, 'utf8'));
    expect(changed(result)).toEqual(['updated elasticsearch 7.16.1 -> 7.17.20', 'updated logstash 7.16.1 -> 7.16.3']);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.filter((line) => !line.includes(`${local.url}/v2/library/`))).toEqual([]);
    expect(Object.keys(result.stats.registries)).toEqual([`docker.io (mirror ${local.url})`]);

    const again = await runUpdate({ config, fetch: localFetch(), dryRun: true });
    expect(again.changed).toBe(false);
  });

  it("sends the mirror's own credentials (its registries entry), never the mirrored registry's", async () => {
    const text =
      `targets:\n  - files: compose.yaml\n    format: image-refs\n` +
      `registries:\n  docker.io: { mirror: ${guarded.url} }\n  ${guarded.host}: { credentials: env:CACHE_TOKEN, username: cache }\n`;
    const { dir, config } = project(text, { 'compose.yaml': 'services:\n  cache:\n    image: redis:7.2.4\n' });
    const secrets = await resolveSecrets(config, { CACHE_TOKEN: PASSWORD });
    const result = await runUpdate({ config, fetch: localFetch(), secrets });
    expect(changed(result)).toEqual(['updated redis 7.2.4 -> 7.2.5']);
    expect(readFileSync(join(dir, 'compose.yaml'), 'utf8')).toBe('services:\n  cache:\n    image: redis:7.2.5\n');

    const withoutMirrorEntry = project(`targets:\n  - files: compose.yaml\n    format: image-refs\nregistries:\n  docker.io: { mirror: ${guarded.url} }\n`, {
      'compose.yaml': 'services:\n  cache:\n    image: redis:7.2.4\n',
    });
    const error = await runUpdate({ config: withoutMirrorEntry.config, fetch: localFetch() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryError);
    expect((error as Error).message).toMatch(/requires a username and password/);
  });

  it('applies to a backendai target on docker.io too (its repository template names no registry)', async () => {
    const { config } = project(
      `targets:\n  - files: image-metadata.yml\n    format: backendai\n    repository: team/{name}\n    digest: manifest\nregistries:\n  docker.io: { mirror: ${local.url} }\n`,
      { 'image-metadata.yml': 'images:\n  - name: app\n    tags:\n      - ["1.0.0", "x"]\n' },
    );
    const result = await runUpdate({ config, fetch: localFetch(), dryRun: true });
    expect(result.files[0]!.diff).toContain('+      - ["1.1.0", "sha256:');
  });
});

describe('plain http for loopback hosts, and insecure', () => {
  it('fetches 127.0.0.1:PORT/library/redis over plain http without any setting', async () => {
    const { config } = project('targets:\n  - files: compose.yaml\n    format: image-refs\n', {
      'compose.yaml': `services:\n  cache:\n    image: ${local.host}/library/redis:7.2.4\n`,
    });
    const seen: string[] = [];
    const result = await runUpdate({ config, fetch: localFetch(seen), dryRun: true });
    expect(changed(result)).toEqual([`updated ${local.host}/library/redis 7.2.4 -> 7.2.5`]);
    expect(seen.every((line) => line.includes(`http://${local.host}/v2/`))).toBe(true);
  });

  it('insecure: false asks a loopback host over https, which a plain-http registry then refuses', async () => {
    const { config } = project(`targets:\n  - files: compose.yaml\n    format: image-refs\nregistries:\n  ${local.host}: { insecure: false, retries: 0 }\n`, {
      'compose.yaml': `services:\n  cache:\n    image: ${local.host}/library/redis:7.2.4\n`,
    });
    const seen: string[] = [];
    await expect(runUpdate({ config, fetch: localFetch(seen), dryRun: true })).rejects.toBeInstanceOf(RegistryError);
    expect(seen[0]).toMatch(new RegExp(`^GET https://${local.host}/v2/`));
  });

  it('insecure: true speaks plain http to a host that is not loopback', async () => {
    const port = local.host.split(':')[1];
    const lan = `registry.lan:${port}`;
    const { config } = project(`targets:\n  - files: compose.yaml\n    format: image-refs\nregistries:\n  ${lan}: { insecure: true }\n`, {
      'compose.yaml': `services:\n  cache:\n    image: ${lan}/library/redis:7.2.4\n`,
    });
    const seen: string[] = [];
    const result = await runUpdate({ config, fetch: localFetch(seen, { [lan]: local.host }), dryRun: true });
    expect(changed(result)).toEqual([`updated ${lan}/library/redis 7.2.4 -> 7.2.5`]);
    expect(seen.every((line) => line.includes(`http://${lan}/v2/`))).toBe(true);
  });

  it('chooses the scheme: an http:// key, insecure, loopback, https', () => {
    const settings = (registry: string, extra: object) => ({ [registry]: { registry, where: { path: 'x' }, ...extra } as never });
    expect(registryEndpoint('registry.lan', settings('registry.lan', { insecure: true })).address).toBe('http://registry.lan');
    expect(registryEndpoint('registry.lan', settings('http://registry.lan', {})).address).toBe('http://registry.lan');
    expect(registryEndpoint('http://registry.lan', settings('registry.lan', { insecure: false })).address).toBe('http://registry.lan');
    expect(registryEndpoint('localhost:5000', {}).address).toBe('localhost:5000');
    expect(registryEndpoint('ghcr.io', {}).key).toBe('https://ghcr.io');
    expect(registryEndpoint('localhost:5000', {}).key).toBe('http://localhost:5000');
  });
});

describe("the target's registry: where references that name no registry are looked up", () => {
  it('applies to image-refs, helm-values, kustomize and markers, by the name as written (no library/)', async () => {
    const registry = `registry: ${local.url}`;
    const text = [
      'targets:',
      `  - { files: compose.yaml, format: image-refs, ${registry} }`,
      `  - { files: values.yaml, format: helm-values, ${registry} }`,
      `  - { files: kustomization.yaml, format: kustomize, ${registry} }`,
      `  - { files: marked.yaml, format: markers, ${registry}, policies: { app: { repository: team/app } } }`,
      '',
    ].join('\n');
    const { dir, config } = project(text, {
      'compose.yaml': 'services:\n  app:\n    image: team/app:1.0.0\n',
      'values.yaml': 'image:\n  repository: team/app\n  tag: 1.0.0\n',
      'kustomization.yaml': 'kind: Kustomization\nimages:\n  - name: team/app\n    newTag: 1.0.0\n',
      'marked.yaml': 'image: team/app:1.0.0 # imgsync: app\n',
    });
    const result = await runUpdate({ config, fetch: localFetch() });
    expect(result.errors).toEqual([]);
    expect(readFileSync(join(dir, 'compose.yaml'), 'utf8')).toContain('image: team/app:1.1.0\n');
    expect(readFileSync(join(dir, 'values.yaml'), 'utf8')).toContain('tag: 1.1.0\n');
    expect(readFileSync(join(dir, 'kustomization.yaml'), 'utf8')).toContain('newTag: 1.1.0\n');
    expect(readFileSync(join(dir, 'marked.yaml'), 'utf8')).toBe('image: team/app:1.1.0 # imgsync: app\n');
  });

  it('leaves references that name a registry to that registry', async () => {
    const { config } = project(`targets:\n  - files: compose.yaml\n    format: image-refs\n    registry: ghcr.io\n`, {
      'compose.yaml': `services:\n  cache:\n    image: ${local.host}/library/redis:7.2.4\n`,
    });
    const seen: string[] = [];
    const result = await runUpdate({ config, fetch: localFetch(seen), dryRun: true });
    expect(changed(result)).toEqual([`updated ${local.host}/library/redis 7.2.4 -> 7.2.5`]);
    expect(seen.some((line) => line.includes('ghcr.io'))).toBe(false);
  });
});

describe('registry: file:snapshot', () => {
  it('answers for the registry it recorded and for names without registry; other registries are left alone with a warning', async () => {
    const snapshot = {
      version: 1,
      registry: 'docker.io',
      repositories: {
        'library/redis': { tags: { '7.2.4': { manifestDigest: `sha256:${'4'.repeat(64)}` }, '7.2.5': { manifestDigest: redis725.manifestDigest } } },
      },
    };
    const compose = `services:\n  a:\n    image: redis:7.2.4\n  b:\n    image: docker.io/library/redis:7.2.4\n  c:\n    image: ${local.host}/library/redis:7.2.4\n`;
    const { config } = project('targets:\n  - files: compose.yaml\n    format: image-refs\n    registry: file:snapshot.json\n', {
      'compose.yaml': compose,
      'snapshot.json': JSON.stringify(snapshot),
    });
    const seen: string[] = [];
    const result = await runUpdate({ config, fetch: localFetch(seen), dryRun: true });
    expect(seen).toEqual([]);
    expect(changed(result)).toEqual([
      'updated redis 7.2.4 -> 7.2.5',
      'updated docker.io/library/redis 7.2.4 -> 7.2.5',
      `reported ${local.host}/library/redis: no registry data for ${local.host}/library/redis; left alone`,
    ]);
    expect(result.warnings).toEqual([`${local.host}/library/redis: not in the snapshot file:snapshot.json, which recorded docker.io; left alone`]);
  });
});
