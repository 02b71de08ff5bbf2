/**
 * One entry of `targets`: which files, in which layout, tracked against which registry and
 * repository, with which tag policy and digest form.
 *
 * Which settings a target may have depends on its format, and that is part of the shape:
 * there is one mapping per format, chosen by `format` (absent or empty: `auto`), holding
 * only the settings that format applies. A setting of another format is an unknown key
 * there, reported with why it does not apply. `auto` takes every setting a format could
 * apply and checks them per file once the format is detected (in the engine).
 *
 * The formats and what each applies are not listed here: they are read off the adapters'
 * facts (`FormatFacts` in `formats/types.ts`), so that a new format needs no line here.
 * The configuration depends on the formats' facts, never the other way round.
 */
import * as z from 'zod';
import { parseRegistryAddress } from '../../registry/registry-address.js';
import { ConfigError } from '../../errors.js';
import { parseIgnoreRule } from '../../policy/ignore-rules.js';
import { PATH_COMPONENT_SOURCE } from '../../image-ref/grammar.js';
import { parsePlatform } from '../../policy/digest-form.js';
import { describeValue, isMapping } from '../problems.js';
import { closestMatch } from '../suggest.js';
import { FORMATS } from '../../formats/all-formats.js';
import { discover, discoverOff } from './discover.js';
import {
  DIGEST_DEFAULTS_TEXT,
  factsOf,
  FORMAT_NAMES_TEXT,
  formatsPhrase,
  IMAGE_ID_TITLES,
  NOT_MOVING_NAMES,
  PINNABLE_FORMATS,
  POLICY_FORMATS,
  PRUNE_MODES,
  TAG_LIST_FORMATS,
  TAG_LIST_NAMES,
  TAG_LIST_ONLY,
  TAG_LIST_WHERE,
  TAG_MOVING_FORMATS,
  TARGET_FORMATS,
  UPDATE_LEVELS,
  type TargetFormatName,
} from './format-facts.js';
import { tagPolicy, tagPolicyWithLatest } from './tag-policy.js';
import { bool, mapping, noted, oneOf, oneOrList, optional, text, textMatching, type SettingNote } from './values.js';

// -- values ------------------------------------------------------------------------------

const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?';
/** `host[:port]`: DNS labels or an IPv6 literal in brackets. */
export const HOST_PATTERN = `(?:${LABEL}(?:\\.${LABEL})*|\\[[0-9A-Fa-f:.]+\\])(?::[0-9]{1,5})?`;
/** A registry as a host or an http(s) URL, with an optional path; no credentials, query or fragment. */
export const REGISTRY_ADDRESS_PATTERN = `(?:https?://)?${HOST_PATTERN}(?:/[A-Za-z0-9._~-]+)*/?`;

const registryExpected = 'a registry such as docker.io, ghcr.io, http://127.0.0.1:5000 or file:snapshot.json';
/** Why a registry text is refused, in the registry module's own words where it has some. */
export function registryProblem(value: string): string {
  if (value.startsWith('file:')) return 'file: must be followed by the path of a registry snapshot, such as file:registry-snapshot.json';
  try {
    parseRegistryAddress(value);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
  }
  return `must be ${registryExpected} (got ${describeValue(value)})`;
}

const registry = textMatching(registryExpected, new RegExp(`^(?:file:[\\s\\S]*\\S[\\s\\S]*|${REGISTRY_ADDRESS_PATTERN})$`, 'u'), registryProblem).meta({
  id: 'registry',
});

const FILES_RELATIVE = /^(?!!?(?:\/|[A-Za-z]:[\\/]))/u;
const filePattern = textMatching(
  'a file or glob pattern',
  FILES_RELATIVE,
  (value) => `must be relative to the config file's directory, or with git.url to the repository's root (got ${describeValue(value)})`,
);

