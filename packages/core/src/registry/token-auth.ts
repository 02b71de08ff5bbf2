/**
 * Registry authentication as Docker's clients do it:
 *
 * 1. A request without credentials gets `401` and a `WWW-Authenticate` challenge.
 * 2. `Basic realm="..."` — send the username and password on every request.
 * 3. `Bearer realm="https://auth/token",service="registry",scope="repository:x:pull"` — ask the
 *    realm for a token (`GET realm?service=...&scope=...`, with Basic credentials when we
 *    have them; with an identity token, `POST` an OAuth2 `refresh_token` grant instead) and
 *    send `Authorization: Bearer <token>`.
 *
 * Tokens are cached per scope until shortly before `expires_in` runs out, and concurrent
 * requests for the same scope share one token request. Once a registry has answered with a
 * Bearer challenge, tokens for further scopes are fetched before the first request to a
 * repository, saving the 401 round trip per repository.
 *
 * Credentials go only into `Authorization` headers; they never appear in an error message
 * (every {@link RegistryError} is redacted, and the realm is named without its query).
 *
 * The realm is whatever the registry's challenge says, so a hostile or misconfigured
 * registry could name any URL. Configured credentials (Basic, or an identity token) go to a
 * realm only when {@link realmRefusal} finds nothing wrong with it: on the registry's own
 * host or an auth server the config names (`registries.<r>.authServer`; `auth.docker.io`
 * for Docker Hub), and over https (plain http only on this machine, or on the registry's
 * own host when the registry itself is reached over http). Anonymous token requests carry
 * nothing secret and go wherever the challenge says.
 */
import { RegistryError } from '../errors.js';
import type { HttpTransport } from './http.js';
import { isLoopbackHost } from './registry-address.js';
import type { RegistryCredentials } from './types.js';

export interface AuthChallenge {
  scheme: 'basic' | 'bearer';
  params: Record<string, string>;
}

/**
 * Parses a `WWW-Authenticate` header into its scheme and parameters. Only the first
 * challenge is read; registries send one.
 *
 * @example parseChallenge('Bearer realm="https://auth.docker.io/token",service="registry.docker.io"')
 * // { scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io' } }
 */
export function parseChallenge(header: string | null): AuthChallenge | undefined {
  if (!header) return undefined;
  const match = /^\s*(\w+)\s*(.*)$/s.exec(header);
  if (!match) return undefined;
  const scheme = match[1]!.toLowerCase();
  if (scheme !== 'basic' && scheme !== 'bearer') return undefined;
  const params: Record<string, string> = {};
  const paramPattern = /([A-Za-z_][\w-]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))/g;
  for (const param of match[2]!.matchAll(paramPattern)) {
    params[param[1]!.toLowerCase()] = param[2] !== undefined ? param[2].replace(/\\(.)/g, '$1') : param[3]!;
  }
  return { scheme, params };
}

/** `repository:lablup/python:pull` — the scope for reading one repository. */
export function pullScope(repository: string): string {
  return `repository:${repository}:pull`;
}

export const CATALOG_SCOPE = 'registry:catalog:*';

interface CachedToken {
  header: string;
  expiresAt: number;
}

export interface RegistryAuthOptions {
  registry: string;
  /** The distribution API base the requests go to (`https://ghcr.io`): its host may receive credentials. */
  baseUrl: string;
  /** Other hosts (`auth.docker.io`) whose token service may receive the credentials. */
  authServers?: readonly string[];
  credentials: RegistryCredentials | undefined;
  http: HttpTransport;
  now: () => number;
}

/** Holds one registry's authentication state: its challenge and its tokens by scope. */
export class RegistryAuth {
  private challenge: AuthChallenge | undefined;
  private readonly tokens = new Map<string, CachedToken>();
  private readonly pending = new Map<string, Promise<CachedToken>>();

  constructor(private readonly options: RegistryAuthOptions) {}

  get hasCredentials(): boolean {
    return this.options.credentials !== undefined;
  }

  /** The Authorization header to send for `scope` now, fetching a token if the registry wants one. */
  async headerFor(scope: string | undefined, repository?: string): Promise<string | undefined> {
    const { challenge } = this;
    if (!challenge) return undefined;
    if (challenge.scheme === 'basic') return this.basicHeader(repository);
    const token = await this.token(scope ?? '', undefined, repository);
    return token.header;
  }

  /**
   * Learns from a 401: remembers the challenge and, for Bearer, fetches a fresh token for
   * `scope` (the challenge's own scope wins when it names one). The caller retries once.
   * `refused` is the Authorization header the 401 answered: a token is only thrown away
   * when it is the refused one, so concurrent 401s for one scope cost one token request.
   */
  async onUnauthorized(wwwAuthenticate: string | null, scope: string | undefined, repository: string | undefined, refused: string | undefined): Promise<void> {
    const challenge = parseChallenge(wwwAuthenticate);
    if (!challenge) {
      throw new RegistryError('unauthorized, and the registry sent no usable WWW-Authenticate challenge', {
        registry: this.options.registry,
        ...(repository ? { repository } : {}),
        status: 401,
      });
    }
    this.challenge = challenge;
    if (challenge.scheme === 'basic') {
      this.basicHeader(repository); // throws when there is nothing to send
      return;
    }
    const key = scope ?? '';
    if (refused !== undefined && this.tokens.get(key)?.header === refused) this.tokens.delete(key);
    await this.token(key, challenge.params.scope, repository);
  }

