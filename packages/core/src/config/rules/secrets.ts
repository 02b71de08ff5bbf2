/**
 * Secrets never go in the config file: under `credentials`, `token` and `password` (in any
 * mapping) only `env:NAME` or `file:PATH` references are accepted, and a string shaped like
 * a well-known token is refused wherever it is written. These run before every other check,
 * and their messages never show the value.
 */
import { looksLikeSecret, parseRef } from '../env-refs.js';
import { isMapping, type RawProblem } from '../problems.js';
import { secretRefProblem } from '../shape/secret-ref.js';
import type { ConfigKeyPath } from '../source-locations.js';
import { type CodeRule, problem } from './code-rule.js';

/** Keys whose values are secrets: only `env:NAME` or `file:PATH` references are accepted. */
export const SECRET_KEYS: readonly string[] = ['credentials', 'token', 'password'];

const TOKEN_SHAPED =
  'looks like a token or password (value not shown); secrets must not be written in the config file: ' +
  'put it in an environment variable and refer to it as credentials: env:NAME or token: env:NAME';

function walk(value: unknown, keyPath: ConfigKeyPath, out: RawProblem[], depth = 0): void {
  if (depth > 64) return;
  if (typeof value === 'string') {
    if (looksLikeSecret(value)) out.push(problem('no-token-in-file', keyPath, TOKEN_SHAPED));
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, index) => walk(item, [...keyPath, index], out, depth + 1));
    return;
  }
  if (!isMapping(value)) return;
  for (const [key, item] of Object.entries(value)) {
    // A mapping under such a key is a name (a marker policy called `token`), not a secret.
    const literal = typeof item !== 'string' || parseRef(item).kind === 'literal';
    if (SECRET_KEYS.includes(key) && item !== undefined && item !== null && !isMapping(item) && literal) {
      out.push(problem('secret-reference', [...keyPath, key], secretRefProblem(item)));
      continue;
    }
    walk(item, [...keyPath, key], out, depth + 1);
  }
}

export const secretRules: CodeRule = {
  name: 'secret-reference, no-token-in-file',
  description:
    'credentials, token and password (in any mapping) take only env:NAME or file:PATH; a string shaped like a GitHub, GitLab or Docker Hub token, ' +
    'an AWS access key id or a Bearer/Basic credential is refused anywhere; the value is never shown.',
  check(data) {
    const out: RawProblem[] = [];
    walk(data, [], out);
    return out;
  },
};
