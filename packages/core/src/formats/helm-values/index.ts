/**
 * Helm values (`format: helm-values`): `image: {registry, repository, tag, digest}` blocks
 * (Bitnami style) and `image: {repository, tag}`. The tag is bumped per policy (see
 * `../tag-bump.ts`); the digest is refreshed when the block has a non-empty one, and
 * filled into an empty `digest: ""` when the target pins. A block without a `digest` key
 * never gains one: only the chart knows whether it reads `image.digest` (podinfo's does
 * not), so pinning such a block is reported instead. A block the target's `ignore:`
 * names, or with `# imgsync: ignore` on its key line or one of its lines, is left alone.
 */
import type { YamlFile } from '../../yaml/index.js';
import { frozenByComment, pairScalars } from '../ignore-comment.js';
import { applyPairedEdits, type FieldEdit } from '../paired-edit.js';
import { ignoredRepository, repositoryName, uniqueWants } from '../image-want.js';
import { heldMessage, planReference } from '../tag-bump.js';
import type { Change, FormatAdapter, ImageWant, StateLookup, TargetOptions } from '../types.js';
import { findImageBlocks, type ImageBlock } from './find-image-blocks.js';

/** The blocks imgsync follows: with a tag (an empty one means the chart's appVersion), not ignored, not frozen. */
function followed(file: YamlFile, target: TargetOptions): ImageBlock[] {
  const text = file.toString();
  return findImageBlocks(file).filter(
    (block) => block.tag !== undefined && !ignoredRepository(target, block.names) && !frozenByComment(text, [block.keyNode, ...pairScalars(block.node)]),
  );
}

export const helmValuesFormat: FormatAdapter<'helm-values'> = {
  name: 'helm-values',
  title: 'Helm values',
  digestForms: ['manifest'],
  pins: true,
  pinLimit: 'only into a digest key the block has',
  movesTags: true,
  listsTags: false,
  namesPolicies: false,
  detectOrder: 40,

  /** Image blocks, in a file that is not a Kubernetes object (those have apiVersion and kind). */
  detect(file: YamlFile): boolean {
    const first = file.documents[0];
    if (!first || (first.getIn(['apiVersion']) !== undefined && first.getIn(['kind']) !== undefined)) return false;
    return findImageBlocks(file).some((block) => block.tag !== undefined);
  },

  wants(file: YamlFile, target: TargetOptions): ImageWant[] {
    return uniqueWants(followed(file, target).map((block) => block.want));
  },

  apply(file: YamlFile, state: StateLookup, target: TargetOptions): Change[] {
    const changes: Change[] = [];
    const multi = file.documents.length > 1;
    for (const block of followed(file, target)) {
      const base: Change = { file: file.path, path: block.path, image: block.image, tag: block.tag, kind: 'reported' };
      if (multi) base.document = block.document;
      const repoState = state(block.want);
      if (!repoState) {
        changes.push({ ...base, message: `no registry data for ${block.image}; left alone` });
        continue;
      }
      const plan = planReference({ tag: block.tag, digest: block.digest }, repoState, target, {
        names: block.names.map(repositoryName),
        addDigest: target.pin === true && block.hasDigest,
      });
      for (const problem of plan.problems) changes.push({ ...base, message: `${block.image}:${block.tag}: ${problem}; left alone` });
      const edits: FieldEdit[] = [
        { path: [...block.path, 'tag'], field: 'tag', old: block.tag, value: plan.tag, kind: 'updated' },
        {
          path: [...block.path, 'digest'],
          field: 'digest',
          old: block.digest ?? '',
          value: plan.digest,
          kind: block.digest === undefined ? 'filled' : 'updated',
        },
      ];
      const made = applyPairedEdits(file.documents[block.document]!, base, edits, plan.tag);
      changes.push(...made);
      const tagNow = made.some((change) => change.kind !== 'reported') ? plan.tag : block.tag;
      if (target.pin && !block.hasDigest) {
        changes.push({
          ...base,
          tag: tagNow,
          path: [...block.path],
          message: `${block.image}:${tagNow}: not pinned: the image block has no digest key (add digest: "" if the chart reads one)`,
        });
      }
      if (plan.held) changes.push({ ...base, tag: tagNow, message: heldMessage(block.image, plan.held) });
    }
    return changes;
  },
};
