/**
 * `git`: where the edited files are delivered. Only https/http remotes are accepted
 * (delivery is pure-JS git over HTTPS or the GitHub API; there is no ssh), and a remote
 * URL may not carry credentials: the token comes from `token: env:NAME`.
 */
import { secretRef } from './secret-ref.js';
import { httpUrl } from './url.js';
import { mapping, oneOf, optional, text, textMatching } from './values.js';

export const GIT_MODES = ['push', 'pull-request'] as const;
/** How a remote is read and written (see `git/workspace.ts`). */
export const GIT_TRANSPORTS = ['auto', 'clone', 'github-api'] as const;
/** The commit author when `git.author` is not set. */
export const DEFAULT_GIT_AUTHOR = { name: 'imgsync', email: 'imgsync@example.invalid' } as const;
export const DEFAULT_GITHUB_API_URL = 'https://api.github.com';

/** Git's rules for branch names (`git check-ref-format --branch`), the common cases. */
// git's check-ref-format: no control characters, among others
// eslint-disable-next-line no-control-regex
const BRANCH = /^(?![-/.])(?![\s\S]*[/.]$)(?![\s\S]*\.\.)(?![\s\S]*\/\/)(?![\s\S]*@\{)(?![\s\S]*\.lock(?:\/|$))(?![\s\S]*\/\.)[^\x00-\x20~^:?*[\\\x7f]+$/u;

/** `{summary}` is the only placeholder of a commit message. */
const MESSAGE_PLACEHOLDERS = /^(?![\s\S]*\{(?!summary\})[^{}]*\})/u;

/** `ssh://…`, `git@host:…`, `user@host:…`: remotes delivery cannot reach (no ssh). */
export const SSH_REMOTE = /^(ssh:\/\/|git@|[\w.-]+@[\w.-]+:)/;

const author = mapping({
  name: text('a name'),
  email: textMatching(
    'an email address',
    /^[^\s@<>]+@[^\s@<>]+$/u,
    (email) => `must be an email address such as imgsync@example.com (got ${JSON.stringify(email)})`,
  ),
}).describe('Commit author. Default: imgsync <imgsync@example.invalid>.');

/** The keys of `author`. */
export const GIT_AUTHOR_KEYS = Object.keys(author.shape);

export const git = mapping({
  url: optional(
    httpUrl((value) => (SSH_REMOTE.test(value) ? 'ssh remotes are not supported; use the https URL of the repository and token: env:NAME' : undefined)),
    'https (or http) URL of the repository to clone, without credentials. Omit to use the checkout in the working directory.',
  ),
  branch: optional(
    textMatching('a branch name such as main', BRANCH, (branch) => `${JSON.stringify(branch)} is not a valid git branch name`),
    "Branch to update (a valid git branch name). Default: the remote's default branch.",
  ),
  mode: optional(oneOf(GIT_MODES), 'push: commit and push to the branch; pull-request: push a side branch and open or update a pull request. Default: push.'),
  author: optional(author),
  token: optional(secretRef, 'Token for pushing and for the GitHub API: env:NAME or file:PATH.').meta({ examples: ['env:IMGSYNC_GIT_TOKEN'] }),
  githubApiUrl: optional(httpUrl(), 'GitHub REST API base, for GitHub Enterprise. Default: https://api.github.com.'),
  transport: optional(
    oneOf(GIT_TRANSPORTS),
    'How the repository is read and written. github-api: through the GitHub REST API, no clone (memory follows the files edited, not the repository); ' +
      'clone: a shallow clone over HTTPS (any forge); auto: github-api for github.com URLs and for a GitHub Enterprise host whose githubApiUrl is set, clone otherwise. Default: auto. ' +
      'Checked by imgsync beyond this schema: github-api needs git.url (or repositories) on github.com, or githubApiUrl.',
  ),
  message: optional(
    textMatching('a commit subject template such as "chore(images): {summary}"', MESSAGE_PLACEHOLDERS, (message) => {
      const bad = /\{([^{}]*)\}/g.exec(message.replaceAll('{summary}', ''))?.[1] ?? '';
      return `unknown placeholder {${bad}}; only {summary} (the generated summary of changes) is replaced`;
    }),
    'Commit subject template; {summary} is replaced by the generated summary.',
  ).meta({ examples: ['chore(images): {summary}'] }),
}).describe('Where edits are delivered. Omit to leave the working tree edited and uncommitted.');
