/**
 * The shape of a loaded imgsync configuration: what `loadConfig` returns after checking
 * the file and applying defaults. Every field is normalised (lists are lists, registry
 * names are canonical, paths that the file wrote relative to itself are absolute) so the
 * engine and the front ends never look at the raw YAML.
 *
 * Secrets are never values here: `credentials` and `token` hold a {@link SecretRef}
 * (`env:NAME` or `file:/absolute/path`) that a front end resolves with `resolveEnvRef` /
 * `resolveSecretRef` at the edge, where `process.env` is allowed.
 */
import type { FormatName } from '../formats/all-formats.js';
import type { DiscoverMode, MarkerPolicy, PruneMode } from '../formats/types.js';
import type { DeliveryMode } from '../git/deliver-options.js';
import type { GitTransport } from '../git/workspace.js';
import type { DigestForm, Platform } from '../policy/digest-form.js';
import type { IgnoreRules } from '../policy/ignore-rules.js';
import type { ConfigLocation, TagPolicy, TagPolicyOptions } from '../policy/tag-policy.js';
import type { UpdateLevel } from '../policy/update-level.js';

/** How a target's files are laid out: a format's name, or `auto` to let the engine detect it per file. */
export type TargetFormat = FormatName | 'auto';

/**
 * A target's namespace discovery (`discover:`), for a repository template with `{name}`
 * in its last path component (`lablup/kernel-{name}`).
 */
export interface DiscoverConfig {
  mode: Exclude<DiscoverMode, 'off'>;
  /** The namespace listed: the template's path before its last component (`lablup`). */
  namespace: string;
  /** Globs over the `{name}` part never to report or add (`*-tester`). */
  exclude: string[];
  /** YAML text of a new entry's extra keys (`slots: {<<: *default}`), `{name}` substituted. */
  entry: string | undefined;
  where: ConfigLocation;
}

/**
 * A reference to a secret: `env:NAME` (an environment variable) or `file:PATH` (a file
 * holding the secret, made absolute against the config file's directory when loaded).
 */
export type SecretRef = `env:${string}` | `file:${string}`;

/** A tag policy as written and as compiled. */
export interface TagPolicyConfig {
  /** The options as written, with `include`/`exclude` normalised to lists. */
  tags: TagPolicyOptions;
  /** The compiled policy. */
  tagPolicy: TagPolicy;
}

/**
 * A named policy that `markers` targets refer to from comments in the edited files: the
 * format's {@link MarkerPolicy} as configured, with its name and where it was written.
 */
export interface MarkerPolicyConfig extends Required<MarkerPolicy>, TagPolicyConfig {
  name: string;
  where: ConfigLocation;
}

/**
 * One entry of `targets:`, normalised: which files, in which format, against which registry and with which tag policy. `where` and `keyWhere` locate it in the config file for messages.
 */
export interface TargetConfig extends TagPolicyConfig {
  /** Position in `targets`, for messages (`targets[2]`). */
  index: number;
  /**
   * fast-glob patterns, relative to the config file's directory or, with `git.url`, to
   * the cloned repository's root (see {@link ImgsyncConfig.filesRelativeTo}).
   */
  files: string[];
  format: TargetFormat;
  /**
   * The registry, canonical as `parseRegistryAddress(...).name` gives it (`docker.io`,
   * `ghcr.io`, `http://127.0.0.1:5000`), so that `config.registries[target.registry]` finds
   * its settings. For a snapshot it is the text as written (`file:registry-snapshot.json`).
   */
  registry: string;
  /** Absolute path of the snapshot file for `registry: file:…`; otherwise `undefined`. */
  snapshotPath: string | undefined;
  /** Repository of an entry, with `{name}` standing for the entry's name. Default `{name}`. */
  repository: string;
  /**
   * The digest form to write. Default: the format's first `digestForms` (`image-id-12`
   * for `backendai`, `manifest` for the others); `undefined` only for `auto` without an
   * explicit value (the engine then uses the detected format's default, see
   * `defaultDigestForm`).
   */
  digest: DigestForm | undefined;
  /** Platform whose image id is written for multi-platform tags. Default linux/amd64. */
  platform: Platform;
  /** Default `report`. */
  prune: PruneMode;
  /** Pin references with `@sha256:…` (formats that pin: see `FormatFacts.pins`). Default false. */
  pin: boolean;
  /**
   * Namespace discovery; `undefined` when off. Default `report` for targets of a format that
   * discovers (`backendai`) whose repository template allows it, off otherwise.
   */
  discover: DiscoverConfig | undefined;
  /**
   * How far a version tag may move (formats whose tags move: `FormatFacts.movesTags`);
   * `undefined`: not set, so `major` with a `tags.semver` range, else `minor`.
   */
  update: UpdateLevel | undefined;
  /** The `ignore:` rules as written (formats whose tags move). */
  ignore: string[];
  /** The same, compiled. */
  ignoreRules: IgnoreRules;
  /** Named policies for formats whose markers name them (and `auto`); empty otherwise. */
  policies: Record<string, MarkerPolicyConfig>;
  /** Where the target starts in the config file. */
  where: ConfigLocation;
  /** Where each key the target sets was written (for errors found once a file's format is detected). */
  keyWhere: Record<string, ConfigLocation>;
}

