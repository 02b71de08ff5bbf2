/**
 * What the configuration knows of the formats, all of it read off the adapters' facts
 * (`FormatFacts` in `formats/types.ts`): the `format:` values, which formats take which
 * setting, and the words messages and descriptions use for them. No format is named here,
 * so that a new format is its folder and one line of `formats/all-formats.ts`.
 *
 * The configuration depends on the formats' facts, never the other way round: nothing
 * under `formats/` imports `config/`.
 */
import { FORMATS, type FormatName } from '../../formats/all-formats.js';
import type { FormatAdapter } from '../../formats/types.js';
import type { DigestForm } from '../../policy/digest-form.js';

/** A `format:` value: a format's name, or `auto` (detected per file). */
export type TargetFormatName = FormatName | 'auto';

/** The `format:` values: every format's name, in the order of `FORMATS`, then `auto`. */
export const TARGET_FORMATS: readonly TargetFormatName[] = [...FORMATS.map((adapter) => adapter.name), 'auto'];
export const DIGEST_FORMS = ['image-id-12', 'image-id', 'manifest'] as const;
export const PRUNE_MODES = ['report', 'comment', 'remove'] as const;
export const UPDATE_LEVELS = ['major', 'minor', 'patch'] as const;

/** `backendai, image-refs, helm-values, kustomize, markers`, for the `format` description. */
export const FORMAT_NAMES_TEXT = FORMATS.map((adapter) => adapter.name).join(', ');

/** The formats with a fact, then `auto` (which takes a setting when some format does). */
function formatsWith(fact: (adapter: FormatAdapter) => boolean): readonly TargetFormatName[] {
  const names = FORMATS.filter(fact).map((adapter) => adapter.name);
  return names.length ? [...names, 'auto'] : [];
}

/** `format backendai` or `formats markers, auto`, for messages and descriptions. */
export function formatsPhrase(names: readonly string[]): string {
  return `${names.length === 1 ? 'format' : 'formats'} ${names.join(', ')}`;
}

/** Formats whose references can be pinned with `@sha256:…`. */
export const PINNABLE_FORMATS = formatsWith((adapter) => adapter.pins);
/** Formats where an entry stands for a repository, so that a namespace can be discovered (never `auto`). */
export const DISCOVER_FORMATS: readonly FormatName[] = FORMATS.filter((adapter) => adapter.discovery !== undefined).map((adapter) => adapter.name);
/** Formats whose tags move, so that `update` and `ignore` mean something. */
export const TAG_MOVING_FORMATS = formatsWith((adapter) => adapter.movesTags);
/** Formats whose files list every tag the registry has, so that none moves: `backendai`. */
export const NOT_MOVING_NAMES: readonly FormatName[] = FORMATS.filter((adapter) => !adapter.movesTags).map((adapter) => adapter.name);
/** Formats whose targets may name `policies`. */
export const POLICY_FORMATS = formatsWith((adapter) => adapter.namesPolicies);
/** Formats that read the settings of {@link TAG_LIST_ONLY}: entries listing the tags of a repository. */
export const TAG_LIST_FORMATS = formatsWith((adapter) => adapter.listsTags);
/** The formats (without `auto`) that list tags: `backendai`. */
export const TAG_LIST_NAMES: readonly FormatName[] = FORMATS.filter((adapter) => adapter.listsTags).map((adapter) => adapter.name);
/** Where the settings of formats listing tags apply: `format backendai, or auto on a Backend.AI file`. */
export const TAG_LIST_WHERE = `${formatsPhrase(TAG_LIST_NAMES)}, or auto on a ${FORMATS.filter((adapter) => adapter.listsTags)
  .map((adapter) => adapter.title)
  .join(' or ')} file`;
/** What formats whose files hold image ids are called: `Backend.AI`. */
export const IMAGE_ID_TITLES = FORMATS.filter((adapter) => adapter.digestForms.some((form) => form !== 'manifest'))
  .map((adapter) => adapter.title)
  .join(' and ');

/**
 * Settings only formats listing tags read, with why: an explicit one on another format is
 * refused rather than silently ignored (`format: auto` checks them per file, in the engine).
 */
export const TAG_LIST_ONLY: Readonly<Record<'repository' | 'platform' | 'prune', string>> = {
  repository: 'it maps entry names to repositories; references name their own',
  platform: 'it picks the image id to write; references are pinned to the manifest or index digest, which covers every platform',
  prune: 'a reference names one tag, so there is no list entry to prune',
};

/**
 * `Default: image-id-12 for backendai, manifest for the other formats, which take only
 * manifest.`: each format's default digest form, for the `digest` description.
 */
export const DIGEST_DEFAULTS_TEXT = ((): string => {
  const several = FORMATS.filter((adapter) => adapter.digestForms.length > 1);
  const one = new Set(FORMATS.filter((adapter) => adapter.digestForms.length === 1).map((adapter) => adapter.digestForms[0]));
  const parts = several.map((adapter) => `${adapter.digestForms[0]} for ${adapter.name}`);
  if (one.size === 1) {
    const [form] = one;
    parts.push(several.length ? `${form} for the other formats, which take only ${form}` : `${form}, the only form`);
  } else {
    parts.push(...FORMATS.filter((adapter) => adapter.digestForms.length === 1).map((adapter) => `${adapter.digestForms[0]} (only) for ${adapter.name}`));
  }
  return `Default: ${parts.join(', ')}.`;
})();

/** What the configuration reads of one format's facts, or of `auto`'s. */
export interface TargetFacts {
  digestForms: readonly [DigestForm, ...DigestForm[]];
  pins: boolean;
  movesTags: boolean;
  listsTags: boolean;
  namesPolicies: boolean;
  discovers: boolean;
}

/**
 * The facts of `format`; for `auto`, each fact true where some format has it (its files may
 * be of any format, checked per file in the engine), except discovery, which needs the
 * format written: an entry must be known to stand for a repository.
 */
export function factsOf(format: TargetFormatName): TargetFacts {
  const adapter = FORMATS.find((candidate) => candidate.name === format);
  if (adapter) return { ...adapter, discovers: adapter.discovery !== undefined };
  const some = (fact: (candidate: FormatAdapter) => boolean) => FORMATS.some(fact);
  const digestForms = DIGEST_FORMS.filter((form) => some((candidate) => candidate.digestForms.includes(form)));
  return {
    digestForms: digestForms as unknown as TargetFacts['digestForms'],
    pins: some((candidate) => candidate.pins),
    movesTags: some((candidate) => candidate.movesTags),
    listsTags: some((candidate) => candidate.listsTags),
    namesPolicies: some((candidate) => candidate.namesPolicies),
    discovers: false,
  };
}
