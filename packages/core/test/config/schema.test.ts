/**
 * schema/imgsync.schema.json, shipped for editor completion, is generated from the config's
 * one definition: the committed copy is the text the build generates, a strict draft
 * 2020-12 validator compiles it, it lists the keys and values the loader knows, and it
 * names the code-only rules in its descriptions so editors show them.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { CODE_RULES, CONFIG_ENUMS, CONFIG_KEYS, configJsonSchema, loadConfig } from '../../src/config/index.js';
import { repoRoot } from '@imgsync/test-helpers/fixtures.js';
import { schemaErrors, shippedSchema, shippedSchemaText } from './helpers/shipped-schema.js';

const validDir = join(repoRoot, 'packages/core/test/config/fixtures/valid');
const generated = `${JSON.stringify(configJsonSchema(), null, 2)}\n`;

type Node = {
  properties?: Record<string, Node>;
  $defs?: Record<string, Node>;
  anyOf?: Node[];
  enum?: string[];
  const?: string;
  $ref?: string;
  description?: string;
};
const defs = shippedSchema.$defs as Record<string, Node>;
const resolve = (node: Node | undefined): Node | undefined => (node?.$ref ? defs[node.$ref.replace('#/$defs/', '')] : node);
/** The non-null member of a `X or null` setting. */
const settingOf = (node: Node | undefined): Node | undefined => resolve(node?.anyOf?.find((member) => (member as { type?: string }).type !== 'null') ?? node);

describe('imgsync.schema.json', () => {
  it('is the text generated from the definition (run pnpm --filter @imgsync/core schema:update after changing it)', () => {
    expect(shippedSchemaText).toBe(generated);
  });

  it('is what the build wrote to dist/', () => {
    const built = join(repoRoot, 'packages/core/dist/imgsync.schema.json');
    expect(existsSync(built), 'pnpm build writes dist/imgsync.schema.json').toBe(true);
    expect(readFileSync(built, 'utf8')).toBe(shippedSchemaText);
  });

  it('compiles under Ajv 2020-12 with strict: true', () => {
    expect(shippedSchema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(() => new Ajv2020({ strict: true }).compile(shippedSchema)).not.toThrow();
  });

  it('lists the keys the loader knows, mapping by mapping', () => {
    const keys = (node: Node | undefined) => Object.keys(resolve(node)?.properties ?? {});
    const auto = defs['target-auto'];
    const tags = settingOf(defs['target-backendai']!.properties!.tags);
    const discover = settingOf(defs['target-backendai']!.properties!.discover)?.anyOf?.[1];
    expect({
      root: Object.keys(shippedSchema.properties as object),
      target: keys(auto),
      discover: keys(discover),
      tagPolicy: keys(tags),
      latest: keys(settingOf(tags?.properties?.latest)),
      markerPolicy: keys(defs.markerPolicy),
      registrySettings: [...keys(defs.registrySettings).slice(0, -1), ...keys(defs.mirroredRegistry), 'insecure'],
      git: keys(settingOf((shippedSchema.properties as Record<string, Node>).git)),
      gitAuthor: keys(settingOf(settingOf((shippedSchema.properties as Record<string, Node>).git)?.properties?.author)),
      fleetRepository: keys(defs.fleetRepository),
      autodiscover: keys(defs.autodiscover),
    }).toEqual(Object.fromEntries(Object.entries(CONFIG_KEYS).map(([name, list]) => [name, [...list]])));
  });

  it('offers the formats the loader knows, one target mapping each', () => {
    const formats = Object.keys(defs)
      .filter((name) => name.startsWith('target-'))
      .map((name) => name.slice('target-'.length));
    expect(formats).toEqual([...CONFIG_ENUMS.format]);
    expect(settingOf(defs['target-backendai']!.properties!.digest)?.enum).toEqual([...CONFIG_ENUMS.digest]);
    expect(settingOf(defs['target-backendai']!.properties!.prune)?.enum).toEqual([...CONFIG_ENUMS.prune]);
    expect(settingOf(defs['target-image-refs']!.properties!.update)?.enum).toEqual([...CONFIG_ENUMS.update]);
  });

  it('names the code-only checks in the descriptions editors show', () => {
    const beyond = shippedSchemaText.match(/Checked by imgsync beyond this schema: [^"]*/g) ?? [];
    expect(beyond.join('\n')).toMatch(/compile as a JavaScript regular expression/);
    expect(beyond.join('\n')).toMatch(/range must parse/);
    expect(beyond.join('\n')).toMatch(/only on the docker\.io entry/);
    expect(beyond.join('\n')).toMatch(/no pattern may leave the repository/);
    expect(beyond.join('\n')).toMatch(/mirror of its own/);
  });

  it('has every code-only rule named in the README development notes', () => {
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    const notes = readme.slice(readme.indexOf('## Development notes'));
    const names = CODE_RULES.flatMap((rule) => rule.name.split(', ')).concat('secret-reference', 'no-token-in-file', 'one-entry-per-registry');
    expect(names.filter((name) => !notes.includes(`\`${name}\``))).toEqual([]);
  });

  it.each(readdirSync(validDir).sort())('accepts the example %s, as the loader does', async (name) => {
    expect(schemaErrors(readFileSync(join(validDir, name), 'utf8'))).toEqual([]);
    await expect(loadConfig({ path: join(validDir, name) })).resolves.toBeDefined();
  });
});