/** Per-registry settings; an unset number means the registry client's default. */
export interface RegistrySettings {
  /** Canonical registry name, the key of `ImgsyncConfig.registries`. */
  registry: string;
  /** Password or token. */
  credentials: SecretRef | undefined;
  /** A user name as written, or an `env:NAME` reference; resolve with `resolveEnvRef`. */
  username: string | undefined;
  /** Requests in flight at once (client default 8). */
  concurrency: number | undefined;
  /** Per attempt, in milliseconds (client default 30 000). */
  timeoutMs: number | undefined;
  /** Retries after the first attempt (client default 3). */
  retries: number | undefined;
  /** Docker Hub listing API base (docker.io only); client default `https://hub.docker.com`. */
  hubApiUrl: string | undefined;
  /**
   * Where this registry's repositories are looked up instead (an http or https URL; its
   * path, if any, prefixes the repository names). The entry then holds nothing else: the
   * mirror's credentials and limits are those of the mirror's own entry.
   */
  mirror: string | undefined;
  /**
   * `true`: plain http to this host; `false`: https even for a loopback host. `undefined`:
   * https, except loopback hosts (`localhost`, `127.0.0.0/8`, `[::1]`), which get http.
   */
  insecure: boolean | undefined;
  /**
   * A host besides the registry's own whose token service may receive the credentials
   * (`gitlab.com` for `registry.gitlab.com`), as a lowercase host name.
   */
  authServer: string | undefined;
  where: ConfigLocation;
}

/** `git.author`: the name and address commits are made with. */
export interface GitAuthorConfig {
  name: string;
  email: string;
}

/**
 * The `git:` section, with its defaults filled in: where the target files live (`url`, `branch`), how changes are delivered (`mode`, `transport`) and as whom.
 */
export interface GitConfig {
  /** Remote to clone (https or http); `undefined`: the git checkout in the working directory. */
  url: string | undefined;
  /** Branch to build on and push to; `undefined`: the remote's default branch. */
  branch: string | undefined;
  /** `push`: commit and push to `branch`; `pull-request`: push a side branch and open/update a PR. Default `push`. */
  mode: DeliveryMode;
  /** Default `{ name: 'imgsync', email: 'imgsync@example.invalid' }`. */
  author: GitAuthorConfig;
  token: SecretRef | undefined;
  /** GitHub REST API base (pull requests, the github-api transport, autodiscovery); `undefined`: from the remote URL (`https://api.github.com`, or `https://HOST/api/v3`). */
  githubApiUrl: string | undefined;
  /** How the repository is read and written (see `git/workspace.ts`). Default `auto`. */
  transport: GitTransport;
  /** Commit subject template; `{summary}` is replaced by the generated summary. */
  message: string | undefined;
  where: ConfigLocation;
}

/** One repository of a fleet (`repositories:` or found by `autodiscover`). */
export interface FleetRepository {
  /** https (or http) URL of the repository, as written or as the GitHub API gave it. */
  url: string;
  /** Branch to update; `undefined`: the remote's default branch. */
  branch: string | undefined;
  /** `undefined`: `git.mode`, else push. */
  mode: DeliveryMode | undefined;
  /** Its own targets, or the shared `targets`. */
  targets: TargetConfig[];
  where: ConfigLocation;
}

/** Repositories of a GitHub organisation (or user) added to the fleet through the GitHub API. */
export interface AutodiscoverConfig {
  organization: string;
  /** Only repositories with this topic. */
  topic: string | undefined;
  /** Only names matching this glob. */
  name: string | undefined;
  includeArchived: boolean;
  where: ConfigLocation;
}

/** Many repositories in one run: `repositories:` and/or `autodiscover:` (instead of `git.url`). */
export interface FleetConfig {
  repositories: FleetRepository[];
  autodiscover: AutodiscoverConfig | undefined;
}

/**
 * A loaded configuration: checked, with defaults filled in and paths made absolute; what the engine reads. Made by `loadConfig` or `parseConfig`.
 */
export interface ImgsyncConfig {
  /** The config file's path as given (used in messages). */
  path: string;
  /** Absolute directory of the config file: base of relative `file:` paths and, without `git.url`, of `files`. */
  dir: string;
  /** What `targets[].files` are relative to: the config file's directory, or the cloned repository's root (with `git.url`). */
  filesRelativeTo: 'config-dir' | 'repository-root';
  targets: TargetConfig[];
  /** Keyed by canonical registry name (`docker.io`, `ghcr.io`, `http://127.0.0.1:5000`). */
  registries: Record<string, RegistrySettings>;
  /** `undefined`: edit the working tree and leave the changes uncommitted. */
  git: GitConfig | undefined;
  /** Set for a fleet: the repositories one run keeps in step (see `runFleet`); `git` holds what they share. */
  fleet?: FleetConfig;
}
