/**
 * The known format adapters, by name, and `format: auto`: the first adapter whose
 * `detect` accepts a file. Adding a format means adding its folder and one line here.
 *
 * Detection order matters where layouts overlap: the specific layouts are tried first
 * (Backend.AI, Kustomize, then files carrying setter markers, then Helm values), and the
 * generic image references last.
 */
import { FormatError } from '../errors.js';
import type { YamlFile } from '../yaml/index.js';
import { backendAiFormat } from './backendai/index.js';
import { helmValuesFormat } from './helm-values/index.js';
import { imageRefsFormat } from './image-refs/index.js';
import { kustomizeFormat } from './kustomize/index.js';
import { markersFormat } from './markers/index.js';
import type { FormatAdapter, FormatName } from './types.js';

const ADAPTERS: readonly FormatAdapter[] = [backendAiFormat, kustomizeFormat, markersFormat, helmValuesFormat, imageRefsFormat];

/** Every adapter, in detection order. */
export function formatAdapters(): readonly FormatAdapter[] {
  return ADAPTERS;
}

/**
 * The adapter called `name`. Throws {@link FormatError} for an unknown name.
 *
 * @example
 * formatAdapter('backendai').name // 'backendai'
 */
export function formatAdapter(name: FormatName): FormatAdapter {
  const adapter = ADAPTERS.find((candidate) => candidate.name === name);
  if (!adapter) throw new FormatError('<config>', `unknown format ${JSON.stringify(name)}: expected one of ${ADAPTERS.map((a) => a.name).join(', ')}`);
  return adapter;
}

/**
 * The adapter for `format: auto`: the first whose `detect` accepts `file`. Throws
 * {@link FormatError} naming the file when none does.
 *
 * @example
 * detectFormat(parseYaml(text, { path: 'image-metadata.yml' })).name // 'backendai'
 */
export function detectFormat(file: YamlFile): FormatAdapter {
  const adapter = ADAPTERS.find((candidate) => candidate.detect(file));
  if (!adapter) {
    throw new FormatError(file.path, `no known image list layout found (tried ${ADAPTERS.map((a) => a.name).join(', ')}); set format in the configuration`);
  }
  return adapter;
}
