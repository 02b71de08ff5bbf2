/**
 * One entry of `targets`: which files, in which layout, tracked against which registry
 * and repository, with which tag policy and digest form.
 */
import { isAbsolute, resolve } from 'node:path';
import { ConfigError } from '../errors.js';
import { DEFAULT_PLATFORM, type DigestForm, parsePlatform } from '../policy/digest-form.js';
import { createIgnoreRules, type IgnoreRule, parseIgnoreRule } from '../policy/ignore-rules.js';
import { parseRegistryAddress } from '../registry/registry-address.js';
import { isValidRepository } from '../registry/validate.js';
import { CONFIG_ENUMS, CONFIG_KEYS, PINNABLE_FORMATS, POLICY_FORMATS, TAG_MOVING_FORMATS } from './config-keys.js';
import { type ConfigReader, isMapping, type RawMapping } from './config-reader.js';
import type { ConfigKeyPath } from './source-locations.js';
import type { MarkerPolicy, TargetConfig, TargetFormat } from './types.js';
import { readDiscover } from './validate-discover.js';
import { validateTagPolicy } from './validate-tags.js';

export interface TargetContext {
  /** Absolute directory of the config file. */
  dir: string;
  /** Whether `files` are relative to a cloned repository (git.url is set). */
  inRepository: boolean;
}

/**
 * Settings only the backendai format reads, with why: an explicit one on another format is
 * refused rather than silently ignored (`format: auto` checks them per file, in the engine).
 */
export const BACKENDAI_ONLY: Readonly<Record<'repository' | 'platform' | 'prune', string>> = {
  repository: 'it maps entry names to repositories; references name their own',
  platform: 'it picks the image id to write; references are pinned to the manifest or index digest, which covers every platform',
  prune: 'a reference names one tag, so there is no list entry to prune',
};

const NAME_PLACEHOLDER = /\{([^{}]*)\}/g;
/** `podinfo`, or Flux's `namespace:name` as its setter markers write it (`flux-system:podinfo`). */
const POLICY_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*(?::[A-Za-z0-9][A-Za-z0-9._-]*)?$/;
/** Policy names a marker comment cannot name: `# imgsync: ignore` freezes a value. */
const RESERVED_POLICY_NAMES = ['ignore'];

/**
 * The digest form a format writes when the config does not say: Backend.AI stores short
 * image ids, the reference formats pin manifest digests. `undefined` for `auto`.
 *
 * @example defaultDigestForm('backendai') // 'image-id-12'
 */
export function defaultDigestForm(format: TargetFormat): DigestForm | undefined {
  if (format === 'auto') return undefined;
  return format === 'backendai' ? 'image-id-12' : 'manifest';
}

