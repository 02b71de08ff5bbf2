import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistryError } from '../../src/errors.js';
import { createRegistryClient } from '../../src/registry/index.js';
import { pushImage, type PushedImage } from '@imgsync/test-helpers/registry/push.js';
import { startRegistry, type RunningRegistry } from '@imgsync/test-helpers/registry/registry-server.js';

const PASSWORD = 'wonderland-Secret-42';
let registry: RunningRegistry;
let image: PushedImage;
let dir: string;
const basic = `Basic ${Buffer.from(`alice:${PASSWORD}`).toString('base64')}`;

beforeAll(async () => {
  registry = await startRegistry({ htpasswd: { alice: PASSWORD } });
  image = await pushImage({ url: registry.url, authorization: async () => basic }, 'team/app', '1.0', { seed: 'basic' });
  dir = await mkdtemp(join(tmpdir(), 'imgsync-dockercfg-'));
});

afterAll(async () => {
  await registry?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('registry client with htpasswd Basic auth (real registry)', () => {
  it('answers a Basic challenge with explicit credentials', async () => {
    const client = createRegistryClient({ registry: registry.url, credentials: { username: 'alice', password: PASSWORD } });
    const resolved = await client.resolveTag('team/app', '1.0');
    expect(resolved.manifestDigest).toBe(image.manifestDigest);
    expect((await client.listRepositories('team')).repositories).toEqual(['team/app']);
    // one refused HEAD teaches the challenge; afterwards credentials are sent up front
    expect(client.stats()).toMatchObject({ requests: 4, manifestHeads: 2, manifestGets: 1 });
  });

  it('takes credentials from a docker config.json file (base64 auth)', async () => {
    const path = join(dir, 'config.json');
    await writeFile(path, JSON.stringify({ auths: { [`http://${registry.host}`]: { auth: Buffer.from(`alice:${PASSWORD}`).toString('base64') } } }));
    const client = createRegistryClient({ registry: registry.url, dockerConfigPath: path });
    expect((await client.resolveTag('team/app', '1.0')).imageId).toBe(image.configDigest);
  });

  it('fails with a 401 RegistryError that does not contain the password', async () => {
    const client = createRegistryClient({ registry: registry.url, credentials: { username: 'alice', password: 'wrong-password-123' } });
    const error = await client.resolveTag('team/app', '1.0').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryError);
    expect(error).toMatchObject({ status: 401, repository: 'team/app' });
    expect((error as Error).message).not.toContain('wrong-password-123');
  });

  it('says that credentials are needed when none are given', async () => {
    const client = createRegistryClient({ registry: registry.url });
    await expect(client.listTags('team/app')).rejects.toThrow(/requires a username and password/);
  });

  it('names a credential helper that is not installed instead of going anonymous', async () => {
    const client = createRegistryClient({
      registry: registry.url,
      dockerConfig: { auths: {}, credHelpers: { [registry.host]: 'imgsync-test-absent' } },
    });
    const error = await client.listTags('team/app').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryError);
    expect((error as Error).message).toBe(
      `registry ${registry.host}: credential helper docker-credential-imgsync-test-absent is not installed (not found on PATH); ` +
        'install it, or remove it from credHelpers / credsStore in the docker config',
    );
  });
});
