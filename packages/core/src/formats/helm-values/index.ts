/**
 * Helm values (`format: helm-values`): `image: {registry, repository, tag, digest}` blocks
 * (Bitnami style) and `image: {repository, tag}`. The tag is bumped per policy (see
 * `../tag-bump.ts`); the digest is refreshed when the block has a non-empty one, and
 * written (into an existing `digest: ""` or a new `digest:` key) when the target pins.
 */
import type { YamlFile } from '../../yaml/index.js';
import { applyPairedEdits, type FieldEdit } from '../paired-edit.js';
import { uniqueWants } from '../image-want.js';
import { planReference } from '../tag-bump.js';
import type { Change, FormatAdapter, ImageWant, StateLookup, TargetOptions } from '../types.js';
import { findImageBlocks } from './find-image-blocks.js';

export const helmValuesFormat: FormatAdapter = {
  name: 'helm-values',

  /** Image blocks, in a file that is not a Kubernetes object (those have apiVersion and kind). */
  detect(file: YamlFile): boolean {
    const first = file.documents[0];
    if (!first || (first.getIn(['apiVersion']) !== undefined && first.getIn(['kind']) !== undefined)) return false;
    return findImageBlocks(file).some((block) => block.tag !== undefined);
  },

  wants(file: YamlFile): ImageWant[] {
    return uniqueWants(findImageBlocks(file).filter((block) => block.tag !== undefined).map((block) => block.want));
  },

  apply(file: YamlFile, state: StateLookup, target: TargetOptions): Change[] {
    const changes: Change[] = [];
    const multi = file.documents.length > 1;
    for (const block of findImageBlocks(file)) {
      if (block.tag === undefined) continue; // empty tag: the chart's appVersion decides
      const base: Change = { file: file.path, path: block.path, image: block.image, tag: block.tag, kind: 'reported' };
      if (multi) base.document = block.document;
      const repoState = state(block.want);
      if (!repoState) {
        changes.push({ ...base, message: `no registry data for ${block.image}; left alone` });
        continue;
      }
      const plan = planReference({ tag: block.tag, digest: block.digest }, repoState, target);
      for (const problem of plan.problems) changes.push({ ...base, message: `${block.image}:${block.tag}: ${problem}; left alone` });
      const field = (key: string, old: string | undefined, value: string | undefined): FieldEdit => ({
        path: [...block.path, key],
        old,
        value,
        kind: key === 'digest' && !block.hasDigest ? 'added' : old === undefined ? 'filled' : 'updated',
      });
      changes.push(
        ...applyPairedEdits(file.documents[block.document]!, base, [field('tag', block.tag, plan.tag), field('digest', block.digest, plan.digest)]),
      );
    }
    return changes;
  },
};