export function validateTarget(reader: ConfigReader, index: number, value: unknown, context: TargetContext): TargetConfig {
  const at: ConfigKeyPath = ['targets', index];
  const raw = reader.mapping(at, value, CONFIG_KEYS.target, ['files']);
  const format = raw.format === undefined || raw.format === null ? 'auto' : reader.oneOf([...at, 'format'], raw.format, CONFIG_ENUMS.format);

  const files = reader.stringList([...at, 'files'], raw.files, 'a file or glob pattern');
  files.forEach((pattern, i) => checkPattern(reader, Array.isArray(raw.files) ? [...at, 'files', i] : [...at, 'files'], pattern, context));

  const { registry, snapshotPath } = readRegistry(reader, [...at, 'registry'], raw.registry, context.dir);
  const repository = readRepository(reader, [...at, 'repository'], raw.repository);
  const { tags, tagPolicy } = validateTagPolicy(reader, [...at, 'tags'], raw.tags);
  const digest = present(raw.digest) ? reader.oneOf([...at, 'digest'], raw.digest, CONFIG_ENUMS.digest) : defaultDigestForm(format);
  const platform = present(raw.platform) ? readPlatform(reader, [...at, 'platform'], raw.platform) : parsePlatform(DEFAULT_PLATFORM);
  const prune = present(raw.prune) ? reader.oneOf([...at, 'prune'], raw.prune, CONFIG_ENUMS.prune) : 'report';
  if (format !== 'backendai' && format !== 'auto') {
    for (const [key, why] of Object.entries(BACKENDAI_ONLY)) {
      if (present(raw[key])) reader.fail([...at, key], `applies only to format backendai: ${why} (this target's format is ${format}); remove it`, 'key');
    }
    if (digest !== 'manifest') reader.fail([...at, 'digest'], `must be manifest for format ${format}: references are pinned to manifest digests; image ids are what Backend.AI files list`);
    if (tags.latest) reader.fail([...at, 'tags', 'latest'], `applies only to format backendai, whose "latest" alias entries it re-points; a ${format} reference has no alias entry`, 'key');
  }

  const pin = present(raw.pin) ? reader.boolean([...at, 'pin'], raw.pin) : false;
  if (pin && !PINNABLE_FORMATS.includes(format)) {
    reader.fail([...at, 'pin'], `applies only to formats ${PINNABLE_FORMATS.join(', ')}; ${format} files hold no pinnable references`);
  }

  const update = present(raw.update) ? reader.oneOf([...at, 'update'], raw.update, CONFIG_ENUMS.update) : undefined;
  const ignoreRules = present(raw.ignore) ? readIgnore(reader, [...at, 'ignore'], raw.ignore) : [];
  for (const key of ['update', 'ignore'] as const) {
    if (present(raw[key]) && !TAG_MOVING_FORMATS.includes(format)) {
      reader.fail([...at, key], `applies only to formats ${TAG_MOVING_FORMATS.join(', ')}; ${format} files follow every tag the registry has, none moves`, 'key');
    }
  }

  const policies = readPolicies(reader, at, raw, format);
  const discover = readDiscover(reader, [...at, 'discover'], raw.discover, format, repository);
  const keyWhere = Object.fromEntries(Object.keys(raw).map((key) => [key, reader.where([...at, key], 'key')]));
  return {
    index,
    files,
    format,
    registry,
    snapshotPath,
    repository,
    tags,
    tagPolicy,
    digest,
    platform,
    prune,
    pin,
    discover,
    update,
    ignore: ignoreRules.map((rule) => rule.text),
    ignoreRules: createIgnoreRules(ignoreRules),
    policies,
    where: reader.where(at),
    keyWhere,
  };
}

/** `ignore:` — a list of `glob` or `glob:range` rules, each checked where it is written. */
function readIgnore(reader: ConfigReader, at: ConfigKeyPath, value: unknown): IgnoreRule[] {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) reader.fail(at, 'must be a repository glob or a non-empty list of rules such as [bitnami/*, "redis:>=8"] (got an empty list)');
  return list.map((item, index) => {
    const itemAt = Array.isArray(value) ? [...at, index] : at;
    if (isMapping(item) && Object.keys(item).length === 1) {
      const [key, range] = Object.entries(item)[0]!;
      reader.fail(itemAt, `must be a string such as "redis:>=8" (got a mapping: YAML read "${key}: ${String(range)}" as a key and a value; write it without a space after ":", or quote it)`);
    }
    const text = reader.string(itemAt, item, 'a repository glob such as bitnami/* or a rule such as redis:>=8');
    try {
      return parseIgnoreRule(text);
    } catch (error) {
      if (error instanceof ConfigError) reader.fail(itemAt, error.message);
      throw error;
    }
  });
}

function present(value: unknown): boolean {
  return value !== undefined && value !== null;
}

function checkPattern(reader: ConfigReader, at: ConfigKeyPath, pattern: string, context: TargetContext): void {
  const negated = pattern.startsWith('!') ? pattern.slice(1) : pattern;
  if (isAbsolute(negated) || /^[A-Za-z]:[\\/]/.test(negated)) {
    const base = context.inRepository ? "the repository's root" : "the config file's directory";
    reader.fail(at, `must be relative to ${base} (got ${JSON.stringify(pattern)})`);
  }
  if (context.inRepository && negated.split(/[\\/]/).includes('..')) {
    reader.fail(at, `must stay inside the cloned repository; ".." is not allowed with git.url (got ${JSON.stringify(pattern)})`);
  }
}

