/**
 * The one small interface every format adapter implements, and the values that cross it.
 *
 * An adapter knows where image references live in one file layout and how to add one. It
 * never talks to a network: the engine asks the registries about the repositories the
 * adapter `wants`, then hands their state back to `apply`, which edits the file in place
 * through the YAML editor and returns what it did as a list of {@link Change}s.
 *
 * It also states what its format is ({@link FormatFacts}): the configuration derives from
 * these facts which settings a target of the format takes, and the engine which ones a file
 * that `format: auto` detected can apply, so that nothing outside the adapter's folder (and
 * its line in `all-formats.ts`) names a format.
 */
import type { ChangeKind } from '../change-kind.js';
import type { YamlFile } from '../yaml/index.js';
import type { TagInfo, TagPolicy } from '../policy/tag-policy.js';
import type { DigestForm, TagDigests } from '../policy/digest-form.js';
import type { IgnoreRules } from '../policy/ignore-rules.js';
import type { UpdateLevel } from '../policy/update-level.js';

export type { ChangeKind };

/** What `prune` does with an entry whose tag the registry no longer has. */
export type PruneMode = 'report' | 'comment' | 'remove';

/**
 * Namespace discovery (see {@link EntryDiscovery}): `off`, `report` repositories the file
 * has no entry for, or `add` an entry for each.
 */
export type DiscoverMode = 'off' | 'report' | 'add';

/**
 * A named image policy for the `markers` format: `# {"$imagepolicy": "ns:name"}` looks up
 * `"ns:name"`, `# imgsync: name` looks up `"name"`. The configuration's policies
 * (`MarkerPolicyConfig`) are these, with their name and where they were written.
 */
export interface MarkerPolicy {
  /**
   * `[registry/]repository`, as in an image reference: `ghcr.io/stefanprodan/podinfo`.
   * A marker naming a policy without one is reported and left alone.
   */
  repository: string | undefined;
  /** Overrides the target's tag policy for this marker. */
  tagPolicy?: TagPolicy;
}

/** Per configuration target. Defaults are the engine's to fill in. */
export interface TargetOptions {
  /**
   * Backend.AI only: a template mapping an image entry's `name` to a repository, such as
   * `lablup/kernel-{name}` or `cr.backend.ai/stable/{name}`. Other formats read
   * repositories from the references themselves.
   */
  repository?: string;
  tagPolicy: TagPolicy;
  /** How ids and digests are written; Backend.AI's default is `image-id-12`. */
  digest: DigestForm;
  /** `os/arch[/variant]` whose image id is written, default `linux/amd64`. */
  platform: string;
  /** What to do with entries whose tag vanished from the registry; default `report`. */
  prune: PruneMode;
  /**
   * With a tag policy that has a `latest` option: the alias entry (default `latest`) that
   * is re-pointed to {@link TagPolicy.latestTarget}.
   */
  latest?: { alias?: string };
  /** Formats that pin ({@link FormatFacts.pins}): also pin references to manifest digests. */
  pin?: boolean;
  /** Formats whose tags move ({@link FormatFacts.movesTags}): move tags per policy; default true. */
  bumpTags?: boolean;
  /**
   * Formats whose tags move: how far a version tag may move (see
   * `policy/update-level.ts`); absent: `major` when the tag policy has a `semver` range,
   * else `minor`.
   */
  update?: UpdateLevel;
  /** Formats whose tags move: repositories and versions to leave alone. */
  ignore?: IgnoreRules;
  /** Formats whose markers name policies ({@link FormatFacts.namesPolicies}): those policies. */
  policies?: Readonly<Record<string, MarkerPolicy>>;
  /** Namespace discovery, when on: `add` writes new entries (with `entry`'s extra keys). */
  discover?: { mode: Exclude<DiscoverMode, 'off'>; entry?: string };
  /**
   * Backend.AI `image-aliases.yml` only: the target's `image-metadata.yml`. An alias target
   * is then also found when the metadata has a live entry for it (its own `latest` alias
   * included), not only when the registry has the tag.
   */
  imageMetadata?: YamlFile;
}

/**
 * A repository the adapter needs to know about (see `image-want.ts`). With `registry`, it
 * is normalised the way Docker does (`normalizedName` of `image-ref/parse.ts`): `docker.io`
 * for Docker Hub however written, and `library/nginx` for its official `nginx`. Without
 * one, the file named no registry, and the engine asks the target's `registry` for
 * `repository` as written.
 */
export interface ImageWant {
  registry?: string;
  repository: string;
}

/** A registry tag: its name and push time, as the tag policy sorts it, and its digests. */
export interface TagState extends TagInfo, TagDigests {
  /** ISO 8601 time of the last push, where the registry told it. */
  pushedAt?: string;
}

/**
 * What the registry holds for one wanted repository: its tags by name. Only tags of the
 * OCI grammar are here, and the tag policy accepts no other, so nothing downstream can
 * write one.
 */
export interface RepositoryState {
  repository: string;
  tags: ReadonlyMap<string, TagState>;
}

/**
 * What a `reported` (or `added`) change is about, where it is about more than one tag:
 * a repository of the namespace that the file has no entry for, an entry whose repository
 * the registry does not have, or a commented-out entry whose repository has tags pushed
 * since (the entry stays commented out: a human retired it).
 */
export type ChangeCode = 'new-repository' | 'missing-repository' | 'commented-repository';

