/**
 * The one definition of an imgsync config file's shape. The loader checks files against
 * it, the types of the checked data come from it (`RawConfig`), and the shipped JSON
 * Schema (`schema/imgsync.schema.json`, for editors) is generated from it at build time
 * (`configJsonSchema`). What a schema cannot say (a regular expression that compiles, a
 * range that parses, secrets, settings that depend on other settings) is checked in code
 * after the shape, by the rules in `../rules/`, which the descriptions name.
 */
import * as z from 'zod';
import { describeValue } from '../problems.js';
import { autodiscover, repositories } from './fleet.js';
import { git } from './git.js';
import { registries } from './registries.js';
import { target, TARGET_KEYS } from './target.js';
import { mapping, noted, optional, text } from './values.js';

const targets = noted(
  z
    .array(target, { error: (issue) => (issue.input === undefined ? undefined : `must be a list of targets (got ${describeValue(issue.input)})`) })
    .min(1, { error: () => 'must list at least one target, such as - files: images.yml' }),
  { expected: 'a non-empty list of targets' },
).describe('The files to keep in step with the registries.');

export const configShape = mapping(
  {
    $schema: optional(text('the URL or path of the JSON Schema'), 'The URL or path of this JSON Schema, for editors.'),
    targets,
    registries: optional(registries),
    git: optional(git),
    repositories: optional(repositories),
    autodiscover: optional(autodiscover),
  },
  {
    unknownKey: (key) => (TARGET_KEYS.includes(key) ? { message: 'is a target setting; move it under each entry of targets', part: 'key' } : undefined),
  },
)
  .describe(
    'imgsync.config.yaml / .yml / .json: which YAML files list container images, which registries they track, and where the edits are delivered. ' +
      'Checked by imgsync beyond this schema: no string anywhere may look like a token (GitHub, GitLab, Docker Hub, AWS access key, Bearer/Basic), ' +
      'a key named password takes only env:NAME or file:PATH like credentials and token, and URLs and registry addresses must parse (ports up to 65535).',
  )
  .meta({ title: 'imgsync configuration' });

/** A config file's data once its shape is checked. */
export type RawConfig = z.output<typeof configShape>;
export type RawTarget = RawConfig['targets'][number];
