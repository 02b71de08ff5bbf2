import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { credentialsFor, fileManifestCache, isLoopbackHost, parseRegistryAddress, readDockerConfig } from '../../src/registry/index.js';
import { isValidDigest, isValidTag } from '../../src/image-ref/grammar.js';
import { backoffDelay, parseRateLimitValue, parseRetryAfter } from '../../src/registry/retry.js';
import { parseChallenge } from '../../src/registry/token-auth.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'imgsync-blocks-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const auth = (user: string, pass: string) => Buffer.from(`${user}:${pass}`).toString('base64');

describe('credentialsFor (docker config.json)', () => {
  it('matches a registry whatever scheme or path the key was written with', async () => {
    const config = { auths: { 'https://ghcr.io/v1/': { auth: auth('me', 'ghp_token') } } };
    expect(await credentialsFor(config, 'ghcr.io')).toEqual({ username: 'me', password: 'ghp_token' });
    expect(await credentialsFor(config, 'quay.io')).toBeUndefined();
  });

  it('finds Docker Hub under https://index.docker.io/v1/', async () => {
    const config = { auths: { 'https://index.docker.io/v1/': { auth: auth('hubber', 'p:a:ss') } } };
    expect(await credentialsFor(config, 'docker.io')).toEqual({ username: 'hubber', password: 'p:a:ss' });
  });

  it('returns identity tokens as such', async () => {
    expect(await credentialsFor({ auths: { 'reg.example.com': { identitytoken: 'tok' } } }, 'reg.example.com')).toEqual({ identityToken: 'tok' });
  });

  it('asks credHelpers first, then the file, then credsStore for a host with an empty entry, with the key as docker writes it', async () => {
    const asked: string[] = [];
    const helper = async (name: string, serverUrl: string) => {
      asked.push(`${name} ${serverUrl}`);
      return { username: name, password: 'from-helper' };
    };
    const config = {
      auths: { 'ghcr.io': { auth: auth('me', 'inline') }, 'quay.io': {}, 'https://index.docker.io/v1/': {} },
      credHelpers: { 'ghcr.io': 'gh' },
      credsStore: 'desktop',
    };
    expect(await credentialsFor(config, 'ghcr.io', helper)).toEqual({ username: 'gh', password: 'from-helper' });
    expect(await credentialsFor(config, 'quay.io', helper)).toEqual({ username: 'desktop', password: 'from-helper' });
    expect(await credentialsFor(config, 'docker.io', helper)).toEqual({ username: 'desktop', password: 'from-helper' });
    expect(await credentialsFor(config, 'registry.example.com', helper)).toBeUndefined(); // no entry: no process started
    expect(await credentialsFor({ ...config, credHelpers: {} }, 'ghcr.io', helper)).toEqual({ username: 'me', password: 'inline' });
    expect(asked).toEqual(['gh ghcr.io', 'desktop quay.io', 'desktop https://index.docker.io/v1/']);
  });

  it('reads a missing file as an empty config and malformed JSON as a ConfigError', async () => {
    expect(await readDockerConfig(join(dir, 'missing.json'))).toEqual({});
    await writeFile(join(dir, 'bad.json'), '{ nope');
    await expect(readDockerConfig(join(dir, 'bad.json'))).rejects.toBeInstanceOf(ConfigError);
  });
});

describe('retry timing', () => {
  it('doubles the backoff up to its cap, with jitter between half and all of it', () => {
    const policy = { baseMs: 100, capMs: 1_000 };
    expect([0, 1, 2, 3, 4, 10].map((n) => backoffDelay(n, policy, () => 1))).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(backoffDelay(3, policy, () => 0)).toBe(400);
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfter('3', 0)).toBe(3_000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6_000);
    expect(parseRetryAfter('soon', 0)).toBeUndefined();
  });

  it("reads Docker Hub's RateLimit values", () => {
    expect(parseRateLimitValue('76;w=21600')).toEqual({ count: 76, windowSeconds: 21600 });
    expect(parseRateLimitValue('5')).toEqual({ count: 5, windowSeconds: undefined });
  });
});

describe('parseChallenge', () => {
  it('reads a Bearer challenge with quoted parameters', () => {
    expect(parseChallenge('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/python:pull"')).toEqual({
      scheme: 'bearer',
      params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/python:pull' },
    });
    expect(parseChallenge('Basic realm="Registry Realm"')?.scheme).toBe('basic');
    expect(parseChallenge('Negotiate')).toBeUndefined();
  });
});

describe('validation and addresses', () => {
  it('accepts only OCI tags and sha256 digests', () => {
    expect(['latest', '3.6-ubuntu', '_x', 'a'.repeat(128)].every(isValidTag)).toBe(true);
    expect(['', '-x', '.x', 'a'.repeat(129), 'a b', 'a:b'].some(isValidTag)).toBe(false);
    expect(isValidDigest(`sha256:${'ab'.repeat(32)}`)).toBe(true);
    expect(isValidDigest(`sha256:${'AB'.repeat(32)}`)).toBe(false);
    expect(isValidDigest(`sha512:${'ab'.repeat(64)}`)).toBe(false);
  });

  it('maps docker.io to its registry host and keeps explicit http for local registries', () => {
    expect(parseRegistryAddress('docker.io')).toMatchObject({ baseUrl: 'https://registry-1.docker.io', isDockerHub: true });
    expect(parseRegistryAddress('ghcr.io')).toMatchObject({ baseUrl: 'https://ghcr.io', host: 'ghcr.io' });
    expect(parseRegistryAddress('http://127.0.0.1:5000/')).toMatchObject({ baseUrl: 'http://127.0.0.1:5000', host: '127.0.0.1:5000' });
    expect(() => parseRegistryAddress('https://user:pw@ghcr.io')).toThrow(ConfigError);
  });

  it('speaks plain http to a loopback host written without scheme, as docker does, and https elsewhere', () => {
    for (const host of ['127.0.0.1:5000', '127.1.2.3', 'localhost:5000', 'LOCALHOST', '[::1]:5000']) {
      expect(parseRegistryAddress(host), host).toMatchObject({ baseUrl: `http://${host.toLowerCase()}`, name: host });
      expect(isLoopbackHost(host), host).toBe(true);
    }
    for (const host of ['128.0.0.1:5000', '127.0.0.1.example.com', 'localhost.example.com', '[::2]:5000', 'ghcr.io']) {
      expect(parseRegistryAddress(host).baseUrl, host).toBe(`https://${host}`);
      expect(isLoopbackHost(host), host).toBe(false);
    }
    expect(parseRegistryAddress('https://127.0.0.1:5000').baseUrl).toBe('https://127.0.0.1:5000');
  });
});

describe('fileManifestCache', () => {
  it('persists entries atomically and reloads them in a new process-like instance', async () => {
    const path = join(dir, 'cache.json');
    const digest = `sha256:${'1'.repeat(64)}`;
    const first = fileManifestCache(path);
    await first.set(digest, { kind: 'image', mediaType: 'application/vnd.oci.image.manifest.v1+json', configDigest: digest });
    await first.flush();
    expect(JSON.parse(await readFile(path, 'utf8'))).toMatchObject({ version: 1, [digest]: { kind: 'image' } });
    expect(await fileManifestCache(path).get(digest)).toMatchObject({ configDigest: digest });
  });

  it('treats a corrupt file as empty', async () => {
    const path = join(dir, 'corrupt.json');
    await writeFile(path, 'not json');
    expect(await fileManifestCache(path).get(`sha256:${'1'.repeat(64)}`)).toBeUndefined();
  });
});
