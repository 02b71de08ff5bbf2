/**
 * Generic image references (`format: image-refs`): `[registry/]repository[:tag][@digest]`
 * strings in Kubernetes manifests, compose files, GitHub workflows and multi-document
 * streams. See `find-references.ts` for which strings count and `../tag-bump.ts` for how
 * tags move and digests are pinned.
 */
import { formatImageRef, withDigest, withTag } from '../../image-ref/parse.js';
import type { YamlFile } from '../../yaml/index.js';
import { guardedEdit } from '../guarded-edit.js';
import { uniqueWants, wantOf } from '../image-want.js';
import { planReference } from '../tag-bump.js';
import type { Change, FormatAdapter, ImageWant, StateLookup, TargetOptions } from '../types.js';
import { findReferences } from './find-references.js';

export const imageRefsFormat: FormatAdapter = {
  name: 'image-refs',

  detect(file: YamlFile): boolean {
    return findReferences(file).length > 0;
  },

  wants(file: YamlFile): ImageWant[] {
    return uniqueWants(findReferences(file).filter(({ ref }) => ref.tag !== undefined).map(({ ref }) => wantOf(ref)));
  },

  apply(file: YamlFile, state: StateLookup, target: TargetOptions): Change[] {
    const changes: Change[] = [];
    const multi = file.documents.length > 1;
    for (const { site, ref } of findReferences(file)) {
      const image = ref.registry === undefined ? ref.repository : `${ref.registry}/${ref.repository}`;
      const base: Change = { file: file.path, path: site.path, image, kind: 'reported' };
      if (multi) base.document = site.document;
      if (ref.tag !== undefined) base.tag = ref.tag;
      if (ref.tag === undefined) continue; // digest only: nothing says which tag it follows
      const repoState = state(wantOf(ref));
      if (!repoState) {
        changes.push({ ...base, message: `no registry data for ${image}; left alone` });
        continue;
      }
      const plan = planReference({ tag: ref.tag, digest: ref.digest }, repoState, target);
      for (const problem of plan.problems) changes.push({ ...base, message: `${site.text}: ${problem}; left alone` });
      let next = plan.tag === ref.tag ? ref : withTag(ref, plan.tag!);
      if (plan.digest !== undefined) next = withDigest(next, plan.digest);
      const value = formatImageRef(next);
      if (value === site.text) continue;
      const outcome = guardedEdit(() => file.documents[site.document]!.setIn(site.path, value));
      if (!outcome.ok) {
        changes.push({ ...base, message: outcome.message });
        continue;
      }
      changes.push({ ...base, kind: 'updated', old: site.text, new: value });
    }
    return changes;
  },
};
