/** `url-parses`: a URL the schema's pattern lets through is one Node's URL parser reads (a port past 65535 is not). */
import { isMapping, type RawProblem } from '../problems.js';
import type { ConfigKeyPath } from '../source-locations.js';
import { type CodeRule, problem } from './code-rule.js';

function urls(data: unknown): [ConfigKeyPath, string][] {
  const found: [ConfigKeyPath, string][] = [];
  if (!isMapping(data)) return found;
  if (isMapping(data.git)) {
    for (const key of ['url', 'githubApiUrl']) {
      const value = data.git[key];
      if (typeof value === 'string') found.push([['git', key], value]);
    }
  }
  if (isMapping(data.registries)) {
    for (const [registry, settings] of Object.entries(data.registries)) {
      if (!isMapping(settings)) continue;
      for (const key of ['hubApiUrl', 'mirror']) {
        const value = settings[key];
        if (typeof value === 'string') found.push([['registries', registry, key], value]);
      }
    }
  }
  return found;
}

export const urlParses: CodeRule = {
  name: 'url-parses',
  description: 'git.url, git.githubApiUrl, hubApiUrl and mirror are URLs that parse.',
  check(data) {
    const out: RawProblem[] = [];
    for (const [at, value] of urls(data)) {
      if (!/^https?:\/\/[^\s@]*$/.test(value)) continue; // the shape check reports these
      try {
        new URL(value);
      } catch {
        out.push(problem(this.name, at, `must be an http or https URL (got ${JSON.stringify(value)})`));
      }
    }
    return out;
  },
};
