/**
 * Public surface of the config module: load, find and validate imgsync's configuration
 * file, resolve the secret references it holds, and the types of the loaded config.
 * Everything else in this folder is internal.
 */
export { checkConfigText, loadConfig, parseConfig, type ConfigFileSystem, type ConfigSource } from './load-config.js';
export { findConfigFile, CONFIG_FILE_NAMES, type FindConfigFileSystem } from './find-config.js';
export { checkConfig, validateConfig, validateTargetConfig, type ValidateConfigOptions } from './validate.js';
export { defaultDigestForm } from './normalise.js';
export { DEFAULT_GIT_AUTHOR, DEFAULT_GITHUB_API_URL } from './shape/git.js';
export { configJsonSchema } from './shape/json-schema.js';
export type { RawConfig, RawTarget } from './shape/config-shape.js';
export { CODE_RULES, type CodeRule } from './rules/index.js';
export { isSecretRef, parseRef, resolveEnvRef, resolveSecretRef, type Environment, type ParsedRef, type SecretFileSystem } from './env-refs.js';
export { CONFIG_ENUMS, CONFIG_KEYS } from './config-keys.js';
export { createSourceLocator, type SourceLocator, type SourcePosition } from './source-locations.js';
export type {
  AutodiscoverConfig,
  FleetConfig,
  FleetRepository,
  GitAuthorConfig,
  GitConfig,
  ImgsyncConfig,
  MarkerPolicyConfig,
  RegistrySettings,
  SecretRef,
  TagPolicyConfig,
  TargetConfig,
  TargetFormat,
} from './types.js';
