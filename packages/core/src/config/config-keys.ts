/**
 * The single list of what a config file may say: the keys of each mapping and the values
 * of each enumeration. The validators check against these lists, and a test checks that
 * `schema/imgsync.schema.json` lists exactly the same, so the editor completion a user
 * sees and the loader that judges the file cannot drift apart.
 */
import type { DigestForm } from '../policy/digest-form.js';
import type { TagSort } from '../policy/tag-policy.js';
import type { UpdateLevel } from '../policy/update-level.js';
import type { DiscoverMode, GitMode, PruneMode, TargetFormat } from './types.js';

/** Keys of each mapping, by the name the JSON Schema gives it (root, or a `$defs` entry). */
export const CONFIG_KEYS = {
  root: ['$schema', 'targets', 'registries', 'git'],
  target: ['files', 'format', 'registry', 'repository', 'tags', 'update', 'ignore', 'digest', 'platform', 'prune', 'pin', 'policies', 'discover'],
  discover: ['mode', 'exclude', 'entry'],
  tagPolicy: ['include', 'exclude', 'semver', 'sort', 'latest'],
  latest: ['pattern'],
  markerPolicy: ['repository', 'tags'],
  registrySettings: ['credentials', 'username', 'concurrency', 'timeoutMs', 'retries', 'hubApiUrl', 'mirror', 'insecure', 'authServer'],
  git: ['url', 'branch', 'mode', 'author', 'token', 'githubApiUrl', 'message'],
  gitAuthor: ['name', 'email'],
} as const satisfies Record<string, readonly string[]>;

// `Record<Union, true>` makes the compiler reject a list that misses a member of the union.
const formats: Record<TargetFormat, true> = {
  backendai: true,
  'image-refs': true,
  'helm-values': true,
  kustomize: true,
  markers: true,
  auto: true,
};
const pruneModes: Record<PruneMode, true> = { report: true, comment: true, remove: true };
const discoverModes: Record<DiscoverMode, true> = { off: true, report: true, add: true };
const gitModes: Record<GitMode, true> = { push: true, 'pull-request': true };
const digestForms: Record<DigestForm, true> = { 'image-id-12': true, 'image-id': true, manifest: true };
const tagSorts: Record<TagSort, true> = { version: true, semver: true, numeric: true, alphabetical: true, pushed: true };
const updateLevels: Record<UpdateLevel, true> = { major: true, minor: true, patch: true };

/** Values of each enumeration, by the name the JSON Schema gives it. */
export const CONFIG_ENUMS = {
  format: Object.keys(formats) as TargetFormat[],
  prune: Object.keys(pruneModes) as PruneMode[],
  mode: Object.keys(gitModes) as GitMode[],
  discover: Object.keys(discoverModes) as DiscoverMode[],
  digest: Object.keys(digestForms) as DigestForm[],
  sort: Object.keys(tagSorts) as TagSort[],
  update: Object.keys(updateLevels) as UpdateLevel[],
} as const;

/** Formats whose references can be pinned with `@sha256:…`. */
export const PINNABLE_FORMATS: readonly TargetFormat[] = ['image-refs', 'helm-values', 'kustomize', 'markers', 'auto'];

/** Formats where an entry stands for a repository, so that a namespace can be discovered. */
export const DISCOVER_FORMATS: readonly TargetFormat[] = ['backendai'];

/** Formats whose tags move, so that `update` and `ignore` mean something (not backendai: it follows every tag). */
export const TAG_MOVING_FORMATS: readonly TargetFormat[] = ['image-refs', 'helm-values', 'kustomize', 'markers', 'auto'];

/** Formats whose targets may name `policies`. */
export const POLICY_FORMATS: readonly TargetFormat[] = ['markers', 'auto'];

/** Keys whose values are secrets: only `env:NAME` or `file:PATH` references are accepted. */
export const SECRET_KEYS: readonly string[] = ['credentials', 'token', 'password'];
