/**
 * Markers (`format: markers`): any scalar followed by a Flux setter comment
 * `# {"$imagepolicy": "ns:name[:tag|:name|:digest]"}` or `# imgsync: name[:tag|:name|:digest]`
 * is set from the named policy in the target's `policies`. Unlike the other formats, the
 * policy is explicit, so the newest accepted tag is written as Flux does, without the
 * same-shape rule of `../tag-bump.ts`, but within the target's update level (see
 * `choose-tag.ts`). A policy whose repository the target's `ignore:` names is left alone.
 *
 * A marker naming a policy the target does not define is a configuration mistake, not
 * something to report and skip: `apply` throws a {@link FormatError} at the marker's line
 * and column, so the file is left untouched and `check` cannot say "up to date".
 */
import { FormatError } from '../../errors.js';
import { digestForm } from '../../policy/digest-form.js';
import { type ImageRef, formatImageRef, parseImageRef, withDigest, withTag } from '../../image-ref/parse.js';
import { effectiveUpdateLevel } from '../../policy/update-level.js';
import { lineIndex } from '../../yaml/line-index.js';
import type { YamlFile } from '../../yaml/index.js';
import { guardedEdit } from '../guarded-edit.js';
import { ignoredRepository, repositoryName, uniqueWants, wantOfRepository } from '../image-want.js';
import { heldMessage } from '../tag-bump.js';
import type { Change, FormatAdapter, ImageWant, StateLookup, TargetOptions } from '../types.js';
import { chooseMarkerTag, heldVersion } from './choose-tag.js';
import { type Marker, findMarkers } from './find-markers.js';

function policyWant(target: TargetOptions, name: string) {
  const policy = target.policies?.[name];
  if (!policy?.repository) return undefined;
  const parsed = wantOfRepository(policy.repository);
  return parsed ? { policy, repository: policy.repository, ...parsed } : undefined;
}

export const markersFormat: FormatAdapter<'markers'> = {
  name: 'markers',
  title: 'setter marker',
  digestForms: ['manifest'],
  pins: true,
  movesTags: true,
  listsTags: false,
  namesPolicies: true,
  detectOrder: 30,

  detect(file: YamlFile): boolean {
    return findMarkers(file).length > 0;
  },

  wants(file: YamlFile, target: TargetOptions): ImageWant[] {
    const wants: ImageWant[] = [];
    for (const marker of findMarkers(file)) {
      const found = policyWant(target, marker.policy);
      if (found && !ignoredRepository(target, [found.want])) wants.push(found.want);
    }
    return uniqueWants(wants);
  },

  apply(file: YamlFile, state: StateLookup, target: TargetOptions): Change[] {
    const changes: Change[] = [];
    const multi = file.documents.length > 1;
    const markers = findMarkers(file);
    checkPoliciesDefined(file, markers, target);
    for (const marker of markers) {
      const { site } = marker;
      const base: Change = { file: file.path, path: site.path, image: marker.policy, kind: 'reported' };
      if (multi) base.document = site.document;
      const found = policyWant(target, marker.policy);
      if (!found) {
        changes.push({ ...base, message: `marker "${marker.comment}" names policy ${marker.policy}, whose repository is not a repository name; left alone` });
        continue;
      }
      if (ignoredRepository(target, [found.want])) continue;
      const { repository } = found;
      base.image = repository;
      const current = heldVersion(marker, markers);
      if (current !== undefined) base.tag = current;
      const repoState = state(found.want);
      if (!repoState) {
        changes.push({ ...base, message: `no registry data for ${repository}; left alone` });
        continue;
      }
      const policy = found.policy.tagPolicy ?? target.tagPolicy;
      const level = effectiveUpdateLevel(target.update, policy);
      const choice = chooseMarkerTag(marker, current, repoState, policy, level, { repository, names: [repositoryName(found.want)], target });
      if (!choice.ok) {
        changes.push({ ...base, message: choice.message });
        continue;
      }
      const value = markedValue(marker, repository, choice.tag.tag, choice.tag, target);
      if ('error' in value) {
        changes.push({ ...base, message: value.error });
        continue;
      }
      const after: Change = { ...base, tag: choice.tag.tag };
      if (value.value !== site.text) {
        const outcome = guardedEdit(() => file.documents[site.document]!.setIn(site.path, value.value));
        if (!outcome.ok) {
          changes.push({ ...base, message: outcome.message });
          continue;
        }
        changes.push({ ...after, kind: 'updated', ...labelOf(marker, site.text, value.value) });
      }
      if (choice.held) changes.push({ ...after, message: heldMessage(repository, choice.held) });
    }
    return changes;
  },
};