/** A path component of the grammar (`image-ref/grammar.ts`) in which `{name}` may stand wherever a letter or digit may. */
const NAME_COMPONENT = PATH_COMPONENT_SOURCE.replaceAll('[a-z0-9]', '(?:[a-z0-9]|\\{name\\})');
const REPOSITORY_TEMPLATE = new RegExp(`^${NAME_COMPONENT}(?:/${NAME_COMPONENT})*$`, 'u');
const repository = textMatching('a repository such as lablup/kernel-{name}', REPOSITORY_TEMPLATE, (template) => {
  for (const match of template.matchAll(/\{([^{}]*)\}/g)) {
    if (match[1] !== 'name') return `unknown placeholder {${match[1]}}; only {name} (the entry's name) is replaced`;
  }
  return (
    `${JSON.stringify(template)} is not a valid repository name: use lowercase letters, digits and . _ - separators, ` +
    "path components joined by /, and {name} for the entry's name"
  );
}).meta({ id: 'repositoryTemplate' });

const PLATFORM_PART = '[A-Za-z0-9][A-Za-z0-9._-]*';
const platform = textMatching(
  'a platform such as linux/amd64',
  new RegExp(`^\\s*${PLATFORM_PART}/${PLATFORM_PART}(?:/${PLATFORM_PART})?\\s*$`, 'u'),
  (value) => {
    try {
      parsePlatform(value);
    } catch (error) {
      if (error instanceof ConfigError) return error.message;
    }
    return `must be a platform such as linux/amd64 (got ${describeValue(value)})`;
  },
).meta({ id: 'platform' });

const ignoreExpected = 'a repository glob such as bitnami/* or a rule such as redis:>=8';
/** `glob` or `glob:RANGE`, as `parseIgnoreRule` splits it: the range follows the first ":" after the last "/". */
const IGNORE_RULE = /^(?=[A-Za-z0-9*])(?:[A-Za-z0-9._*:-]+\/)*[A-Za-z0-9._*-]+(?::[^/]*\S[^/]*)?$/u;
const ignoreRule = noted(
  z
    .string({
      error: (issue) => {
        const input = issue.input;
        if (input === undefined) return undefined;
        if (isMapping(input) && Object.keys(input).length === 1) {
          const [key, range] = Object.entries(input)[0]!;
          return `must be a string such as "redis:>=8" (got a mapping: YAML read "${key}: ${String(range)}" as a key and a value; write it without a space after ":", or quote it)`;
        }
        return `must be ${ignoreExpected} (got ${describeValue(input)})`;
      },
    })
    .regex(IGNORE_RULE, {
      error: (issue) => {
        try {
          parseIgnoreRule(String(issue.input));
        } catch (error) {
          if (error instanceof ConfigError) return error.message;
        }
        return `must be ${ignoreExpected} (got ${describeValue(issue.input)})`;
      },
    }),
  { expected: ignoreExpected },
);

/** `podinfo`, or Flux's `namespace:name` as its setter markers write it (`flux-system:podinfo`); never `ignore`. */
const POLICY_NAME = /^(?!ignore$)[A-Za-z0-9][A-Za-z0-9._-]*(?::[A-Za-z0-9][A-Za-z0-9._-]*)?$/u;
const policyName = noted(
  z.string().regex(POLICY_NAME, {
    error: (issue) => {
      const name = String(issue.input);
      if (name === 'ignore') return `policy name "ignore" is reserved: "# imgsync: ignore" freezes the value it follows; choose another name`;
      return (
        `policy name ${JSON.stringify(name)} must be NAME or NAMESPACE:NAME (as Flux markers write it), each part starting with a letter or digit ` +
        'and holding only letters, digits, ".", "_" and "-"'
      );
    },
  }),
  { expected: 'NAME or NAMESPACE:NAME' },
);

const markerPolicy = mapping({
  repository: optional(
    text('a repository such as ghcr.io/stefanprodan/podinfo'),
    'Repository the policy tracks. Default: the repository of the marked reference.',
  ),
  tags: optional(tagPolicy),
}).meta({ id: 'markerPolicy' });

/** The keys of a marker policy. */
export const MARKER_POLICY_KEYS = Object.keys(markerPolicy.shape);

