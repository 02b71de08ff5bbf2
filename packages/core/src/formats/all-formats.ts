/**
 * Every format, by name, and `format: auto`: the first adapter whose `detect` accepts a
 * file. Adding a format means adding its folder, whose adapter states its facts
 * (`FormatFacts` in `types.ts`), and one line here; the configuration's `format:` values,
 * the settings each takes, the JSON Schema and the messages follow from the facts (see
 * CONTRIBUTING.md).
 *
 * {@link FORMATS} is in the order the configuration lists the formats. Detection follows
 * each adapter's `detectOrder` instead, because it matters where layouts overlap: the
 * specific layouts are tried first (Backend.AI, Kustomize, then files carrying setter
 * markers, then Helm values), and the generic image references last.
 */
import { FormatError } from '../errors.js';
import { checkImageRef } from '../image-ref/parse.js';
import type { YamlFile } from '../yaml/index.js';
import { backendAiFormat } from './backendai/index.js';
import { helmValuesFormat } from './helm-values/index.js';
import { isImageKey } from './image-refs/find-references.js';
import { imageRefsFormat } from './image-refs/index.js';
import { kustomizeFormat } from './kustomize/index.js';
import { markersFormat } from './markers/index.js';
import type { FormatAdapter } from './types.js';
import { scalarSites } from './yaml-walk.js';

/** Every format, in the order the configuration lists them. One line per format, so that adding one is a one-line diff. */
// prettier-ignore
export const FORMATS = [
  backendAiFormat,
  imageRefsFormat,
  helmValuesFormat,
  kustomizeFormat,
  markersFormat,
] as const satisfies readonly FormatAdapter[];

/** A `format:` value other than `auto`: the name of one of {@link FORMATS}. */
export type FormatName = (typeof FORMATS)[number]['name'];

/** The names of {@link FORMATS}, in the same order. */
export const FORMAT_NAMES: readonly FormatName[] = FORMATS.map((adapter) => adapter.name);

const ADAPTERS: readonly FormatAdapter<FormatName>[] = [...FORMATS].sort((a, b) => a.detectOrder - b.detectOrder);

/** Every adapter, in detection order. */
export function formatAdapters(): readonly FormatAdapter<FormatName>[] {
  return ADAPTERS;
}

/**
 * The adapter called `name`. Throws {@link FormatError} for an unknown name.
 *
 * @example
 * formatAdapter('backendai').name // 'backendai'
 */
export function formatAdapter(name: FormatName): FormatAdapter<FormatName> {
  const adapter = ADAPTERS.find((candidate) => candidate.name === name);
  if (!adapter) throw new FormatError('<config>', `unknown format ${JSON.stringify(name)}: expected one of ${ADAPTERS.map((a) => a.name).join(', ')}`);
  return adapter;
}

/**
 * The adapter for `format: auto`: the first whose `detect` accepts `file`. Throws
 * {@link FormatError} naming the file, and saying why, when none does.
 *
 * @example
 * detectFormat(parseYaml(text, { path: 'image-metadata.yml' })).name // 'backendai'
 */
export function detectFormat(file: YamlFile): FormatAdapter<FormatName> {
  const adapter = findFormat(file);
  if (!adapter) throw new FormatError(file.path, `${noImagesReason(file)}; set format in the configuration if it has images in another layout`);
  return adapter;
}

/**
 * The adapter for `format: auto`, or `undefined` for a file with nothing any adapter can
 * follow (a Namespace, a HelmRepository, a compose file with only `build:`), which a run
 * over a whole repository skips with {@link noImagesReason} as its note.
 *
 * @example
 * findFormat(parseYaml('kind: Namespace\n')) // undefined
 */
export function findFormat(file: YamlFile): FormatAdapter<FormatName> | undefined {
  return ADAPTERS.find((candidate) => candidate.detect(file));
}

/**
 * Why {@link findFormat} found nothing to follow in `file`, in a few words: no image
 * references at all, or only references without a tag or digest (`image: redislabs/redismod`
 * runs whatever `latest` is; there is no version to move).
 *
 * @example
 * noImagesReason(parseYaml('services:\n  redis:\n    image: redislabs/redismod\n'))
 * // 'no image reference with a tag or digest to follow (untagged: redislabs/redismod)'
 */
export function noImagesReason(file: YamlFile): string {
  const untagged = new Set<string>();
  for (const site of scalarSites(file)) {
    if (!isImageKey(site.key) || typeof site.node.value !== 'string') continue;
    const check = checkImageRef(site.text);
    if (check.ok && check.ref.tag === undefined && check.ref.digest === undefined) untagged.add(site.text);
  }
  if (untagged.size) return `no image reference with a tag or digest to follow (untagged: ${[...untagged].join(', ')})`;
  return 'no image references';
}
