/**
 * The Backend.AI image metadata format (`image-metadata.yml`), the reference format:
 *
 * ```yaml
 * images:
 *   - name: python
 *     tags:
 *       - ["latest",     ":3.6-ubuntu"]   # alias to another tag
 *       - ["3.6-ubuntu", "ca7b9f52b6c2"]  # tag -> 12-hex image id
 *       - ["2.0-py36", "x"]               # placeholder: not built yet
 * ```
 *
 * and its companion `image-aliases.yml` (`aliases: [['python3', 'python:3.6-ubuntu']]`).
 * See `readme.md` for what `apply` does to each kind of entry.
 */
import type { YamlFile } from '../../yaml/index.js';
import { uniqueWants } from '../image-want.js';
import type { Change, FormatAdapter, ImageWant, StateLookup, TargetOptions } from '../types.js';
import { lineIndex } from '../../yaml/line-index.js';
import { commentedEntries } from './commented-entries.js';
import { checkImageAliases, imageAliasWants, isImageAliasesFile } from './image-aliases.js';
import { addImageEntry, imageNames } from './new-entry.js';
import { imageRepository } from './repository-template.js';
import { readTagEntries } from './tag-entries.js';
import { updateImage } from './update-image.js';

interface ImageEntry {
  index: number;
  name: string;
  tags: unknown[];
}

function imageEntries(file: YamlFile): ImageEntry[] {
  const images = file.getIn(['images']);
  if (!Array.isArray(images)) return [];
  const out: ImageEntry[] = [];
  images.forEach((image, index) => {
    const name = (image as { name?: unknown } | null)?.name;
    const tags = (image as { tags?: unknown } | null)?.tags;
    if (typeof name === 'string' && Array.isArray(tags)) out.push({ index, name, tags });
  });
  return out;
}

/** `images:` entries with a `tags:` list of pairs. */
function isImageMetadataFile(file: YamlFile): boolean {
  const entries = imageEntries(file);
  return entries.length > 0 && entries.some((entry) => entry.tags.some((tag) => Array.isArray(tag) && tag.length === 2));
}

export const backendAiFormat: FormatAdapter<'backendai'> = {
  name: 'backendai',
  title: 'Backend.AI',
  digestForms: ['image-id-12', 'image-id', 'manifest'],
  pins: false,
  movesTags: false,
  listsTags: true,
  namesPolicies: false,
  detectOrder: 10,

  detect(file: YamlFile): boolean {
    return isImageMetadataFile(file) || isImageAliasesFile(file);
  },

  wants(file: YamlFile, target: TargetOptions): ImageWant[] {
    if (!isImageMetadataFile(file) && isImageAliasesFile(file)) return uniqueWants(imageAliasWants(file, target));
    const wants: ImageWant[] = [];
    for (const entry of imageEntries(file)) {
      const repo = imageRepository(target.repository, entry.name);
      if ('want' in repo) wants.push(repo.want);
    }
    return uniqueWants(wants);
  },

  apply(file: YamlFile, state: StateLookup, target: TargetOptions): Change[] {
    if (!isImageMetadataFile(file) && isImageAliasesFile(file)) return checkImageAliases(file, state, target);
    const changes: Change[] = [];
    const images = imageEntries(file);
    const document = file.documents[0];
    const text = file.toString();
    const lineOf = lineIndex(text);
    const commented = document
      ? new Map(images.map((image) => [image.index, commentedEntries(document.composed(), text, image.index, lineOf)]))
      : new Map<number, ReturnType<typeof commentedEntries>>();
    for (const image of images) {
      const repo = imageRepository(target.repository, image.name);
      const path = ['images', image.index, 'tags'];
      if ('error' in repo) {
        changes.push({ file: file.path, path, image: image.name, kind: 'reported', message: repo.error });
        continue;
      }
      const repoState = state(repo.want);
      if (!repoState) {
        changes.push({
          file: file.path,
          path,
          image: repo.image,
          kind: 'reported',
          code: 'missing-repository',
          message: `no registry data for ${repo.image}: the registry has no such repository; the entry ${image.name} is left alone`,
        });
        continue;
      }
      const { entries, skipped } = readTagEntries(image.tags);
      for (const index of skipped) {
        changes.push({
          file: file.path,
          path: [...path, index],
          image: repo.image,
          kind: 'reported',
          message: `${repo.image}: entry ${index} is not a ["tag", "value"] pair of strings; left alone`,
        });
      }
      changes.push(
        ...updateImage({
          file,
          imageIndex: image.index,
          image: repo.image,
          entries,
          length: image.tags.length,
          commented: commented.get(image.index) ?? [],
          state: repoState,
          target,
        }),
      );
    }
    return changes;
  },

  discovery: {
    entryNames: (file) => (isImageMetadataFile(file) ? imageNames(file) : undefined),
    addEntry: addImageEntry,
  },
};