const policies = noted(
  z.record(policyName, markerPolicy.nullish(), {
    error: (issue) =>
      issue.code === 'invalid_type' && issue.input !== undefined
        ? `must be a mapping of policy names to policies (got ${describeValue(issue.input)})`
        : undefined,
  }),
  { expected: 'a mapping of policy names to policies' },
).meta({ id: 'markerPolicies' });
const files = oneOrList(filePattern, 'a file or glob pattern').meta({ id: 'filePatterns' });
const ignore = oneOrList(ignoreRule, ignoreExpected).meta({ id: 'ignoreRules' });

const policiesDescription =
  `Named tag policies that marker comments refer to (${formatsPhrase(POLICY_FORMATS.filter((format) => format !== 'auto'))}, where they are required, or auto): ` +
  'NAME, or NAMESPACE:NAME as Flux markers write it; not "ignore".';

/** ` Not for backendai.`: the formats whose tags never move, for the update and ignore descriptions. */
const notMoving = NOT_MOVING_NAMES.length ? ` Not for ${NOT_MOVING_NAMES.join(', ')}.` : '';
/** `; helm-values only into a digest key the block has`: where pinning is limited. */
const pinLimits = FORMATS.filter((adapter) => adapter.pins && adapter.pinLimit)
  .map((adapter) => `; ${adapter.name} ${adapter.pinLimit}`)
  .join('');

// -- one mapping per format --------------------------------------------------------------

const descriptions = {
  files:
    "fast-glob pattern(s), relative to the config file's directory, or with git.url to the cloned repository's root. A leading ! excludes. " +
    'Checked by imgsync beyond this schema: with git.url, no pattern may leave the repository (..).',
  format: `Layout of the files: ${FORMAT_NAMES_TEXT}, or auto (detected per file). Default: auto.`,
  registry:
    'Where references that name no registry host are looked up: docker.io (Docker Hub), a host (ghcr.io), a URL (http://127.0.0.1:5000), ' +
    'or file:PATH of a registry snapshot (relative to the config file). Default: docker.io.',
  repository: `Repository of an entry; {name} stands for the entry's name (${TAG_LIST_WHERE}). Default: {name}.`,
  update:
    'How far a version tag may move on its own: patch (within major.minor), minor (within the major) or major (anywhere the tag policy allows). ' +
    `A newer version held back is reported. Default: major when tags.semver is set, else minor.${notMoving}`,
  ignore:
    `Repositories to leave alone (globs: bitnami/*, ghcr.io/acme/**) and versions never to move to (repo:RANGE: redis:>=8).${notMoving} ` +
    'Checked by imgsync beyond this schema: each RANGE must parse as a semver range.',
  digest: `Digest form written: image-id-12 (short image id), image-id (full config digest) or manifest (manifest/index digest). ${DIGEST_DEFAULTS_TEXT}`,
  platform: `Platform whose image id is written for multi-platform tags, os/architecture[/variant] (${TAG_LIST_WHERE}). Default: linux/amd64.`,
  prune: `What happens to an entry whose tag vanished from the registry (${TAG_LIST_WHERE}). Default: report.`,
  pin: `Pin references with @sha256:… (${PINNABLE_FORMATS.join(', ')}${pinLimits}). Default: false.`,
} as const;

function notForFormat(key: string, format: TargetFormatName): { message: string; part: 'key' } | undefined {
  if (key in TAG_LIST_ONLY && !TAG_LIST_FORMATS.includes(format)) {
    const why = TAG_LIST_ONLY[key as keyof typeof TAG_LIST_ONLY];
    return { message: `applies only to ${formatsPhrase(TAG_LIST_NAMES)}: ${why} (this target's format is ${format}); remove it`, part: 'key' };
  }
  if ((key === 'update' || key === 'ignore') && !TAG_MOVING_FORMATS.includes(format)) {
    return { message: `applies only to ${formatsPhrase(TAG_MOVING_FORMATS)}; ${format} files follow every tag the registry has, none moves`, part: 'key' };
  }
  if (key === 'policies' && !POLICY_FORMATS.includes(format)) {
    return { message: `applies only to ${formatsPhrase(POLICY_FORMATS)} (this target's format is ${format})`, part: 'key' };
  }
  return undefined;
}

