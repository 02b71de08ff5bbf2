/**
 * The OCI Distribution API, as every registry speaks it (Docker Hub's registry, GHCR,
 * Quay, ECR, Harbor, the CNCF distribution registry):
 *
 * | operation | request |
 * | --- | --- |
 * | catalog | `GET /v2/_catalog?n=…` then the `Link: <…>; rel="next"` pages |
 * | tags | `GET /v2/<name>/tags/list?n=…` then the `Link` pages |
 * | digest of a tag | `HEAD /v2/<name>/manifests/<tag>` -> `Docker-Content-Digest`, `Content-Type` |
 * | manifest | `GET /v2/<name>/manifests/<digest>`, body checked against the digest |
 *
 * Each request carries the Authorization header {@link RegistryAuth} gives for its scope;
 * a 401 teaches the auth its challenge and the request is sent once more. Pagination
 * follows only links on the registry's own origin and stops after a bounded number of
 * pages or when a link repeats, so a misbehaving server cannot loop the client.
 */
import { RegistryError } from '../errors.js';
import type { HttpRequest, HttpResponse, HttpTransport } from './http.js';
import { MANIFEST_ACCEPT } from './manifest.js';
import type { RegistryAddress } from './registry-address.js';
import { CATALOG_SCOPE, pullScope, type RegistryAuth } from './token-auth.js';
import { isValidDigest, isValidRepository, isValidTag } from '../image-ref/grammar.js';
import type { RegistryWarning } from './types.js';

const PAGE_SIZE = 1000;
const MAX_PAGES = 1000;

export interface ManifestHead {
  /** Undefined when the registry sent no (valid) Docker-Content-Digest. */
  digest: string | undefined;
  mediaType: string | undefined;
}

export class OciDistributionClient {
  constructor(
    private readonly address: RegistryAddress,
    private readonly http: HttpTransport,
    private readonly auth: RegistryAuth,
  ) {}

  /** All repositories under `namespace/` (all repositories for an empty namespace). */
  async catalog(namespace: string): Promise<{ repositories: string[]; warnings: RegistryWarning[] }> {
    const warnings: RegistryWarning[] = [];
    const prefix = namespace ? `${namespace.replace(/\/+$/, '')}/` : '';
    const repositories: string[] = [];
    for await (const page of this.pages(`/v2/_catalog?n=${PAGE_SIZE}`, CATALOG_SCOPE, undefined, 'catalog')) {
      const names = (page as { repositories?: unknown }).repositories;
      for (const name of Array.isArray(names) ? names : []) {
        if (!isValidRepository(name)) {
          warnings.push({ code: 'invalid-repository', message: `skipped invalid repository name ${JSON.stringify(name)}` });
          continue;
        }
        if (name.startsWith(prefix)) repositories.push(name);
      }
    }
    return { repositories, warnings };
  }

  /** All tag names of a repository, invalid ones dropped with a warning. */
  async tags(repository: string): Promise<{ tags: string[]; warnings: RegistryWarning[] }> {
    const warnings: RegistryWarning[] = [];
    const tags: string[] = [];
    const path = `/v2/${repository}/tags/list?n=${PAGE_SIZE}`;
    for await (const page of this.pages(path, pullScope(repository), repository, 'repository')) {
      const names = (page as { tags?: unknown }).tags;
      for (const tag of Array.isArray(names) ? names : []) {
        if (isValidTag(tag)) tags.push(tag);
        else warnings.push({ code: 'invalid-tag', repository, message: `skipped invalid tag ${JSON.stringify(tag)}` });
      }
    }
    return { tags, warnings };
  }

  /** HEAD of a manifest: its digest and media type without downloading it (not a pull on Docker Hub). */
  async headManifest(repository: string, reference: string): Promise<ManifestHead> {
    const response = await this.send(
      { url: this.url(`/v2/${repository}/manifests/${reference}`), method: 'HEAD', kind: 'manifest-head', headers: { accept: MANIFEST_ACCEPT } },
      pullScope(repository),
      repository,
    );
    this.expectOk(response, repository, `manifest ${reference}`);
    const digest = response.headers.get('docker-content-digest') ?? undefined;
    return { digest: isValidDigest(digest) ? digest : undefined, mediaType: mediaTypeOf(response) };
  }

