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
 * pins (kustomize itself reads `digest`). An entry without `newTag` has no tag to follow
 * and is left alone, and so is one the target's `ignore:` names (by `name` or `newName`)
 * or with `# imgsync: ignore` on one of its lines.
 */
import { isMap } from 'yaml';
import type { YamlFile } from '../../yaml/index.js';
import { frozenByComment, pairScalars } from '../ignore-comment.js';
import { applyPairedEdits, type FieldEdit } from '../paired-edit.js';
import { ignoredRepository, repositoryName, uniqueWants, wantOfRepository } from '../image-want.js';
import { heldMessage, planReference } from '../tag-bump.js';
import type { Change, FormatAdapter, ImageWant, StateLookup, TargetOptions } from '../types.js';
import { plainText } from '../../plain-text.js';

interface KustomizeImage {
  index: number;
  image: string;
  want: ImageWant;
  /** `want`, and the want of `name` when `newName` names another repository: for `ignore:`. */
  names: ImageWant[];
  newTag: string | undefined;
  digest: string | undefined;
  /** `# imgsync: ignore` on one of the entry's lines. */
  frozen: boolean;
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
  const text = file.toString();
  const out: KustomizeImage[] = [];
  images.forEach((entry, index) => {
    if (!entry || typeof entry !== 'object') return;
    const { name, newName } = entry as { name?: unknown; newName?: unknown };
    const repository = typeof newName === 'string' && newName !== '' ? newName : name;
    if (typeof repository !== 'string') return;
    const parsed = wantOfRepository(repository);
    if (!parsed) return;
    const tagNode = doc.getIn(['images', index, 'newTag'], true) as { source?: string; value?: unknown } | undefined;
    const newTag = typeof tagNode?.value === 'string' ? tagNode.value : tagNode?.value == null ? undefined : (tagNode.source ?? plainText(tagNode.value));
    const digest = (entry as { digest?: unknown }).digest;
    const named = typeof name === 'string' ? wantOfRepository(name) : undefined;
    const names = named ? uniqueWants([parsed.want, named.want]) : [parsed.want];
    const node = doc.getIn(['images', index], true);
    const frozen = isMap(node) && frozenByComment(text, pairScalars(node));
    out.push({
      index,
      image: repository,
      want: parsed.want,
      names,
      newTag: newTag || undefined,
      digest: typeof digest === 'string' && digest !== '' ? digest : undefined,
      frozen,
    });
  });
  return out;
}

/** The entries imgsync follows: with a `newTag`, not ignored, not frozen. */
function followed(file: YamlFile, target: TargetOptions): KustomizeImage[] {
  return kustomizeImages(file).filter((image) => image.newTag !== undefined && !image.frozen && !ignoredRepository(target, image.names));
}

export const kustomizeFormat: FormatAdapter<'kustomize'> = {
  name: 'kustomize',
  title: 'Kustomize',
  digestForms: ['manifest'],
  pins: true,
  movesTags: true,
  listsTags: false,
  namesPolicies: false,
  detectOrder: 20,

  /**
   * A kustomization with an `images:` entry, or any file whose `images:` entries carry a
   * `newTag` or `digest`. A kustomization without `images:` (only `resources:`, `patches:`)
   * has nothing for this format to follow, so it is not claimed.
   */
  detect(file: YamlFile): boolean {
    const images = kustomizeImages(file);
    return (isKustomization(file) && images.length > 0) || images.some((image) => image.newTag !== undefined || image.digest !== undefined);
  },

  wants(file: YamlFile, target: TargetOptions): ImageWant[] {
    return uniqueWants(followed(file, target).map((image) => image.want));
  },

  apply(file: YamlFile, state: StateLookup, target: TargetOptions): Change[] {
    const changes: Change[] = [];
    for (const image of followed(file, target)) {
      const path = ['images', image.index];
      const base: Change = { file: file.path, path, image: image.image, tag: image.newTag, kind: 'reported' };
      const repoState = state(image.want);
      if (!repoState) {
        changes.push({ ...base, message: `no registry data for ${image.image}; left alone` });
        continue;
      }
      const plan = planReference({ tag: image.newTag, digest: image.digest }, repoState, target, {
        names: image.names.map(repositoryName),
        addDigest: target.pin === true,
      });
      for (const problem of plan.problems) changes.push({ ...base, message: `${image.image}:${image.newTag}: ${problem}; left alone` });
      const edits: FieldEdit[] = [
        { path: [...path, 'newTag'], field: 'tag', old: image.newTag, value: plan.tag, kind: 'updated' },
        { path: [...path, 'digest'], field: 'digest', old: image.digest, value: plan.digest, kind: image.digest === undefined ? 'added' : 'updated' },
      ];
      const made = applyPairedEdits(file, base, edits, plan.tag);
      changes.push(...made);
      const tagNow = made.some((change) => change.kind !== 'reported') ? plan.tag : image.newTag;
      if (plan.held) changes.push({ ...base, tag: tagNow, message: heldMessage(image.image, plan.held) });
    }
    return changes;
  },
};
