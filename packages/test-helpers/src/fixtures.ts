/** Paths to the real-data fixtures copied from shared/ (see scripts/sync-fixtures.sh). */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '../../..');
export const corpusDir = join(repoRoot, 'fixtures/corpus');
export const yamlTestSuiteDir = join(repoRoot, 'fixtures/yaml-test-suite');

/** Every YAML file of the corpus, with its text. */
export function corpusFiles(filter: (name: string) => boolean = () => true): { name: string; text: string }[] {
  return readdirSync(corpusDir)
    .filter((name) => /\.ya?ml$/.test(name) && filter(name))
    .sort()
    .map((name) => ({ name, text: readFileSync(join(corpusDir, name), 'utf8') }));
}

export function corpusFile(name: string): string {
  return readFileSync(join(corpusDir, name), 'utf8');
}

/** The Backend.AI reference file used across tests. */
export const backendAiFile = 'lablup__backend.ai-manager__sample-configs__image-metadata@61344624.yml';