  /**
   * GET of a manifest. By digest the body is verified against it (and re-fetched if it
   * does not match); by tag the caller computes the digest.
   */
  async getManifest(repository: string, reference: string): Promise<{ document: unknown; mediaType: string | undefined; body: Uint8Array }> {
    const response = await this.send(
      {
        url: this.url(`/v2/${repository}/manifests/${reference}`),
        kind: 'manifest-get',
        headers: { accept: MANIFEST_ACCEPT },
        json: true,
        ...(isValidDigest(reference) ? { expectDigest: reference } : {}),
      },
      pullScope(repository),
      repository,
    );
    this.expectOk(response, repository, `manifest ${reference}`);
    return { document: response.json, mediaType: mediaTypeOf(response), body: response.body };
  }

  /** Sends with the auth header for `scope`; on 401, learns the challenge and sends once more. */
  private async send(request: HttpRequest, scope: string | undefined, repository: string | undefined, returnUnauthorized = false): Promise<HttpResponse> {
    const withAuth = async (): Promise<HttpRequest> => {
      const authorization = await this.auth.headerFor(scope, repository);
      return {
        ...request,
        ...(repository ? { repository } : {}),
        headers: { ...request.headers, ...(authorization ? { authorization } : {}) },
      };
    };
    const first = await withAuth();
    let response = await this.http.send(first);
    if (response.status === 401) {
      await this.auth.onUnauthorized(response.headers.get('www-authenticate'), scope, repository, first.headers?.authorization);
      response = await this.http.send(await withAuth());
      if (response.status === 401 && !returnUnauthorized) {
        const reason = this.auth.hasCredentials
          ? 'access denied: the registry refused the credentials, or they do not grant access here'
          : 'access denied to anonymous callers; credentials are needed';
        throw new RegistryError(reason, this.where(repository, 401));
      }
    }
    return response;
  }

  private async *pages(firstPath: string, scope: string, repository: string | undefined, what: 'catalog' | 'repository') {
    const seen = new Set<string>();
    let next: string | undefined = this.url(firstPath);
    for (let page = 0; next && page < MAX_PAGES; page++) {
      if (seen.has(next)) break;
      seen.add(next);
      const response = await this.send({ url: next, kind: what === 'catalog' ? 'catalog' : 'tag-list', json: true }, scope, repository, what === 'catalog');
      if (what === 'catalog' && (response.status === 404 || response.status === 401 || response.status === 403)) {
        throw new RegistryError(
          'this registry does not allow listing its repositories (/v2/_catalog); list the repositories in the config instead',
          this.where(undefined, response.status),
        );
      }
      this.expectOk(response, repository, what === 'catalog' ? 'catalog' : 'tag list');
      yield response.json ?? {};
      next = this.nextLink(response.headers.get('link'), response.url);
    }
  }

  private nextLink(link: string | null, current: string): string | undefined {
    if (!link) return undefined;
    const match = /<([^>]+)>\s*;[^,]*rel="?next"?/i.exec(link);
    if (!match) return undefined;
    const url = new URL(match[1]!, current);
    return url.origin === new URL(this.address.baseUrl).origin ? url.toString() : undefined;
  }

  private expectOk(response: HttpResponse, repository: string | undefined, what: string): void {
    if (response.status >= 200 && response.status < 300) return;
    const reason = response.status === 404 ? `${what} not found` : response.status === 403 ? `access to ${what} denied` : `unexpected answer for ${what}`;
    throw new RegistryError(reason, this.where(repository, response.status));
  }

  private where(repository: string | undefined, status: number | undefined) {
    return { registry: this.address.name, ...(repository ? { repository } : {}), ...(status ? { status } : {}) };
  }

  private url(path: string): string {
    return `${this.address.baseUrl}${path}`;
  }
}

function mediaTypeOf(response: HttpResponse): string | undefined {
  const type = response.headers.get('content-type');
  return type ? type.split(';')[0]!.trim() : undefined;
}
