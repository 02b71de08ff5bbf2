/**
 * Every config the documentation shows is one the loader accepts, and the JSON Schema
 * (Ajv, strict, on the shipped schema) agrees: each YAML/JSON block of README.md (and of the READMEs under examples/), and each
 * config file under examples/ and deploy/ (`imgsync.config.*`, or any YAML with top-level
 * `targets:`).
 *
 * A README block that is not a config at all (a before/after excerpt of an image list, a
 * GitHub workflow) says so on the line before its fence:
 * `<!-- not an imgsync config: a GitHub Actions workflow -->`. Such a block must not have
 * a top-level `targets:`, so the marker cannot hide a config that stopped loading.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFIG_ENUMS, CONFIG_KEYS, loadConfig } from '../../packages/core/src/config/index.js';
import { schemaErrors } from '../../packages/core/test/config/helpers/shipped-schema.js';
import { repoRoot } from '@imgsync/test-helpers/fixtures.js';

const NOT_A_CONFIG = /^<!--\s*not an imgsync config:\s*\S[^>]*-->\s*$/;
const TOP_LEVEL_TARGETS = /^targets\s*:/m;

interface Block {
  /** `README.md:62` */
  where: string;
  text: string;
  json: boolean;
  notAConfig: boolean;
}

/** The ```yaml / ```yml / ```json blocks of a Markdown file, with the line their fence is on. */
export function configBlocks(markdownPath: string): Block[] {
  const lines = readFileSync(markdownPath, 'utf8').split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const fence = /^```(yaml|yml|json)\s*$/.exec(lines[i]!);
    if (!fence) continue;
    const end = lines.indexOf('```', i + 1);
    if (end < 0) throw new Error(`${markdownPath}:${i + 1}: unclosed code block`);
    blocks.push({
      where: `${relative(repoRoot, markdownPath)}:${i + 1}`,
      text: `${lines.slice(i + 1, end).join('\n')}\n`,
      json: fence[1] === 'json',
      notAConfig: i > 0 && NOT_A_CONFIG.test(lines[i - 1]!),
    });
    i = end;
  }
  return blocks;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

const exampleFiles = ['examples', 'deploy'].flatMap((dir) => filesUnder(join(repoRoot, dir)));
const markdown = [join(repoRoot, 'README.md'), ...exampleFiles.filter((path) => path.endsWith('.md'))];
const blocks = markdown.flatMap(configBlocks);
const configFiles = exampleFiles.filter(
  (path) => /(^|\/)imgsync\.config\.(ya?ml|json)$/.test(path) || (/\.ya?ml$/.test(path) && TOP_LEVEL_TARGETS.test(readFileSync(path, 'utf8'))),
);

describe('configs in the documentation', () => {
  it('finds the README configuration reference and the example configs', () => {
    const reference = blocks.filter(
      (b) => !b.notAConfig && b.where.startsWith('README.md:') && b.text.startsWith('targets:                         # required'),
    );
    expect(reference).toHaveLength(1);
    expect(configFiles.map((path) => relative(repoRoot, path))).toContain('examples/backend.ai/imgsync.config.yaml');
  });

  it.each(blocks.filter((b) => b.notAConfig).map((b) => [b.where, b] as const))('%s, marked as not a config, has no top-level targets:', (_where, block) => {
    expect(block.text).not.toMatch(TOP_LEVEL_TARGETS);
  });

  it.each(blocks.filter((b) => !b.notAConfig).map((b) => [b.where, b] as const))(
    '%s loads with the real loader, and the schema agrees',
    async (where, block) => {
      const path = join(repoRoot, block.json ? 'imgsync.config.json' : 'imgsync.config.yaml');
      await expect(loadConfig({ path, text: block.text, cwd: repoRoot }), where).resolves.toBeDefined();
      expect(schemaErrors(block.text)).toEqual([]);
    },
  );

  it.each(configFiles.map((path) => [relative(repoRoot, path), path] as const))('%s loads with the real loader, and the schema agrees', async (_name, path) => {
    await expect(loadConfig({ path })).resolves.toBeDefined();
    expect(schemaErrors(readFileSync(path, 'utf8'))).toEqual([]);
  });
});

describe('the README configuration reference', () => {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Configuration reference'), readme.indexOf('\n## ', readme.indexOf('## Configuration reference') + 5));
  const reference = blocks.find((b) => !b.notAConfig && b.where.startsWith('README.md:') && b.text.startsWith('targets:'))!.text;

  it('shows every setting the definition has', () => {
    const keys = [...new Set(Object.values(CONFIG_KEYS).flat())].filter((key) => key !== '$schema');
    const missing = keys.filter((key) => !new RegExp(`(^|[\\s{,#])${key.replace('$', '\\$')}:`, 'm').test(reference));
    expect(missing).toEqual([]);
    expect(section).toContain('`$schema`');
  });

  it('lists the values of each enumeration as the definition has them', () => {
    const listed: Record<string, string[]> = {};
    for (const line of reference.split('\n')) {
      const setting = /^\s*(?:- )?([A-Za-z]+):[^#]*#\s*(.*)$/.exec(line);
      const values = setting && /[\w-]+(?:\s*\|\s*[\w-]+)+/.exec(setting[2]!);
      if (setting && values)
        listed[setting[1]!] = values[0]
          .split('|')
          .map((value) => value.trim())
          .sort();
    }
    const enums = Object.fromEntries(Object.entries(CONFIG_ENUMS).map(([name, values]) => [name, [...values].sort()]));
    expect(listed).toEqual(enums);
  });
});
