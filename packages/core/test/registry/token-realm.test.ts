/**
 * Credentials go only where they belong: a registry's Bearer challenge names the token
 * service (the realm), so a hostile registry could send the client's Basic credentials
 * anywhere. A small hostile registry on 127.0.0.1 names a realm on another host
 * (`localhost`, the same machine under another name, so nothing leaves it), and a token
 * service there records what it receives.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { RegistryError } from '../../src/errors.js';
import { resolveSecrets, runUpdate } from '../../src/update/index.js';
import { createRegistryClient } from '../../src/registry/index.js';
import { realmRefusal } from '../../src/registry/token-auth.js';

const PASSWORD = 'hostile-realm-Pa55word-0123';
/** The one image the hostile registry holds, so that a run can resolve acme/api:v1. */
const manifest = JSON.stringify({
  schemaVersion: 2,
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: `sha256:${'a'.repeat(64)}`, size: 2 },
  layers: [],
});
const manifestDigest = `sha256:${createHash('sha256').update(manifest).digest('hex')}`;
const credentials = { username: 'bob', password: PASSWORD };

let registry: Server;
let realm: Server;
let registryUrl: string;
let realmPort: number;
/** Authorization headers the token service received ('' for none). */
const received: string[] = [];

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ server: Server; port: number }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as { port: number }).port };
}

beforeAll(async () => {
  ({ server: realm, port: realmPort } = await listen((req, res) => {
    received.push(req.headers.authorization ?? '');
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token: 'issued-token-abcdef', expires_in: 300 }));
  }));
  let registryPort = 0;
  ({ server: registry, port: registryPort } = await listen((req, res) => {
    if (req.headers.authorization !== 'Bearer issued-token-abcdef') {
      res.writeHead(401, { 'www-authenticate': `Bearer realm="http://localhost:${realmPort}/token",service="hostile",scope="repository:acme/api:pull"` }).end();
      return;
    }
    const type = { 'content-type': 'application/vnd.oci.image.manifest.v1+json', 'docker-content-digest': manifestDigest };
    if (req.url === '/v2/acme/api/manifests/v1' && req.method === 'HEAD') res.writeHead(200, type).end();
    else if (req.url === `/v2/acme/api/manifests/${manifestDigest}`) res.writeHead(200, type).end(manifest);
    else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ name: 'acme/api', tags: ['v1'] }));
  }));
  registryUrl = `http://127.0.0.1:${registryPort}`;
});

afterAll(async () => {
  for (const server of [registry, realm]) {
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }
});

beforeEach(() => {
  received.length = 0;
});

describe('configured credentials and the token realm a registry names (hostile registry on 127.0.0.1)', () => {
  it('refuses to send Basic credentials to a realm on another host, saying what to configure, and sends nothing', async () => {
    const client = createRegistryClient({ registry: registryUrl, credentials });
    const error = await client.listTags('acme/api').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryError);
    expect((error as Error).message).toBe(
      `registry ${registryUrl}/acme/api (HTTP 401): the token service http://localhost:${realmPort}/token is on localhost, not on 127.0.0.1; ` +
        `credentials go only to the registry's own host or an auth server the config names (registries entry: authServer: localhost); the credentials were not sent`,
    );
    expect(received).toEqual([]);
  });

  it('sends them to a realm host the config names as the auth server', async () => {
    const client = createRegistryClient({ registry: registryUrl, credentials, authServers: ['localhost'] });
    expect((await client.listTags('acme/api')).tags).toEqual([{ tag: 'v1' }]);
    expect(received).toEqual([`Basic ${Buffer.from(`bob:${PASSWORD}`).toString('base64')}`]);
  });

  it('asks any realm anonymously when there are no credentials (nothing secret travels)', async () => {
    const client = createRegistryClient({ registry: registryUrl });
    expect((await client.listTags('acme/api')).tags).toEqual([{ tag: 'v1' }]);
    expect(received).toEqual(['']);
  });

  it('refuses an identity token too', async () => {
    const client = createRegistryClient({ registry: registryUrl, credentials: { identityToken: 'identity-token-0123456789' } });
    await expect(client.listTags('acme/api')).rejects.toThrow(/is on localhost, not on 127\.0\.0\.1/);
    expect(received).toEqual([]);
  });
});

