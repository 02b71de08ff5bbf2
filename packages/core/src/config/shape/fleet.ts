/**
 * A fleet: one run over many git repositories, each cloned, edited and pushed (or given a
 * pull request) on its own, with the registries asked once for all of them.
 *
 * ```yaml
 * repositories:                          # instead of git.url
 *   - https://github.com/acme/api.git    # a URL: the shared targets, git.mode
 *   - url: https://github.com/acme/charts.git
 *     branch: main
 *     mode: pull-request
 *     targets: [{ files: ['charts/*\/values.yaml'], format: helm-values }]
 * autodiscover:                          # and/or every repository of a GitHub organisation
 *   organization: acme
 *   topic: imgsync                       # only repositories with this topic
 *   name: 'svc-*'                        # only names matching this glob
 * ```
 *
 * `git:` then holds what the repositories share (token, author, mode, message,
 * githubApiUrl), never `url`. Code-only rules: no `git.url` beside a fleet; no repository
 * listed twice; the name glob compiles.
 */
import { GIT_MODES, SSH_REMOTE } from './git.js';
import { target } from './target.js';
import { httpUrl } from './url.js';
import * as z from 'zod';
import { describeValue } from '../problems.js';
import { bool, mapping, noted, oneOf, optional, text, textMatching } from './values.js';

const url = httpUrl((value) => (SSH_REMOTE.test(value) ? 'ssh remotes are not supported; use the https URL of the repository' : undefined));

const repositoryEntry = mapping({
  url,
  branch: optional(text('a branch name such as main'), "Branch to update. Default: the remote's default branch."),
  mode: optional(oneOf(GIT_MODES), 'push or pull-request for this repository. Default: git.mode, else push.'),
  targets: optional(
    noted(z.array(target).min(1, { error: () => 'must list at least one target, or be left out to use the shared targets' }), {
      expected: 'a non-empty list of targets',
    }),
    "This repository's own targets, instead of the shared ones. Their files are relative to the repository's root.",
  ),
}).meta({ id: 'fleetRepository', title: 'a repository of the fleet' });

/** The keys of a repository entry. */
export const FLEET_REPOSITORY_KEYS = Object.keys(repositoryEntry.shape);

const repositoryItem = noted(z.union([url, repositoryEntry]), {
  expected: 'a repository URL or a mapping with url',
  pick: (input) => (typeof input === 'string' ? 0 : 1),
  mismatch: (input) =>
    typeof input === 'string' || (typeof input === 'object' && input !== null && !Array.isArray(input))
      ? undefined
      : `must be a repository URL or a mapping with url (got ${describeValue(input)})`,
});

export const repositories = noted(
  z.array(repositoryItem).min(1, { error: () => 'must list at least one repository, such as - https://github.com/acme/api.git' }),
  { expected: 'a non-empty list of repositories' },
).describe(
  'A fleet: the git repositories one run keeps in step, each cloned and delivered on its own (git: holds what they share; no git.url). ' +
    'Checked by imgsync beyond this schema: no repository twice, no git.url beside it.',
);

const autodiscoverMapping = mapping({
  organization: textMatching('a GitHub organisation or user such as acme', /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/u),
  topic: optional(textMatching('a GitHub topic such as imgsync', /^[a-z0-9][a-z0-9-]{0,49}$/u), 'Only repositories with this topic.'),
  name: optional(
    text('a glob over repository names such as svc-*'),
    'Only repositories whose name matches this glob. Checked by imgsync beyond this schema: it compiles.',
  ),
  includeArchived: optional(bool(), 'Also archived repositories (they cannot be pushed to). Default: false.'),
}).meta({ id: 'autodiscover', title: 'repositories found through the GitHub API' });

/** The keys of `autodiscover`. */
export const AUTODISCOVER_KEYS = Object.keys(autodiscoverMapping.shape);

export const autodiscover = autodiscoverMapping.describe(
  'Add the repositories of a GitHub organisation (or user) to the fleet, through the GitHub API (git.githubApiUrl for GitHub Enterprise, git.token): not forks, not archived unless includeArchived, filtered by topic and name.',
);
