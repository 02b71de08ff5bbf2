/**
 * Markers (`format: markers`): any scalar followed by a Flux setter comment
 * `# {"$imagepolicy": "ns:name[:tag|:name|:digest]"}` or `# imgsync: name[:tag|:name|:digest]`
 * is set from the named policy in the target's `policies`. Unlike the other formats, the
 * policy is explicit, so the newest accepted tag is written as Flux does, without the
 * same-shape rule of `../tag-bump.ts`.
 *
 * A marker naming a policy the target does not define is a configuration mistake, not
 * something to report and skip: `apply` throws a {@link FormatError} at the marker's line
 * and column, so the file is left untouched and `check` cannot say "up to date".
 */
import { FormatError } from '../../errors.js';
import { digestForm } from '../../policy/digest-form.js';
import { formatImageRef, parseImageRef, withDigest, withTag } from '../../image-ref/parse.js';
import type { YamlFile } from '../../yaml/index.js';
import { guardedEdit } from '../guarded-edit.js';
import { uniqueWants, wantOfRepository } from '../image-want.js';
import { registryTags } from '../registry-tags.js';
import type { Change, FormatAdapter, ImageWant, StateLookup, TargetOptions } from '../types.js';
import { type Marker, findMarkers } from './find-markers.js';

function policyWant(target: TargetOptions, name: string) {
  const policy = target.policies?.[name];
  if (!policy) return undefined;
  const parsed = wantOfRepository(policy.repository);
  return parsed ? { policy, ...parsed } : undefined;
}

export const markersFormat: FormatAdapter = {
  name: 'markers',

  detect(file: YamlFile): boolean {
    return findMarkers(file).length > 0;
  },

  wants(file: YamlFile, target: TargetOptions): ImageWant[] {
    const wants: ImageWant[] = [];
    for (const marker of findMarkers(file)) {
      const found = policyWant(target, marker.policy);
      if (found) wants.push(found.want);
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
      base.image = found.policy.repository;
      const repoState = state(found.want);
      if (!repoState) {
        changes.push({ ...base, message: `no registry data for ${found.policy.repository}; left alone` });
        continue;
      }
      const newest = (found.policy.tagPolicy ?? target.tagPolicy).newest(registryTags(repoState));
      if (!newest) {
        changes.push({ ...base, message: `policy ${marker.policy} accepts none of ${found.policy.repository}'s tags; left alone` });
        continue;
      }
      base.tag = newest.name;
      const value = markedValue(marker, found.policy.repository, newest.name, newest.state, target);
      if ('error' in value) {
        changes.push({ ...base, message: value.error });
        continue;
      }
      if (value.value === site.text) continue;
      const outcome = guardedEdit(() => file.documents[site.document]!.setIn(site.path, value.value));
      if (!outcome.ok) {
        changes.push({ ...base, message: outcome.message });
        continue;
      }
      changes.push({ ...base, kind: 'updated', old: site.text, new: value.value });
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
  const others = undefinedMarkers.length > 1 ? ` (and ${undefinedMarkers.length - 1} more marker${undefinedMarkers.length > 2 ? 's' : ''} naming undefined policies)` : '';
  throw new FormatError(
    file.path,
    `marker # ${first.comment} names policy ${first.policy}, which the configuration does not define${others}${hint}; ` +
      `defined: ${defined.length ? defined.join(', ') : 'none'}; nothing in this file was changed`,
    lineCol(file.toString(), first.site.node.range?.[0] ?? 0),
  );
}

/** 1-based line and column of an offset. */
function lineCol(text: string, offset: number): { line: number; col: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, col: offset - before.lastIndexOf('\n') };
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