/** Throws at the first marker whose policy the target does not define, counting the others. */
function checkPoliciesDefined(file: YamlFile, markers: readonly Marker[], target: TargetOptions): void {
  const undefinedMarkers = markers.filter((marker) => !target.policies?.[marker.policy]);
  const first = undefinedMarkers[0];
  if (!first) return;
  const defined = Object.keys(target.policies ?? {});
  const names = [...new Set(undefinedMarkers.map((marker) => marker.policy))];
  // `flux-system:podinfo` written as `podinfo` in the config is the likely mistake
  const short = defined.find((name) => first.policy.endsWith(`:${name}`));
  const hint = short
    ? `; the configuration has "${short}": name it "${first.policy}", as the marker does`
    : `; add ${names.map((name) => JSON.stringify(name)).join(', ')} to the target's policies (imgsync init FILE writes one per marker)`;
  const others =
    undefinedMarkers.length > 1 ? ` (and ${undefinedMarkers.length - 1} more marker${undefinedMarkers.length > 2 ? 's' : ''} naming undefined policies)` : '';
  throw new FormatError(
    file.path,
    `marker # ${first.comment} names policy ${first.policy}, which the configuration does not define${others}${hint}; ` +
      `defined: ${defined.length ? defined.join(', ') : 'none'}; nothing in this file was changed`,
    lineIndex(file.toString())(first.site.node.range?.[0] ?? 0),
  );
}

/** `field`, `old` and `new` of a marker's edit (see `Change.field`). */
function labelOf(marker: Marker, old: string, value: string): Pick<Change, 'field' | 'old' | 'new'> {
  switch (marker.field) {
    case 'tag':
      return { field: 'tag', old, new: value };
    case 'digest':
      return { field: 'digest', old, new: value };
    case 'name':
      return { old, new: value };
    case 'ref': {
      const before = parseImageRef(old);
      const next = parseImageRef(value)!;
      if (!before || before.domain !== next.domain || before.path !== next.path) return { old, new: value };
      if (before.tag !== next.tag) return { field: 'tag', old: versionOf(before), new: versionOf(next) };
      return { field: 'digest', ...(before.digest && { old: before.digest }), new: next.digest ?? '' };
    }
  }
}

/** `5.0.3`, `5.0.3@sha256:…`: what follows the repository. */
function versionOf(ref: ImageRef): string {
  return `${ref.tag ?? ''}${ref.digest ? `@${ref.digest}` : ''}`;
}

/** What the marked scalar should say for the policy's newest tag. */
function markedValue(
  marker: Marker,
  repository: string,
  tag: string,
  tagState: Parameters<typeof digestForm>[0],
  target: TargetOptions,
): { value: string } | { error: string } {
  const digest = () => digestForm(tagState, 'manifest');
  switch (marker.field) {
    case 'tag':
      return { value: tag };
    case 'name':
      return { value: repository };
    case 'digest': {
      const result = digest();
      return result.ok ? { value: result.value } : { error: `${repository}:${tag}: ${result.message}; left alone` };
    }
    case 'ref': {
      // keep the spelling written in the file when it names the same repository
      const written = parseImageRef(marker.site.text);
      const policyRef = parseImageRef(repository)!;
      const sameRepository = written && written.domain === policyRef.domain && written.path === policyRef.path;
      let ref = withTag(sameRepository ? written : policyRef, tag);
      if ((written?.digest !== undefined && sameRepository) || target.pin) {
        const result = digest();
        if (!result.ok) return { error: `${repository}:${tag}: ${result.message}; left alone` };
        ref = withDigest(ref, result.value);
      }
      return { value: formatImageRef(ref) };
    }
  }
}
