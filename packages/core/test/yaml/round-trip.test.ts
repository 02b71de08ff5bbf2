import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseYaml } from '../../src/index.js';
import { corpusDir, corpusFiles, yamlTestSuiteDir } from '@imgsync/test-helpers/fixtures.js';

describe('parseYaml(text).toString()', () => {
  const corpus = corpusFiles();
  it('finds the whole corpus, listed in SOURCES.tsv', () => {
    const listed = readFileSync(join(corpusDir, 'SOURCES.tsv'), 'utf8')
      .split('\n')
      .slice(1)
      .filter(Boolean)
      .map((l) => l.split('\t')[0]);
    expect(corpus.length).toBeGreaterThanOrEqual(70);
    for (const { name } of corpus) expect(listed).toContain(name);
  });

  // Helm chart templates are Go templates, not YAML: they must still round-trip (with
  // allowErrors), and a strict parse must name where they stop being YAML.
  const templates = corpus.filter((f) => f.name.includes('__templates__'));
  const yamlFiles = corpus.filter((f) => !templates.includes(f));
  it.each(yamlFiles.map((f) => [f.name, f.text] as const))('returns corpus file %s byte for byte', (name, text) => {
    expect(parseYaml(text, { path: name }).toString()).toBe(text);
  });
  it.each(templates.map((f) => [f.name, f.text] as const))('returns template %s byte for byte and reports where it is not YAML', (name, text) => {
    const file = parseYaml(text, { path: name, allowErrors: true });
    expect(file.toString()).toBe(text);
    expect(file.errors.length).toBeGreaterThan(0);
    expect(() => parseYaml(text, { path: name })).toThrow(new RegExp(`^${name.replace(/[.]/g, '\\.')}:\\d+:\\d+: `));
  });

  const suite = readdirSync(yamlTestSuiteDir)
    .filter((n) => n.endsWith('.yaml'))
    .sort();
  it('covers the valid cases of the YAML test suite', () => {
    expect(suite.length).toBeGreaterThan(300);
  });
  it.each(suite)('returns yaml-test-suite case %s byte for byte', (name) => {
    const text = readFileSync(join(yamlTestSuiteDir, name), 'utf8');
    expect(parseYaml(text, { path: name }).toString()).toBe(text);
  });
});
