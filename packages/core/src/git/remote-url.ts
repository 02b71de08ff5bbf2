/**
 * Remote URLs as imgsync stores them: without credentials. A token embedded in a URL
 * (`https://x-access-token:TOKEN@github.com/o/r.git`, or `https://TOKEN@…`) is taken out
 * and used through `onAuth` instead, so it never reaches `.git/config`.
 */
import { GitError, stripUrlCredentials } from '../errors.js';

export interface SplitUrl {
  url: string;
  token?: string;
  username?: string;
}

export function splitRemoteUrl(raw: string): SplitUrl {
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new GitError('clone', `not an http(s) URL: ${stripUrlCredentials(raw)}`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new GitError('clone', `only http(s) remotes are supported (no ssh without an ssh binary): ${stripUrlCredentials(raw)}`);
  }
  const user = decodeURIComponent(parsed.username);
  const password = decodeURIComponent(parsed.password);
  parsed.username = '';
  parsed.password = '';
  const url = parsed.toString();
  if (password) return { url, token: password, username: user || undefined };
  if (user) return { url, token: user };
  return { url };
}
