/**
 * Backend.AI's companion `image-aliases.yml`:
 *
 * ```yaml
 * aliases:
 *   - ['python3',    'python:3.6-ubuntu']  # CodeOnWeb legacy
 * ```
 *
 * Nothing here is edited: an alias whose target tag no longer exists is reported, so a
 * person can decide what it should point to. A target exists when the registry has the
 * tag, or — when the target's `image-metadata.yml` is given — when the metadata has a live
 * entry for it (which covers `python:latest`, itself an alias there).
 */
import type { YamlFile } from '../../yaml/index.js';
import { imageRepository } from './repository-template.js';
import { readTagEntries } from './tag-entries.js';
import type { Change, ImageWant, StateLookup, TargetOptions } from '../types.js';

export interface ImageAlias {
  index: number;
  alias: string;
  /** Backend.AI image name, `python`. */
  name: string;
  /** `latest` when the target names no tag. */
  tag: string;
}

/** Whether `file` is an `image-aliases.yml`: `aliases:` holding string pairs. */
export function isImageAliasesFile(file: YamlFile): boolean {
  const aliases = file.getIn(['aliases']);
  return Array.isArray(aliases) && aliases.length > 0 && aliases.every(isStringPair);
}

function isStringPair(item: unknown): item is [string, string] {
  return Array.isArray(item) && item.length === 2 && typeof item[0] === 'string' && typeof item[1] === 'string';
}

export function readImageAliases(file: YamlFile): ImageAlias[] {
  const aliases = file.getIn(['aliases']);
  if (!Array.isArray(aliases)) return [];
  const out: ImageAlias[] = [];
  aliases.forEach((item, index) => {
    if (!isStringPair(item)) return;
    const [alias, targetText] = item;
    const colon = targetText.lastIndexOf(':');
    const name = colon < 0 ? targetText : targetText.slice(0, colon);
    const tag = colon < 0 ? 'latest' : targetText.slice(colon + 1);
    out.push({ index, alias, name, tag });
  });
  return out;
}

export function imageAliasWants(file: YamlFile, target: TargetOptions): ImageWant[] {
  const wants: ImageWant[] = [];
  for (const alias of readImageAliases(file)) {
    const repo = imageRepository(target.repository, alias.name);
    if ('want' in repo) wants.push(repo.want);
  }
  return wants;
}

/** Reports aliases whose target tag is gone; edits nothing. */
export function checkImageAliases(file: YamlFile, state: StateLookup, target: TargetOptions): Change[] {
  const metadataTags = target.imageMetadata ? liveTagsByName(target.imageMetadata) : undefined;
  const changes: Change[] = [];
  for (const alias of readImageAliases(file)) {
    const repo = imageRepository(target.repository, alias.name);
    const path = ['aliases', alias.index];
    if ('error' in repo) {
      changes.push({ file: file.path, path, image: alias.name, tag: alias.tag, kind: 'reported', message: `alias ${alias.alias}: ${repo.error}` });
      continue;
    }
    if (metadataTags?.get(alias.name)?.has(alias.tag)) continue;
    const repoState = state(repo.want);
    if (!repoState) {
      if (metadataTags) {
        changes.push({
          file: file.path,
          path,
          image: repo.image,
          tag: alias.tag,
          kind: 'reported',
          message: `alias ${alias.alias} points to ${alias.name}:${alias.tag}, which image-metadata does not list (no registry data to check further)`,
        });
      }
      continue;
    }
    if (repoState.tags.has(alias.tag)) continue;
    changes.push({
      file: file.path,
      path,
      image: repo.image,
      tag: alias.tag,
      kind: 'reported',
      message: `alias ${alias.alias} points to ${alias.name}:${alias.tag}, which no longer exists`,
    });
  }
  return changes;
}

/** Image name -> tags with a live entry (ids, placeholders and aliases) in image-metadata. */
function liveTagsByName(metadata: YamlFile): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const images = metadata.getIn(['images']);
  if (!Array.isArray(images)) return out;
  for (const image of images) {
    const name = (image as { name?: unknown })?.name;
    const tags = (image as { tags?: unknown })?.tags;
    if (typeof name !== 'string' || !Array.isArray(tags)) continue;
    const set = out.get(name) ?? new Set<string>();
    for (const entry of readTagEntries(tags).entries) set.add(entry.tag);
    out.set(name, set);
  }
  return out;
}
