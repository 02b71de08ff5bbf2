/**
 * `github-api-transport`: `git.transport: github-api` reads and writes through the GitHub
 * REST API, so every repository it applies to must be one the API serves: a github.com
 * URL, or any URL when `git.githubApiUrl` names the (GitHub Enterprise) API. A local
 * checkout (no `git.url`, no fleet) cannot be delivered that way: its branch would not move.
 */
import { apiBaseFor, GITHUB_COM_API } from '../../git/workspace.js';
import { isMapping, type RawProblem } from '../problems.js';
import type { ConfigKeyPath } from '../source-locations.js';
import { type CodeRule, problem } from './code-rule.js';

export const githubApiTransport: CodeRule = {
  name: 'github-api-transport',
  description: 'git.transport: github-api only for repositories on github.com, or with git.githubApiUrl; never for the local checkout.',
  check(data) {
    const out: RawProblem[] = [];
    if (!isMapping(data) || !isMapping(data.git) || data.git.transport !== 'github-api') return out;
    const apiUrl = typeof data.git.githubApiUrl === 'string' ? data.git.githubApiUrl : undefined;
    if (apiUrl !== undefined && apiUrl.replace(/\/+$/, '') !== GITHUB_COM_API) return out; // any URL, through that API
    const urls: [ConfigKeyPath, string][] = [];
    if (typeof data.git.url === 'string') urls.push([['git', 'url'], data.git.url]);
    if (Array.isArray(data.repositories)) {
      data.repositories.forEach((entry, index) => {
        if (typeof entry === 'string') urls.push([['repositories', index], entry]);
        else if (isMapping(entry) && typeof entry.url === 'string') urls.push([['repositories', index, 'url'], entry.url]);
      });
    }
    const fleet = data.repositories !== undefined || data.autodiscover !== undefined;
    if (!urls.length && !fleet) {
      out.push(
        problem(
          this.name,
          ['git', 'transport'],
          'github-api needs git.url: without it imgsync commits in the checkout of the working directory, which the GitHub API cannot update; set git.url or use transport: clone',
        ),
      );
    }
    for (const [at, url] of urls) {
      if (apiBaseFor(url) === undefined) {
        out.push(
          problem(
            this.name,
            at,
            `is not on github.com, so transport github-api cannot reach it; set git.githubApiUrl (https://HOST/api/v3 for GitHub Enterprise) or use transport: clone or auto (got ${JSON.stringify(url)})`,
          ),
        );
      }
    }
    return out;
  },
};