  private basicHeader(repository: string | undefined): string {
    const { credentials } = this.options;
    if (!credentials || !('password' in credentials)) {
      throw new RegistryError('the registry requires a username and password (Basic auth); none were given', {
        registry: this.options.registry,
        ...(repository ? { repository } : {}),
        status: 401,
      });
    }
    return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
  }

  private async token(scope: string, challengeScope: string | undefined, repository: string | undefined): Promise<CachedToken> {
    const cached = this.tokens.get(scope);
    if (cached && cached.expiresAt > this.options.now()) return cached;
    const inFlight = this.pending.get(scope);
    if (inFlight) return inFlight;
    const request = this.fetchToken(challengeScope ?? scope, repository)
      .then((token) => {
        this.tokens.set(scope, token);
        return token;
      })
      .finally(() => this.pending.delete(scope));
    this.pending.set(scope, request);
    return request;
  }

  private async fetchToken(scope: string, repository: string | undefined): Promise<CachedToken> {
    const { registry, credentials, http, now } = this.options;
    const where = { registry, ...(repository ? { repository } : {}) };
    const realm = this.challenge?.params.realm;
    if (!realm) throw new RegistryError('Bearer challenge without a realm', { ...where, status: 401 });
    let url: URL;
    try {
      url = new URL(realm);
    } catch {
      throw new RegistryError('Bearer challenge with an invalid realm URL', { ...where, status: 401 });
    }
    if (credentials) {
      const refusal = realmRefusal(url, new URL(this.options.baseUrl), this.options.authServers ?? []);
      if (refusal) throw new RegistryError(`${refusal}; the credentials were not sent`, { ...where, status: 401 });
    }
    const service = this.challenge?.params.service;
    const started = now();
    let response;
    if (credentials && 'identityToken' in credentials) {
      const form = new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: credentials.identityToken,
        client_id: 'imgsync',
        ...(service ? { service } : {}),
        ...(scope ? { scope } : {}),
      });
      response = await http.send({
        url: url.toString(),
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form.toString(),
        kind: 'token',
        json: true,
        ...(repository ? { repository } : {}),
      });
    } else {
      if (service) url.searchParams.set('service', service);
      for (const part of scope.split(' ').filter(Boolean)) url.searchParams.append('scope', part);
      const headers: Record<string, string> = {};
      if (credentials) headers.authorization = this.basicHeader(repository);
      response = await http.send({
        url: url.toString(),
        headers,
        kind: 'token',
        json: true,
        ...(repository ? { repository } : {}),
      });
    }
    if (response.status === 401 || response.status === 403) {
      throw new RegistryError(
        credentials ? 'the token service refused the credentials' : 'the token service refused anonymous access; credentials are needed',
        { ...where, status: response.status },
      );
    }
    if (response.status < 200 || response.status >= 300) {
      throw new RegistryError(`the token service at ${url.origin}${url.pathname} failed`, { ...where, status: response.status });
    }
    const body = response.json as { token?: unknown; access_token?: unknown; expires_in?: unknown } | undefined;
    const token = typeof body?.token === 'string' ? body.token : typeof body?.access_token === 'string' ? body.access_token : undefined;
    if (!token) throw new RegistryError('the token service answered without a token', { ...where, status: response.status });
    // The spec's default lifetime is 60 s; renew 10 s early so a token never expires in flight.
    const lifetime = typeof body?.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : 60;
    return { header: `Bearer ${token}`, expiresAt: started + Math.max(1, lifetime - 10) * 1000 };
  }
}

/**
 * Why configured credentials must not go to the token service at `realm`, or `undefined`
 * when they may: the realm is on the registry's own host or a named auth server, and it is
 * https, or plain http on this machine, or plain http on the registry's own host when the
 * registry itself is plain http (the credentials cross the same wire either way).
 *
 * @example realmRefusal(new URL('https://auth.docker.io/token'), new URL('https://registry-1.docker.io'), ['auth.docker.io']) // undefined
 * @example realmRefusal(new URL('https://evil.example/token'), new URL('https://ghcr.io'), [])
 * // 'the token service https://evil.example/token is on evil.example, not on ghcr.io; …'
 */
export function realmRefusal(realm: URL, registry: URL, authServers: readonly string[]): string | undefined {
  const realmName = `${realm.origin}${realm.pathname}`;
  const host = realm.hostname.toLowerCase();
  const sameHost = host === registry.hostname.toLowerCase();
  const named = authServers.some((server) => authServerHost(server) === host);
  if (!sameHost && !named) {
    return (
      `the token service ${realmName} is on ${realm.hostname}, not on ${registry.hostname}; credentials go only to the ` +
      `registry's own host or an auth server the config names (registries entry: authServer: ${realm.hostname})`
    );
  }
  if (realm.protocol === 'https:') return undefined;
  if (realm.protocol !== 'http:') return `the token service ${realmName} is not an http(s) URL`;
  if (isLoopbackHost(realm.host)) return undefined;
  if (sameHost && registry.protocol === 'http:') return undefined;
  return `the token service ${realmName} is plain http; credentials go to a token service only over https`;
}

/** `auth.example.com` from `auth.example.com`, `auth.example.com:8443` or `https://auth.example.com/token`. */
function authServerHost(server: string): string {
  try {
    return new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(server) ? server : `https://${server}`).hostname.toLowerCase();
  } catch {
    return server.toLowerCase();
  }
}
