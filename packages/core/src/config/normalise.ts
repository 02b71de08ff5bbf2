/**
 * From checked config data to the {@link ImgsyncConfig} the engine reads: defaults
 * applied, lists made lists, registry names canonical, `file:` paths absolute, tag
 * policies and ignore rules compiled, and where each setting was written. It runs only on
 * data that passed the shape check and every code-only rule, so it checks nothing itself.
 */
import { isAbsolute, resolve } from 'node:path';
import { formatAdapter } from '../formats/all-formats.js';
import { DEFAULT_PLATFORM, type DigestForm, parsePlatform } from '../policy/digest-form.js';
import { createIgnoreRules, parseIgnoreRule } from '../policy/ignore-rules.js';
import type { ConfigLocation, TagPolicyOptions } from '../policy/tag-policy.js';
import { createTagPolicy } from '../policy/tag-policy.js';
import { parseNameTemplate } from '../image-ref/name-template.js';
import { parseRegistryAddress } from '../registry/registry-address.js';
import { parseRef } from './env-refs.js';
import { isMapping } from './problems.js';
import type { RawConfig, RawTarget } from './shape/config-shape.js';
import { DISCOVER_FORMATS } from './shape/format-facts.js';
import { DEFAULT_GIT_AUTHOR } from './shape/git.js';
import type { ConfigKeyPath, LocatePart, SourceLocator } from './source-locations.js';
import type {
  DiscoverConfig,
  FleetConfig,
  FleetRepository,
  GitConfig,
  ImgsyncConfig,
  MarkerPolicyConfig,
  RegistrySettings,
  SecretRef,
  TagPolicyConfig,
  TargetConfig,
  TargetFormat,
} from './types.js';

export interface NormaliseContext {
  path: string;
  dir: string;
  locator: SourceLocator;
}

/**
 * The digest form a format writes when the config does not say, the first of its
 * `digestForms`: Backend.AI stores short image ids, the reference formats pin manifest
 * digests. `undefined` for `auto`, whose files each get their detected format's.
 *
 * @example defaultDigestForm('backendai') // 'image-id-12'
 */
export function defaultDigestForm(format: TargetFormat): DigestForm | undefined {
  return format === 'auto' ? undefined : formatAdapter(format).digestForms[0];
}

const given = <T>(value: T | null | undefined): value is T => value !== undefined && value !== null;
const list = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

/** `file:token` → `file:/config/dir/token`, so the reference works from any working directory. */
export function absoluteFileRef(ref: string, dir: string): SecretRef {
  const parsed = parseRef(ref);
  if (parsed.kind !== 'file' || isAbsolute(parsed.path)) return ref as SecretRef;
  return `file:${resolve(dir, parsed.path)}`;
}

/** @example normaliseConfig(checked, { path: 'imgsync.config.yaml', dir: '/repo', locator }).targets[0].digest */
export function normaliseConfig(data: RawConfig, context: NormaliseContext): ImgsyncConfig {
  const where = (keyPath: ConfigKeyPath, part: LocatePart = 'value'): ConfigLocation => {
    const position = context.locator.locate(keyPath, part);
    return position ? { path: context.path, ...position } : { path: context.path };
  };
  const fleet = given(data.repositories) || given(data.autodiscover);
  const inRepository = fleet || (given(data.git) && given(data.git.url));
  const targets = data.targets.map((target, index) => normaliseTarget(target, index, context.dir, where));
  return {
    path: context.path,
    dir: context.dir,
    filesRelativeTo: inRepository ? 'repository-root' : 'config-dir',
    targets,
    registries: normaliseRegistries(data.registries, context.dir, where),
    git: given(data.git) ? normaliseGit(data.git, context.dir, where) : undefined,
    ...(fleet && { fleet: normaliseFleet(data, targets, context.dir, where) }),
  };
}

function normaliseFleet(data: RawConfig, targets: TargetConfig[], dir: string, where: Where): FleetConfig {
  const repositories: FleetRepository[] = (data.repositories ?? []).map((item, index) => {
    const entry = typeof item === 'string' ? { url: item } : item;
    const at: ConfigKeyPath = ['repositories', index];
    return {
      url: entry.url.replace(/\/+$/, ''),
      branch: given(entry.branch) ? entry.branch : undefined,
      mode: given(entry.mode) ? entry.mode : undefined,
      targets: given(entry.targets) ? entry.targets.map((target, i) => normaliseTarget(target, i, dir, where, [...at, 'targets'])) : targets,
      where: where(at),
    };
  });
  const auto = data.autodiscover;
  return {
    repositories,
    autodiscover: given(auto)
      ? {
          organization: auto.organization,
          topic: given(auto.topic) ? auto.topic : undefined,
          name: given(auto.name) ? auto.name : undefined,
          includeArchived: auto.includeArchived === true,
          where: where(['autodiscover'], 'key'),
        }
      : undefined,
  };
}

