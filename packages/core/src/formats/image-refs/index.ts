/**
 * Generic image references (`format: image-refs`): `[registry/]repository[:tag][@digest]`
 * strings in Kubernetes manifests, compose files, GitHub workflows and multi-document
 * streams. See `find-references.ts` for which strings count and `../tag-bump.ts` for how
 * tags move and digests are pinned. A reference the target's `ignore:` names, or one
 * followed by `# imgsync: ignore`, is neither asked about nor touched.
 */
import { formatImageRef, withDigest, withTag } from '../../image-ref/parse.js';
import type { YamlFile } from '../../yaml/index.js';
import { guardedEdit } from '../guarded-edit.js';
import { frozenByComment } from '../ignore-comment.js';
import { ignoredRepository, repositoryName, uniqueWants, wantOf } from '../image-want.js';
import { heldMessage, planReference } from '../tag-bump.js';
import type { Change, FormatAdapter, ImageWant, StateLookup, TargetOptions } from '../types.js';
import { findReferences, type ReferenceSite } from './find-references.js';

/** The references imgsync follows: with a tag, not ignored, not frozen. */
function followed(file: YamlFile, target: TargetOptions): ReferenceSite[] {
  const text = file.toString();
  return findReferences(file).filter(
    ({ site, ref }) => ref.tag !== undefined && !ignoredRepository(target, [wantOf(ref)]) && !frozenByComment(text, [site.node]),
  );
}

/** `7.16.1`, `6.15.0@sha256:…`: what follows the repository. */
function version(tag: string | undefined, digest: string | undefined): string {
  return `${tag ?? ''}${digest ? `@${digest}` : ''}`;
}

export const imageRefsFormat: FormatAdapter<'image-refs'> = {
  name: 'image-refs',
  title: 'image reference',
  digestForms: ['manifest'],
  pins: true,
  movesTags: true,
  listsTags: false,
  namesPolicies: false,
  detectOrder: 90,

  detect(file: YamlFile): boolean {
    return findReferences(file).length > 0;
  },

  wants(file: YamlFile, target: TargetOptions): ImageWant[] {
    return uniqueWants(followed(file, target).map(({ ref }) => wantOf(ref)));
  },

  apply(file: YamlFile, state: StateLookup, target: TargetOptions): Change[] {
    const changes: Change[] = [];
    const multi = file.documents.length > 1;
    for (const { site, ref } of followed(file, target)) {
      const image = ref.registry === undefined ? ref.repository : `${ref.registry}/${ref.repository}`;
      const base: Change = { file: file.path, path: site.path, image, tag: ref.tag!, kind: 'reported' };
      if (multi) base.document = site.document;
      const repoState = state(wantOf(ref));
      if (!repoState) {
        changes.push({ ...base, message: `no registry data for ${image}; left alone` });
        continue;
      }
      const plan = planReference({ tag: ref.tag, digest: ref.digest }, repoState, target, {
        names: [repositoryName(wantOf(ref))],
        addDigest: target.pin === true,
      });
      for (const problem of plan.problems) changes.push({ ...base, message: `${site.text}: ${problem}; left alone` });
      let next = plan.tag === ref.tag ? ref : withTag(ref, plan.tag!);
      if (plan.digest !== undefined) next = withDigest(next, plan.digest);
      const value = formatImageRef(next);
      const after = { ...base, tag: next.tag! };
      if (value !== site.text) {
        const outcome = guardedEdit(() => file.documents[site.document]!.setIn(site.path, value));
        if (!outcome.ok) {
          changes.push({ ...base, message: outcome.message });
          continue;
        }
        changes.push(
          next.tag !== ref.tag
            ? { ...after, kind: 'updated', field: 'tag', old: version(ref.tag, ref.digest), new: version(next.tag, next.digest) }
            : ref.digest === undefined
              ? { ...after, kind: 'added', field: 'digest', new: next.digest! }
              : { ...after, kind: 'updated', field: 'digest', old: ref.digest, new: next.digest! },
        );
      }
      if (plan.held) changes.push({ ...after, message: heldMessage(image, plan.held) });
    }
    return changes;
  },
};
