/**
 * `git`: where the edited files are delivered. Only https/http remotes are accepted
 * (delivery is pure-JS git over HTTPS or the GitHub API; there is no ssh), and a remote
 * URL may not carry credentials: the token comes from `token: env:NAME`.
 */
import { CONFIG_ENUMS, CONFIG_KEYS } from './config-keys.js';
import type { ConfigReader } from './config-reader.js';
import type { GitAuthorConfig, GitConfig } from './types.js';
import { absoluteFileRef } from './validate-registries.js';

export const DEFAULT_GIT_AUTHOR = { name: 'imgsync', email: 'imgsync@example.invalid' } as const;
export const DEFAULT_GITHUB_API_URL = 'https://api.github.com';
const MESSAGE_PLACEHOLDERS = ['summary'];

/** Git's rules for branch names (`git check-ref-format --branch`), the common cases. */
const BAD_BRANCH = /(^[-/.])|([/.]$)|\.\.|\/\/|@\{|\.lock(\/|$)|\/\.|[\x00-\x20~^:?*[\\\x7f]/;

export function validateGit(reader: ConfigReader, value: unknown, dir: string): GitConfig | undefined {
  if (value === undefined || value === null) return undefined;
  const raw = reader.mapping(['git'], value, CONFIG_KEYS.git);
  const has = (name: string): boolean => raw[name] !== undefined && raw[name] !== null;

  let url: string | undefined;
  if (has('url')) {
    if (typeof raw.url === 'string' && /^(ssh:\/\/|git@|[\w.-]+@[\w.-]+:)/.test(raw.url)) {
      reader.fail(['git', 'url'], 'ssh remotes are not supported; use the https URL of the repository and token: env:NAME');
    }
    url = reader.url(['git', 'url'], raw.url);
  }

  let branch: string | undefined;
  if (has('branch')) {
    branch = reader.string(['git', 'branch'], raw.branch, 'a branch name such as main');
    if (BAD_BRANCH.test(branch)) reader.fail(['git', 'branch'], `${JSON.stringify(branch)} is not a valid git branch name`);
  }

  let author: GitAuthorConfig = { ...DEFAULT_GIT_AUTHOR };
  if (has('author')) {
    const rawAuthor = reader.mapping(['git', 'author'], raw.author, CONFIG_KEYS.gitAuthor, ['name', 'email']);
    const email = reader.string(['git', 'author', 'email'], rawAuthor.email, 'an email address');
    if (!/^[^\s@<>]+@[^\s@<>]+$/.test(email)) reader.fail(['git', 'author', 'email'], `must be an email address such as imgsync@example.com (got ${JSON.stringify(email)})`);
    author = { name: reader.string(['git', 'author', 'name'], rawAuthor.name, 'a name'), email };
  }

  let message: string | undefined;
  if (has('message')) {
    message = reader.string(['git', 'message'], raw.message, 'a commit subject template such as "chore(images): {summary}"');
    for (const match of message.matchAll(/\{([^{}]*)\}/g)) {
      if (!MESSAGE_PLACEHOLDERS.includes(match[1]!)) {
        reader.fail(['git', 'message'], `unknown placeholder {${match[1]}}; only {summary} (the generated summary of changes) is replaced`);
      }
    }
  }

  return {
    url,
    branch,
    mode: has('mode') ? reader.oneOf(['git', 'mode'], raw.mode, CONFIG_ENUMS.mode) : 'push',
    author,
    token: has('token') ? absoluteFileRef(reader.secretRef(['git', 'token'], raw.token, 'IMGSYNC_GIT_TOKEN'), dir) : undefined,
    githubApiUrl: has('githubApiUrl') ? reader.url(['git', 'githubApiUrl'], raw.githubApiUrl) : DEFAULT_GITHUB_API_URL,
    message,
    where: reader.where(['git'], 'key'),
  };
}