describe('realmRefusal', () => {
  const url = (text: string) => new URL(text);

  it('allows https on the registry host or a named auth server (Docker Hub: auth.docker.io)', () => {
    expect(realmRefusal(url('https://ghcr.io/token'), url('https://ghcr.io'), [])).toBeUndefined();
    expect(realmRefusal(url('https://auth.docker.io/token'), url('https://registry-1.docker.io'), ['auth.docker.io'])).toBeUndefined();
    expect(realmRefusal(url('https://gitlab.com/jwt/auth'), url('https://registry.gitlab.com'), ['gitlab.com'])).toBeUndefined();
    expect(realmRefusal(url('https://reg.lan:5001/auth'), url('https://reg.lan:5000'), [])).toBeUndefined();
  });

  it('refuses plain http off this machine, unless the registry itself is plain http on that host', () => {
    expect(realmRefusal(url('http://ghcr.io/token'), url('https://ghcr.io'), [])).toBe(
      'the token service http://ghcr.io/token is plain http; credentials go to a token service only over https',
    );
    expect(realmRefusal(url('http://auth.example/token'), url('http://registry.example'), ['auth.example'])).toMatch(/is plain http/);
    expect(realmRefusal(url('http://reg.lan:5001/auth'), url('http://reg.lan:5000'), [])).toBeUndefined();
    expect(realmRefusal(url('http://127.0.0.1:5001/token'), url('http://127.0.0.1:5000'), [])).toBeUndefined();
  });

  it('refuses another host, and other schemes', () => {
    expect(realmRefusal(url('https://evil.example/token'), url('https://ghcr.io'), [])).toMatch(
      /^the token service https:\/\/evil\.example\/token is on evil\.example, not on ghcr\.io; /,
    );
    expect(realmRefusal(url('https://auth.docker.io.evil.example/token'), url('https://registry-1.docker.io'), ['auth.docker.io'])).toMatch(
      /is on auth\.docker\.io\.evil\.example/,
    );
    expect(realmRefusal(url('ftp://ghcr.io/token'), url('https://ghcr.io'), [])).toMatch(/not an http\(s\) URL/);
  });
});

describe('registries.<r>.authServer in a run', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  async function run(settings: string) {
    const dir = mkdtempSync(join(tmpdir(), 'imgsync-realm-'));
    dirs.push(dir);
    const host = new URL(registryUrl).host;
    writeFileSync(join(dir, 'compose.yaml'), `services:\n  api:\n    image: ${host}/acme/api:v1\n`);
    const text = `targets:\n  - files: compose.yaml\n    format: image-refs\nregistries:\n  ${host}: { credentials: env:REG_TOKEN, username: bob${settings} }\n`;
    const config = parseConfig(text, join(dir, 'imgsync.config.yaml'));
    const secrets = await resolveSecrets(config, { REG_TOKEN: PASSWORD });
    return runUpdate({ config, secrets, dryRun: true });
  }

  it('without it, the run fails before any credential leaves, naming the setting', async () => {
    await expect(run('')).rejects.toThrow(/is on localhost, not on 127\.0\.0\.1; .*authServer: localhost/);
    expect(received).toEqual([]);
  });

  it('with it, the credentials go to that token service and the run resolves the image', async () => {
    const result = await run(', authServer: localhost');
    expect(result.errors).toEqual([]);
    expect(result.files.map((f) => f.path)).toEqual(['compose.yaml']);
    expect(received).toEqual([`Basic ${Buffer.from(`bob:${PASSWORD}`).toString('base64')}`]);
  });
});
