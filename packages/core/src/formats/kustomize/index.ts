/**
 * Kustomize (`format: kustomize`): the `images:` list of a kustomization,
 *
 * ```yaml
 * images:
 *   - name: ghcr.io/stefanprodan/podinfo   # the image as the resources name it
 *     newName: registry.example.com/podinfo # optional: where it really comes from
 *     newTag: 6.14.1
 *     digest: sha256:…                      # optional; kustomize prefers it to newTag
 * ```
 *
 * The repository asked about is `newName`, else `name`. `newTag` is bumped per policy
 * (see `../tag-bump.ts`); `digest` is refreshed when present and added when the target
 * pins. An entry without `newTag` has no tag to follow and is left alone.
 */
import type { YamlFile } from '../../yaml/index.js';
import { applyPairedEdits, type FieldEdit } from '../paired-edit.js';
import { uniqueWants, wantOfRepository } from '../image-want.js';
import { planReference } from '../tag-bump.js';
import type { Change, FormatAdapter, ImageWant, StateLookup, TargetOptions } from '../types.js';

interface KustomizeImage {
  index: number;
  image: string;
  want: ImageWant;
  newTag: string | undefined;
  digest: string | undefined;
}

function isKustomization(file: YamlFile): boolean {
  const apiVersion = file.getIn(['apiVersion']);
  const kind = file.getIn(['kind']);
  return kind === 'Kustomization' && (apiVersion === undefined || (typeof apiVersion === 'string' && apiVersion.startsWith('kustomize.config.k8s.io/')));
}

/** Reads `images:`; a numeric `newTag: 1.10` is read as written, not as 1.1. */
function kustomizeImages(file: YamlFile): KustomizeImage[] {
  const images = file.getIn(['images']);
  if (!Array.isArray(images)) return [];
  const doc = file.documents[0]!.composed();
  const out: KustomizeImage[] = [];
  images.forEach((entry, index) => {
    if (!entry || typeof entry !== 'object') return;
    const { name, newName } = entry as { name?: unknown; newName?: unknown };
    const repository = typeof newName === 'string' && newName !== '' ? newName : name;
    if (typeof repository !== 'string') return;
    const parsed = wantOfRepository(repository);
    if (!parsed) return;
    const tagNode = doc.getIn(['images', index, 'newTag'], true) as { source?: string; value?: unknown } | undefined;
    const newTag = typeof tagNode?.value === 'string' ? tagNode.value : tagNode?.value == null ? undefined : (tagNode.source ?? String(tagNode.value));
    const digest = (entry as { digest?: unknown }).digest;
    out.push({ index, image: repository, want: parsed.want, newTag: newTag || undefined, digest: typeof digest === 'string' && digest !== '' ? digest : undefined });
  });
  return out;
}

export const kustomizeFormat: FormatAdapter = {
  name: 'kustomize',

  /**
   * A kustomization with an `images:` entry, or any file whose `images:` entries carry a
   * `newTag` or `digest`. A kustomization without `images:` (only `resources:`, `patches:`)
   * has nothing for this format to follow, so it is not claimed.
   */
  detect(file: YamlFile): boolean {
    const images = kustomizeImages(file);
    return (isKustomization(file) && images.length > 0) || images.some((image) => image.newTag !== undefined || image.digest !== undefined);
  },

  wants(file: YamlFile): ImageWant[] {
    return uniqueWants(kustomizeImages(file).filter((image) => image.newTag !== undefined).map((image) => image.want));
  },

  apply(file: YamlFile, state: StateLookup, target: TargetOptions): Change[] {
    const changes: Change[] = [];
    for (const image of kustomizeImages(file)) {
      if (image.newTag === undefined) continue;
      const path = ['images', image.index];
      const base: Change = { file: file.path, path, image: image.image, tag: image.newTag, kind: 'reported' };
      const repoState = state(image.want);
      if (!repoState) {
        changes.push({ ...base, message: `no registry data for ${image.image}; left alone` });
        continue;
      }
      const plan = planReference({ tag: image.newTag, digest: image.digest }, repoState, target);
      for (const problem of plan.problems) changes.push({ ...base, message: `${image.image}:${image.newTag}: ${problem}; left alone` });
      const field = (key: string, old: string | undefined, value: string | undefined): FieldEdit => ({
        path: [...path, key],
        old,
        value,
        kind: old === undefined ? 'added' : 'updated',
      });
      changes.push(...applyPairedEdits(file, base, [field('newTag', image.newTag, plan.tag), field('digest', image.digest, plan.digest)]));
    }
    return changes;
  },
};
