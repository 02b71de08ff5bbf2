/**
 * Helm values (`format: helm-values`): `image: {registry, repository, tag, digest}` blocks
 * (Bitnami style) and `image: {repository, tag}`. The tag is bumped per policy (see
 * `../tag-bump.ts`); the digest is refreshed when the block has a non-empty one, and
 * written (into an existing `digest: ""` or a new `digest:` key) when the target pins.
 */
import type { YamlFile } from '../../yaml/index.js';
import { guardedEdit } from '../guarded-edit.js';
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
      const doc = file.documents[block.document]!;
      const edits: [string, string | undefined, string | undefined][] = [
        ['tag', block.tag, plan.tag],
        ['digest', block.digest, plan.digest],
      ];
      const done: Change[] = [];
      for (const [key, old, value] of edits) {
        if (value === undefined || value === old) continue;
        const path = [...block.path, key];
        const outcome = guardedEdit(() => doc.setIn(path, value));
        if (!outcome.ok) {
          // a tag and its digest move together: undo the tag when its digest cannot follow
          for (const undone of done) doc.setIn(undone.path, undone.old ?? '');
          done.length = 0;
          changes.push({ ...base, path, message: outcome.message });
          break;
        }
        const kind = key === 'digest' && !block.hasDigest ? 'added' : old === undefined ? 'filled' : 'updated';
        done.push(kind === 'added' ? { ...base, path, kind, new: value } : { ...base, path, kind, old: old ?? '', new: value });
      }
      changes.push(...done);
    }
    return changes;
  },
};
