/**
 * schema/imgsync.schema.json, shipped for editor completion, says what the loader says:
 * the same keys in every mapping, the same enumerations, and the same verdict on the
 * example configs (valid ones pass both, typical mistakes fail both).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CONFIG_ENUMS, CONFIG_KEYS, loadConfig, parseConfig } from '../../src/config/index.js';
import { keywordsOf, schemaErrors, SUPPORTED_KEYWORDS } from './schema-check.js';

const here = dirname(fileURLToPath(import.meta.url));
const validDir = join(here, 'fixtures/valid');
const schema = JSON.parse(readFileSync(join(here, '../../schema/imgsync.schema.json'), 'utf8')) as {
  $schema: string;
  properties: Record<string, unknown>;
  $defs: Record<string, { properties?: Record<string, { enum?: string[] }> }>;
};

describe('imgsync.schema.json', () => {
  it('is a draft 2020-12 schema using only keywords the test checker understands', () => {
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    const unknown = [...keywordsOf(schema)].filter((keyword) => !SUPPORTED_KEYWORDS.has(keyword));
    expect(unknown).toEqual([]);
  });

  it('lists the same keys as the loader, mapping by mapping', () => {
    const schemaKeys: Record<string, string[]> = { root: Object.keys(schema.properties) };
    for (const name of Object.keys(CONFIG_KEYS)) {
      if (name !== 'root') schemaKeys[name] = Object.keys(schema.$defs[name]?.properties ?? {});
    }
    const loaderKeys = Object.fromEntries(Object.entries(CONFIG_KEYS).map(([name, keys]) => [name, [...keys]]));
    expect(schemaKeys).toEqual(loaderKeys);
  });

  it('lists the same enumerations as the loader', () => {
    const props = (def: string) => schema.$defs[def]!.properties!;
    expect({
      format: props('target').format!.enum,
      prune: props('target').prune!.enum,
      digest: props('target').digest!.enum,
      sort: props('tagPolicy').sort!.enum,
      update: props('target').update!.enum,
      mode: props('git').mode!.enum,
      discover: props('discover').mode!.enum,
    }).toEqual({ ...CONFIG_ENUMS });
  });

  const examples = readdirSync(validDir).sort();

  it.each(examples)('accepts the example %s, as the loader does', async (name) => {
    const text = readFileSync(join(validDir, name), 'utf8');
    expect(schemaErrors(schema, parse(text))).toEqual([]);
    await expect(loadConfig({ path: join(validDir, name) })).resolves.toBeDefined();
  });

  const target = 'targets:\n  - files: images.yml\n';
  it.each<[string, string]>([
    ['an unknown top-level key', `${target}registry: docker.io\n`],
    ['an unknown target key', 'targets:\n  - files: images.yml\n    formt: backendai\n'],
    ['a misspelt format', 'targets:\n  - files: images.yml\n    format: backendia\n'],
    ['a misspelt sort', 'targets:\n  - files: images.yml\n    tags: { sort: semvar }\n'],
    ['a number as semver range', 'targets:\n  - files: images.yml\n    tags: { semver: 1.10 }\n'],
    ['a target without files', 'targets:\n  - format: backendai\n'],
    ['no targets', 'targets: []\n'],
    ['a literal credential', `${target}registries:\n  docker.io: { credentials: hunter2-secret }\n`],
    ['a literal git token', `${target}git: { token: s3cret }\n`],
    ['a string for pin', 'targets:\n  - files: images.yml\n    pin: "yes"\n'],
    ['pin on backendai', 'targets:\n  - files: images.yml\n    format: backendai\n    pin: true\n'],
    ['update on backendai', 'targets:\n  - files: images.yml\n    format: backendai\n    update: major\n'],
    ['ignore on backendai', 'targets:\n  - files: images.yml\n    format: backendai\n    ignore: [lablup/*]\n'],
    ['a misspelt update level', 'targets:\n  - files: c.yaml\n    update: latest\n'],
    ['an ignore rule with a space', 'targets:\n  - files: c.yaml\n    ignore: ["bitnami redis"]\n'],
    ['an empty ignore list', 'targets:\n  - files: c.yaml\n    ignore: []\n'],
    ['markers without policies', 'targets:\n  - files: c.yaml\n    format: markers\n'],
    ['a policy name with two colons', 'targets:\n  - files: c.yaml\n    format: markers\n    policies: { "a:b:tag": {} }\n'],
    ['platform on kustomize', 'targets:\n  - files: k.yaml\n    format: kustomize\n    platform: linux/arm64\n'],
    ['a repository template on helm-values', 'targets:\n  - files: v.yaml\n    format: helm-values\n    repository: x/{name}\n'],
    ['image ids for image-refs', 'targets:\n  - files: c.yaml\n    format: image-refs\n    digest: image-id-12\n'],
    ['a latest alias option for markers', 'targets:\n  - files: c.yaml\n    format: markers\n    tags: { latest: { pattern: x } }\n    policies: { a: {} }\n'],
    ['prune on image-refs', 'targets:\n  - files: c.yaml\n    format: image-refs\n    prune: remove\n'],
    ['discover on kustomize', 'targets:\n  - files: k.yaml\n    format: kustomize\n    discover: add\n'],
    ['a misspelt discover mode', 'targets:\n  - files: i.yml\n    format: backendai\n    repository: a/{name}\n    discover: { mode: ad }\n'],
    ['policies on helm-values', 'targets:\n  - files: v.yaml\n    format: helm-values\n    policies: { a: {} }\n'],
    ['a concurrency of 0', `${target}registries:\n  docker.io: { concurrency: 0 }\n`],
    ['a misspelt git mode', `${target}git: { mode: pull_request }\n`],
    ['an ssh git url', `${target}git: { url: "git@github.com:o/r.git" }\n`],
    ['credentials in the git url', `${target}git: { url: "https://u:p@github.com/o/r.git" }\n`],
    ['an author without email', `${target}git: { author: { name: bot } }\n`],
    ['a snapshot as registries key', `${target}registries:\n  "file:snap.json": {}\n`],
    ['a setting beside mirror', `${target}registries:\n  docker.io: { mirror: "http://127.0.0.1:5000", timeoutMs: 5000 }\n`],
    ['a mirror without scheme', `${target}registries:\n  docker.io: { mirror: "127.0.0.1:5000" }\n`],
    ['insecure as a string', `${target}registries:\n  registry.lan: { insecure: "true" }\n`],
    ['a platform without architecture', 'targets:\n  - files: images.yml\n    platform: linux\n'],
    ['an uppercase repository', 'targets:\n  - files: images.yml\n    repository: Lablup/x\n'],
  ])('rejects %s, as the loader does', (_name, text) => {
    expect(schemaErrors(schema, parse(text))).not.toEqual([]);
    expect(() => parseConfig(text, 'imgsync.config.yaml')).toThrow();
  });
});
