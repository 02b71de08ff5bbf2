/** Reading tags out of the Backend.AI corpus (fixtures/corpus), for tests only. */
import { readdirSync } from 'node:fs';
import { corpusDir, corpusFile } from '@imgsync/test-helpers/fixtures.js';

export { corpusDir, corpusFile };

/** Backend.AI image-metadata files in the corpus. */
export function imageMetadataFiles(): string[] {
  return readdirSync(corpusDir).filter((name) => /^lablup__.*image-metadata@[0-9a-f]+\.yml$/.test(name));
}

/**
 * The live tag entries (`- ["tag", "value"]`, not commented out) of each image entry of a
 * Backend.AI file, in file order, keyed by image name.
 */
export function tagsByImage(text: string): Map<string, string[]> {
  const images = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of text.split(/\r?\n/)) {
    const name = /^\s*- name:\s*(\S+)/.exec(line);
    if (name?.[1]) {
      current = [];
      images.set(name[1], current);
      continue;
    }
    const tag = /^\s*- \[\s*["']([^"']+)["']\s*,/.exec(line);
    if (tag?.[1] && current) current.push(tag[1]);
  }
  return images;
}
