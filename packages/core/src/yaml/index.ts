export { parseYaml, YamlFile, type ParseYamlOptions } from './yaml-file.js';
export { YamlDocument, type EditOptions, type AddOptions, type CommentOutOptions } from './yaml-document.js';
export type { KeyPath } from './navigate.js';
export type { ScalarValue } from './render-scalar.js';
export type { NewValue } from './render-item.js';