function targetOf(format: TargetFormatName) {
  const facts = factsOf(format);
  const pin = facts.pins
    ? bool()
    : noted(
        z.literal(false, {
          error: (issue) =>
            typeof issue.input === 'boolean'
              ? `applies only to ${formatsPhrase(PINNABLE_FORMATS)}; ${format} files hold no pinnable references`
              : `must be true or false (got ${describeValue(issue.input)})`,
        }),
        { expected: `false (${format} files hold no pinnable references)` },
      );
  const [onlyForm] = facts.digestForms;
  const digest =
    facts.digestForms.length > 1
      ? oneOf(facts.digestForms)
      : noted(
          z.literal(onlyForm, {
            error: () =>
              `must be ${onlyForm} for format ${format}: references are pinned to manifest digests; image ids are what ${IMAGE_ID_TITLES} files list`,
          }),
          { expected: onlyForm },
        );
  const shape = {
    files: files.describe(descriptions.files),
    format: format === 'auto' ? optional(z.literal('auto'), descriptions.format) : z.literal(format).describe(descriptions.format),
    registry: optional(registry, descriptions.registry),
    ...(facts.listsTags && { repository: optional(repository, descriptions.repository).meta({ examples: ['lablup/kernel-{name}'] }) }),
    tags: optional(facts.listsTags ? tagPolicyWithLatest : tagPolicy),
    ...(facts.movesTags && {
      update: optional(oneOf(UPDATE_LEVELS), descriptions.update),
      ignore: optional(ignore, descriptions.ignore).meta({ examples: [['bitnami/*', 'redis:>=8']] }),
    }),
    digest: optional(digest, descriptions.digest),
    ...(facts.listsTags && {
      platform: optional(platform, descriptions.platform),
      prune: optional(oneOf(PRUNE_MODES), descriptions.prune),
    }),
    pin: optional(pin, descriptions.pin),
    // required where the format names policies; `auto` may name them
    ...(facts.namesPolicies && { policies: format === 'auto' ? optional(policies, policiesDescription) : policies.describe(policiesDescription) }),
    discover: optional(facts.discovers ? discover : discoverOff(format)),
  };
  const note: Omit<SettingNote, 'expected'> = {
    unknownKey: (key) => notForFormat(key, format),
    ...(facts.namesPolicies &&
      format !== 'auto' && {
        missingKey: (key: string) =>
          key === 'policies' ? `format ${format} needs policies: { NAME: { repository: ..., tags: {...} } } for the markers to name` : undefined,
      }),
  };
  return mapping(shape, note).meta({ id: `target-${format}`, title: `a target of format ${format}` });
}

const branches = TARGET_FORMATS.map(targetOf);
const formatsExpected = `one of ${TARGET_FORMATS.join(', ')}`;

/** A target: the mapping of its format. */
export const target = noted(
  z.discriminatedUnion('format', branches as unknown as [ReturnType<typeof targetOf>, ...ReturnType<typeof targetOf>[]], {
    error: (issue) => {
      if (issue.code !== 'invalid_union') return issue.input === undefined ? undefined : `must be a mapping (got ${describeValue(issue.input)})`;
      const written = isMapping(issue.input) ? issue.input.format : undefined;
      const suggestion = typeof written === 'string' ? closest(written) : undefined;
      return `must be ${formatsExpected} (got ${describeValue(written)})${suggestion ? `; did you mean "${suggestion}"?` : ''}`;
    },
  }),
  { expected: 'a mapping', candidates: TARGET_FORMATS, fallback: branches[branches.length - 1]! },
);

/** The keys any target may have, in the order the reference lists them. */
export const TARGET_KEYS = Object.keys(branches[branches.length - 1]!.shape);

function closest(written: string): string | undefined {
  return closestMatch(written, TARGET_FORMATS);
}