/** `gitlab.com`, `https://Auth.Example.com/token` → the token service's lowercase host name. */
function authServerHost(text: string): string {
  return new URL(/^https:\/\//i.test(text) ? text : `https://${text}`).hostname.toLowerCase();
}

type Where = (keyPath: ConfigKeyPath, part?: LocatePart) => ConfigLocation;

function normaliseTags(raw: unknown): TagPolicyConfig {
  const tags: TagPolicyOptions = {};
  if (isMapping(raw)) {
    if (given(raw.include)) tags.include = list(raw.include as string | string[]);
    if (given(raw.exclude)) tags.exclude = list(raw.exclude as string | string[]);
    if (given(raw.semver)) tags.semver = raw.semver as string;
    if (given(raw.sort)) tags.sort = raw.sort as TagPolicyOptions['sort'];
    if (isMapping(raw.latest)) tags.latest = given(raw.latest.pattern) ? { pattern: raw.latest.pattern as string } : {};
  }
  return { tags, tagPolicy: createTagPolicy(tags) };
}

function normaliseTarget(raw: RawTarget, index: number, dir: string, where: Where, list_: ConfigKeyPath = ['targets']): TargetConfig {
  const at: ConfigKeyPath = [...list_, index];
  const settings = raw as Record<string, unknown>;
  const format: TargetFormat = raw.format ?? 'auto';
  const registryText = given(settings.registry) ? (settings.registry as string) : undefined;
  const snapshot = registryText?.startsWith('file:');
  const repository = given(settings.repository) ? (settings.repository as string) : '{name}';
  const ignore = given(settings.ignore) ? list(settings.ignore as string | string[]) : [];
  const policies: Record<string, MarkerPolicyConfig> = {};
  for (const [name, policy] of Object.entries((settings.policies as Record<string, unknown> | null | undefined) ?? {})) {
    const policyAt = [...at, 'policies', name];
    const body = isMapping(policy) ? policy : {};
    policies[name] = {
      name,
      repository: given(body.repository) ? (body.repository as string) : undefined,
      ...normaliseTags(body.tags),
      where: where(policyAt, 'key'),
    };
  }
  return {
    index,
    files: list(raw.files),
    format,
    registry: registryText === undefined ? 'docker.io' : snapshot ? registryText : parseRegistryAddress(registryText).name,
    snapshotPath: snapshot ? resolve(dir, registryText!.slice('file:'.length)) : undefined,
    repository,
    ...normaliseTags(settings.tags),
    digest: given(settings.digest) ? (settings.digest as DigestForm) : defaultDigestForm(format),
    platform: given(settings.platform) ? parsePlatform(settings.platform as string) : { ...DEFAULT_PLATFORM },
    prune: given(settings.prune) ? (settings.prune as TargetConfig['prune']) : 'report',
    pin: settings.pin === true,
    discover: normaliseDiscover(settings.discover, format, repository, [...at, 'discover'], where),
    update: given(settings.update) ? (settings.update as TargetConfig['update']) : undefined,
    ignore,
    ignoreRules: createIgnoreRules(ignore.map((rule) => parseIgnoreRule(rule))),
    policies,
    where: where(at),
    keyWhere: Object.fromEntries(Object.keys(settings).map((key) => [key, where([...at, key], 'key')])),
  };
}

/** Explicit `off` and the default where discovery cannot apply are `undefined`; the default elsewhere is `report`. */
function normaliseDiscover(raw: unknown, format: TargetFormat, repository: string, at: ConfigKeyPath, where: Where): DiscoverConfig | undefined {
  const template = parseNameTemplate(repository);
  if (!given(raw)) {
    if (!(DISCOVER_FORMATS as readonly string[]).includes(format) || 'error' in template) return undefined;
    return { mode: 'report', namespace: template.namespace, exclude: [], entry: undefined, where: where(at.slice(0, -1)) };
  }
  const long = isMapping(raw) ? raw : undefined;
  const mode = (long ? long.mode : raw) as 'off' | 'report' | 'add';
  if (mode === 'off' || 'error' in template) return undefined;
  return {
    mode,
    namespace: template.namespace,
    exclude: long && given(long.exclude) ? list(long.exclude as string | string[]) : [],
    entry: long && given(long.entry) ? (long.entry as string) : undefined,
    where: where(at),
  };
}

function normaliseRegistries(raw: RawConfig['registries'], dir: string, where: Where): Record<string, RegistrySettings> {
  const registries: Record<string, RegistrySettings> = {};
  for (const [key, entry] of Object.entries(raw ?? {})) {
    const settings = (entry ?? {}) as Record<string, unknown>;
    const text = (name: string) => (given(settings[name]) ? (settings[name] as string) : undefined);
    const number = (name: string) => (given(settings[name]) ? (settings[name] as number) : undefined);
    const registry = parseRegistryAddress(key).name;
    registries[registry] = {
      registry,
      credentials: given(settings.credentials) ? absoluteFileRef(settings.credentials as string, dir) : undefined,
      username: text('username'),
      concurrency: number('concurrency'),
      timeoutMs: number('timeoutMs'),
      retries: number('retries'),
      hubApiUrl: text('hubApiUrl')?.replace(/\/+$/, ''),
      mirror: text('mirror')?.replace(/\/+$/, ''),
      insecure: given(settings.insecure) ? (settings.insecure as boolean) : undefined,
      authServer: given(settings.authServer) ? authServerHost(settings.authServer as string) : undefined,
      where: where(['registries', key], 'key'),
    };
  }
  return registries;
}

function normaliseGit(raw: NonNullable<RawConfig['git']>, dir: string, where: Where): GitConfig {
  return {
    url: raw.url?.replace(/\/+$/, '') ?? undefined,
    branch: raw.branch ?? undefined,
    mode: raw.mode ?? 'push',
    author: raw.author ? { name: raw.author.name, email: raw.author.email } : { ...DEFAULT_GIT_AUTHOR },
    token: given(raw.token) ? absoluteFileRef(raw.token, dir) : undefined,
    // absent: derived from the remote URL where it is used (api.github.com, or https://HOST/api/v3)
    githubApiUrl: raw.githubApiUrl?.replace(/\/+$/, ''),
    transport: raw.transport ?? 'auto',
    message: raw.message ?? undefined,
    where: where(['git'], 'key'),
  };
}
