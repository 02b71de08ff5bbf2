import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistryError } from '../../src/errors.js';
import { createRegistryClient } from '../../src/registry/index.js';
import { pushImage, pushIndex, type PushedImage, type PushedIndex } from '@imgsync/test-helpers/registry/push.js';
import { startRegistry, type RunningRegistry } from '@imgsync/test-helpers/registry/registry-server.js';
import { startTokenServer, type RunningTokenServer } from '@imgsync/test-helpers/registry/token-server.js';

const PASSWORD = 'token-user-Pa55word';
const IDENTITY_TOKEN = 'identity-refresh-token-0123456789';
let tokens: RunningTokenServer;
let registry: RunningRegistry;
let image: PushedImage;
let multi: PushedIndex;

beforeAll(async () => {
  tokens = await startTokenServer({
    service: 'imgsync-test-registry',
    issuer: 'imgsync-test-issuer',
    users: { bob: PASSWORD },
    identityTokens: { [IDENTITY_TOKEN]: 'bob' },
    anonymousPull: true,
  });
  registry = await startRegistry({
    token: { realm: tokens.realm, service: 'imgsync-test-registry', issuer: 'imgsync-test-issuer', rootCertBundlePath: tokens.certPath },
  });
  const target = {
    url: registry.url,
    authorization: async (repository: string) => `Bearer ${tokens.tokenFor('bob', [`repository:${repository}:pull,push`])}`,
  };
  image = await pushImage(target, 'acme/api', 'v1', { seed: 'token' });
  multi = await pushIndex(target, 'acme/api', 'multi', {
    seed: 'token-multi',
    platforms: [
      { os: 'linux', architecture: 'amd64' },
      { os: 'linux', architecture: 'arm64' },
    ],
  });
  await pushImage(target, 'acme/worker', 'v1', { seed: 'worker' });
});

afterAll(async () => {
  await registry?.stop();
  await tokens?.stop();
});

describe('registry client with Docker token auth (real registry + local token server)', () => {
  it('gets an anonymous pull token from the challenge realm and resolves a tag', async () => {
    const client = createRegistryClient({ registry: registry.url });
    const resolved = await client.resolveTag('acme/api', 'v1');
    expect(resolved.manifestDigest).toBe(image.manifestDigest);
    expect(resolved.imageId).toBe(image.configDigest);
    expect(tokens.scopes).toContain('repository:acme/api:pull');
  });

  it('caches the token per scope: one token request per repository, however many requests', async () => {
    const client = createRegistryClient({ registry: registry.url, concurrency: 4 });
    await Promise.all([
      client.resolveTag('acme/api', 'v1'),
      client.resolveTag('acme/api', 'multi'),
      client.listTags('acme/api'),
      client.resolveTag('acme/worker', 'v1'),
    ]);
    expect(client.stats().tokenRequests).toBe(2);
  });

  it('uses Basic credentials at the token realm and gets the catalog scope', async () => {
    const client = createRegistryClient({ registry: registry.url, credentials: { username: 'bob', password: PASSWORD } });
    expect((await client.listRepositories('acme')).repositories).toEqual(['acme/api', 'acme/worker']);
    expect(tokens.scopes).toContain('registry:catalog:*');
    const resolved = await client.resolveTag('acme/api', 'multi', { platform: { os: 'linux', architecture: 'arm64' } });
    expect(resolved.imageId).toBe(multi.platforms[1]!.configDigest);
  });

  it('exchanges a docker config identity token with the OAuth2 refresh_token grant', async () => {
    const client = createRegistryClient({
      registry: registry.url,
      dockerConfig: { auths: { [registry.host]: { identitytoken: IDENTITY_TOKEN } } },
    });
    expect((await client.listRepositories('acme')).repositories).toContain('acme/worker');
  });

  it('fails clearly when the token service refuses the credentials, without echoing them', async () => {
    const client = createRegistryClient({ registry: registry.url, credentials: { username: 'bob', password: 'not-the-password' } });
    const error = await client.listTags('acme/api').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryError);
    expect((error as RegistryError).message).toMatch(/refused the credentials/);
    expect((error as RegistryError).message).not.toContain('not-the-password');
  });

  it('denies the catalog to anonymous callers with an actionable message', async () => {
    const client = createRegistryClient({ registry: registry.url });
    await expect(client.listRepositories('acme')).rejects.toThrow(/does not allow listing/);
  });
});
