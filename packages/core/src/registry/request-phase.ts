/**
 * The phase a registry request belongs to, as messages name it (`tags`, `manifest`,
 * `token`, `repositories`, `login`), so that a failure says what imgsync was doing and
 * not only which URL failed.
 */
import type { HttpRequest } from './http.js';

export function requestPhase(request: Pick<HttpRequest, 'kind' | 'url'>): string {
  if (request.kind === 'manifest-head' || request.kind === 'manifest-get') return 'manifest';
  let path = request.url;
  try {
    path = new URL(request.url).pathname;
  } catch {
    // keep the raw text
  }
  if (/\/users\/login\/?$/.test(path)) return 'login';
  if (request.kind === 'token') return 'token';
  if (/\/tags(\/list)?\/?$/.test(path)) return 'tags';
  if (/\/_catalog\/?$|\/repositories\/?$/.test(path)) return 'repositories';
  return 'request';
}