/** `docker.io`, a host, an http(s) URL, or `file:snapshot.json` (relative to the config file). */
function readRegistry(reader: ConfigReader, at: ConfigKeyPath, value: unknown, dir: string): { registry: string; snapshotPath: string | undefined } {
  if (!present(value)) return { registry: 'docker.io', snapshotPath: undefined };
  const text = reader.string(at, value, 'a registry such as docker.io, ghcr.io, http://127.0.0.1:5000 or file:snapshot.json');
  if (text.startsWith('file:')) {
    const file = text.slice('file:'.length);
    if (file.trim() === '') reader.fail(at, 'file: must be followed by the path of a registry snapshot, such as file:registry-snapshot.json');
    return { registry: text, snapshotPath: resolve(dir, file) };
  }
  return { registry: canonicalRegistry(reader, at, text), snapshotPath: undefined };
}

/** The registry's canonical name, with the registry module's own message on failure. */
export function canonicalRegistry(reader: ConfigReader, at: ConfigKeyPath, text: string, part: 'key' | 'value' = 'value'): string {
  try {
    return parseRegistryAddress(text).name;
  } catch (error) {
    if (error instanceof ConfigError) reader.fail(at, error.message, part);
    throw error;
  }
}

function readRepository(reader: ConfigReader, at: ConfigKeyPath, value: unknown): string {
  if (!present(value)) return '{name}';
  const template = reader.string(at, value, 'a repository such as lablup/kernel-{name}');
  for (const match of template.matchAll(NAME_PLACEHOLDER)) {
    if (match[1] !== 'name') reader.fail(at, `unknown placeholder {${match[1]}}; only {name} (the entry's name) is replaced`);
  }
  const sample = template.replaceAll('{name}', 'x');
  if (!isValidRepository(sample)) {
    reader.fail(
      at,
      `${JSON.stringify(template)} is not a valid repository name: use lowercase letters, digits and . _ - separators, ` +
        'path components joined by /, and {name} for the entry\'s name',
    );
  }
  return template;
}

function readPlatform(reader: ConfigReader, at: ConfigKeyPath, value: unknown) {
  const text = reader.string(at, value, 'a platform such as linux/amd64');
  try {
    return parsePlatform(text);
  } catch (error) {
    if (error instanceof ConfigError) reader.fail(at, error.message);
    throw error;
  }
}

function readPolicies(reader: ConfigReader, at: ConfigKeyPath, raw: RawMapping, format: TargetFormat): Record<string, MarkerPolicy> {
  const policies: Record<string, MarkerPolicy> = {};
  if (!present(raw.policies)) {
    if (format === 'markers') reader.fail(at, 'format markers needs policies: { NAME: { repository: ..., tags: {...} } } for the markers to name');
    return policies;
  }
  const policiesAt = [...at, 'policies'];
  if (!POLICY_FORMATS.includes(format)) {
    reader.fail(policiesAt, `applies only to formats ${POLICY_FORMATS.join(', ')} (this target's format is ${format})`, 'key');
  }
  const entries = reader.mapping(policiesAt, raw.policies, Object.keys(raw.policies as object));
  for (const [name, value] of Object.entries(entries)) {
    const policyAt = [...policiesAt, name];
    if (!POLICY_NAME.test(name)) {
      reader.fail(policyAt, `policy name ${JSON.stringify(name)} must be NAME or NAMESPACE:NAME (as Flux markers write it), each part starting with a letter or digit and holding only letters, digits, ".", "_" and "-"`, 'key');
    }
    if (RESERVED_POLICY_NAMES.includes(name)) {
      reader.fail(policyAt, `policy name ${JSON.stringify(name)} is reserved: "# imgsync: ${name}" freezes the value it follows; choose another name`, 'key');
    }
    const policy = reader.mapping(policyAt, value ?? {}, CONFIG_KEYS.markerPolicy);
    const repository = present(policy.repository)
      ? reader.string([...policyAt, 'repository'], policy.repository, 'a repository such as ghcr.io/stefanprodan/podinfo')
      : undefined;
    policies[name] = { name, repository, ...validateTagPolicy(reader, [...policyAt, 'tags'], policy.tags), where: reader.where(policyAt, 'key') };
  }
  return policies;
}
