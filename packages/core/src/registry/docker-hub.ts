/**
 * Docker Hub's own API (`hub.docker.com/v2`), which answers two questions the
 * distribution API cannot answer cheaply:
 *
 * - which repositories a namespace has —
 *   `GET /v2/namespaces/{ns}/repositories?page_size=100` -> `{ count, next, results: [{ name, namespace }] }`;
 * - every tag of a repository with its digest, push time and per-platform digests —
 *   `GET /v2/namespaces/{ns}/repositories/{repo}/tags?page_size=100` ->
 *   `{ count, next, results: [{ name, digest, tag_last_pushed, last_updated,
 *   images: [{ architecture, os, variant, digest }] }] }`.
 *
 * Neither counts against the pull rate limit, so namespace-wide discovery and "did any
 * digest move?" cost no pulls. `next` is an absolute URL; it is followed only on the
 * API's own origin and for a bounded number of pages. `images[].digest` is the
 * platform's manifest digest (equal to `digest` for a single-platform image); entries
 * with architecture `unknown` are attestations and are skipped.
 *
 * With username and password, the client logs in once (`POST /v2/users/login` ->
 * `{ token }`) so private repositories are listed too; anonymous access sees public ones.
 */
import { RegistryError } from '../errors.js';
import type { HttpTransport } from './http.js';
import type { PlatformImage, RegistryCredentials, RegistryWarning, ListedTag } from './types.js';
import { isValidDigest, isValidRepository, isValidTag } from '../image-ref/grammar.js';

const PAGE_SIZE = 100;
const MAX_PAGES = 500;

export interface DockerHubApiOptions {
  apiUrl: string;
  http: HttpTransport;
  credentials: RegistryCredentials | undefined;
}

interface HubTag {
  name?: unknown;
  digest?: unknown;
  tag_last_pushed?: unknown;
  last_updated?: unknown;
  images?: Array<{ architecture?: unknown; os?: unknown; variant?: unknown; digest?: unknown }>;
}

export class DockerHubApi {
  private login: Promise<string | undefined> | undefined;
  private readonly origin: string;

  constructor(private readonly options: DockerHubApiOptions) {
    this.origin = new URL(options.apiUrl).origin;
  }

  async repositories(namespace: string): Promise<{ repositories: string[]; warnings: RegistryWarning[] }> {
    const warnings: RegistryWarning[] = [];
    const repositories: string[] = [];
    const path = `/v2/namespaces/${encodeURIComponent(namespace)}/repositories?page_size=${PAGE_SIZE}`;
    for await (const item of this.results(path, undefined) as AsyncGenerator<{ name?: unknown }>) {
      const full = typeof item.name === 'string' ? `${namespace}/${item.name}` : undefined;
      if (!isValidRepository(full)) {
        warnings.push({ code: 'invalid-repository', message: `skipped invalid repository name ${JSON.stringify(item.name)}` });
        continue;
      }
      repositories.push(full);
    }
    return { repositories, warnings };
  }

  /** `repository` is `namespace/name` (`library/python` for official images). */
  async tags(repository: string): Promise<{ tags: ListedTag[]; warnings: RegistryWarning[] }> {
    const warnings: RegistryWarning[] = [];
    const tags: ListedTag[] = [];
    const [namespace, ...rest] = repository.split('/');
    const path = `/v2/namespaces/${encodeURIComponent(namespace!)}/repositories/${encodeURIComponent(rest.join('/'))}` + `/tags?page_size=${PAGE_SIZE}`;
    for await (const item of this.results(path, repository) as AsyncGenerator<HubTag>) {
      if (!isValidTag(item.name)) {
        warnings.push({ code: 'invalid-tag', repository, message: `skipped invalid tag ${JSON.stringify(item.name)}` });
        continue;
      }
      const tag: ListedTag = { tag: item.name };
      if (isValidDigest(item.digest)) tag.manifestDigest = item.digest;
      else if (item.digest !== undefined && item.digest !== null && item.digest !== '') {
        warnings.push({ code: 'invalid-digest', repository, tag: item.name, message: `ignored invalid digest ${JSON.stringify(item.digest)}` });
      }
      const pushed = typeof item.tag_last_pushed === 'string' ? item.tag_last_pushed : item.last_updated;
      if (typeof pushed === 'string' && !Number.isNaN(Date.parse(pushed))) tag.pushedAt = new Date(pushed).toISOString();
      const platforms: PlatformImage[] = [];
      for (const image of Array.isArray(item.images) ? item.images : []) {
        if (typeof image.os !== 'string' || typeof image.architecture !== 'string') continue;
        if (image.os === 'unknown' || image.architecture === 'unknown') continue;
        if (!isValidDigest(image.digest)) {
          if (image.digest) {
            warnings.push({
              code: 'invalid-digest',
              repository,
              tag: item.name,
              message: `skipped platform with invalid digest ${JSON.stringify(image.digest)}`,
            });
          }
          continue;
        }
        platforms.push({
          os: image.os,
          architecture: image.architecture,
          ...(typeof image.variant === 'string' && image.variant ? { variant: image.variant } : {}),
          manifestDigest: image.digest,
          imageId: undefined,
        });
      }
      if (platforms.length > 0) tag.platforms = platforms;
      tags.push(tag);
    }
    return { tags, warnings };
  }

  private async *results(firstPath: string, repository: string | undefined): AsyncGenerator<unknown> {
    const where = { registry: 'docker.io', ...(repository ? { repository } : {}) };
    const seen = new Set<string>();
    let next: string | undefined = `${this.options.apiUrl.replace(/\/+$/, '')}${firstPath}`;
    for (let page = 0; next && page < MAX_PAGES; page++) {
      if (seen.has(next)) break;
      seen.add(next);
      const token = await this.token();
      const response = await this.options.http.send({
        url: next,
        kind: 'hub-api',
        json: true,
        headers: { accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        ...(repository ? { repository } : {}),
      });
      if (response.status === 404)
        throw new RegistryError(repository ? 'repository not found on Docker Hub' : 'namespace not found on Docker Hub', { ...where, status: 404 });
      if (response.status === 401 || response.status === 403) {
        throw new RegistryError('Docker Hub API refused access; check the credentials', { ...where, status: response.status });
      }
      if (response.status < 200 || response.status >= 300) {
        throw new RegistryError('unexpected answer from the Docker Hub API', { ...where, status: response.status });
      }
      const body = response.json as { results?: unknown; next?: unknown } | null;
      for (const item of Array.isArray(body?.results) ? body.results : []) {
        if (item && typeof item === 'object') yield item;
      }
      next = undefined;
      if (typeof body?.next === 'string' && body.next) {
        const url = new URL(body.next, response.url);
        if (url.origin === this.origin) next = url.toString();
      }
    }
  }

  private token(): Promise<string | undefined> {
    const { credentials } = this.options;
    if (!credentials || !('password' in credentials)) return Promise.resolve(undefined);
    this.login ??= (async () => {
      const response = await this.options.http.send({
        url: `${this.options.apiUrl.replace(/\/+$/, '')}/v2/users/login`,
        method: 'POST',
        kind: 'token',
        json: true,
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ username: credentials.username, password: credentials.password }),
      });
      const token = (response.json as { token?: unknown } | undefined)?.token;
      if (response.status !== 200 || typeof token !== 'string') {
        throw new RegistryError('Docker Hub login failed; check the username and password or access token', {
          registry: 'docker.io',
          status: response.status,
        });
      }
      return token;
    })();
    return this.login;
  }
}