/**
 * One thing an adapter did (or, for `reported`, saw and left alone). `path` is the key
 * path in the edited file (in document `document` of a multi-document stream), pointing at
 * the value written, or at the entry added or removed.
 *
 * `tag` is the tag the entry names after the change (for a moved tag, the new one; for a
 * `reported` change, the tag the file holds). What `old` and `new` are depends on `field`.
 */
export interface Change {
  file: string;
  /** Index of the document in a multi-document stream; absent for single-document files. */
  document?: number;
  path: (string | number)[];
  /** The image as the file names it: `lablup/kernel-python`, `ghcr.io/stefanprodan/podinfo`. */
  image: string;
  tag?: string;
  kind: ChangeKind;
  /**
   * What `old` and `new` are:
   * - `tag`: the tag moved; they are the tags (`7.16.1` → `7.17.28`), with the digest
   *   after `@` where the reference carries one (`6.15.0@sha256:…`);
   * - `digest`: only the manifest digest of `tag` changed or was written;
   * - absent: the value stored for `tag` (Backend.AI's image id or `:alias`), or a
   *   marker's repository.
   */
  field?: 'tag' | 'digest';
  old?: string;
  new?: string;
  /** Why, for `reported` changes (and notes on others). */
  message?: string;
  /** Set for changes about a whole repository: a new one found, or one that vanished. */
  code?: ChangeCode;
}

/** Looks up the registry state of a want; `undefined` when the registry gave none. */
export type StateLookup = (want: ImageWant) => RepositoryState | undefined;

/** A repository found in the namespace that the file has no entry for. */
export interface NewRepository {
  /** The `{name}` part, the entry's name (`c-tester`). */
  name: string;
  /** The repository as the user knows it (`lablup/kernel-c-tester`). */
  image: string;
  state: RepositoryState;
}

/**
 * What an adapter whose entries stand for repositories (one entry per `{name}`) offers
 * namespace discovery.
 */
export interface EntryDiscovery {
  /**
   * The names the file has entries for: live ones, and commented-out ones (a human's
   * decision to retire the entry, never undone). `undefined` for a file of this format
   * that holds no such entries (Backend.AI's `image-aliases.yml`). A commented-out entry
   * comes with the tags its lines name, so that tags pushed since can be pointed out.
   */
  entryNames(file: YamlFile): { live: string[]; commented: { name: string; tags: string[] }[] } | undefined;
  /**
   * Writes an entry for `repository` in the file's own style and returns the change(s);
   * a `reported` change when it cannot (no tag to write, an alias that would not resolve).
   */
  addEntry(file: YamlFile, repository: NewRepository, target: TargetOptions): Change[];
}

/**
 * What a format is, stated by its adapter and read by the configuration (`config/shape/
 * target.ts`: the `format:` values, which settings each format takes, the JSON Schema and
 * the messages), by `format: auto` and by the engine. A setting a format's facts do not
 * allow is refused at the setting, with the formats that take it.
 */
export interface FormatFacts<Name extends string = string> {
  /** The `format:` value (`kustomize`): lowercase words joined by `-`. */
  readonly name: Name;
  /** What its files are called in messages and descriptions: `Backend.AI`, `Kustomize`. */
  readonly title: string;
  /**
   * The digest forms its files can hold, the default first (written when the target sets
   * no `digest`): `['image-id-12', 'image-id', 'manifest']` for Backend.AI's image ids,
   * `['manifest']` for references, which pull by manifest or index digest.
   */
  readonly digestForms: readonly [DigestForm, ...DigestForm[]];
  /** Whether `pin: true` applies: references can carry `@sha256:…`. */
  readonly pins: boolean;
  /** Where pinning is limited, how, for the descriptions: `only into a digest key the block has`. */
  readonly pinLimit?: string;
  /**
   * Whether tags move by the tag policy, so that `update` and `ignore` apply. False for a
   * format whose files list every tag the registry has (Backend.AI): none moves there.
   */
  readonly movesTags: boolean;
  /**
   * Whether an entry lists the tags of a repository named through the target's repository
   * template (Backend.AI's `images[].tags`), so that `repository`, `platform`, `prune` and
   * `tags.latest` apply. A format of references names its repositories itself.
   */
  readonly listsTags: boolean;
  /** Whether the files' markers name policies, so that a target needs `policies` (setter markers). */
  readonly namesPolicies: boolean;
  /**
   * Where `format: auto` tries its `detect`: lower first. Layouts that overlap are told
   * apart by trying the specific ones first (Backend.AI 10, Kustomize 20, markers 30, Helm
   * values 40) and generic image references (90) last.
   */
  readonly detectOrder: number;
}

/**
 * A format: its {@link FormatFacts}, how to recognise its files, and how to read and edit
 * them. Namespace discovery is offered where `discovery` is present (the format "can
 * discover"); the configuration takes `discover:` only for such formats.
 */
export interface FormatAdapter<Name extends string = string> extends FormatFacts<Name> {
  /** Whether the file has this adapter's layout; used by `format: auto`, in `detectOrder`. */
  detect(file: YamlFile): boolean;
  /** The repositories `apply` will ask `state` about, without duplicates. */
  wants(file: YamlFile, target: TargetOptions): ImageWant[];
  /** Edits `file` in place; `reported` changes edit nothing. */
  apply(file: YamlFile, state: StateLookup, target: TargetOptions): Change[];
  /** Present where one entry stands for one repository, so a namespace can be discovered. */
  discovery?: EntryDiscovery;
}
