/**
 * Docker credential helpers (`credHelpers`, `credsStore`): small executable scripts written
 * into a temporary directory put on the helper's PATH stand in for docker-credential-gh,
 * -desktop, -ecr-login; the registry is the real one behind htpasswd Basic auth.
 */
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistryError } from '../../src/errors.js';
import { createRegistryClient, credentialHelperRunner, credentialsFor, type CredentialHelperRunner } from '../../src/registry/index.js';
import { pushImage, type PushedImage } from '@imgsync/test-helpers/registry/push.js';
import { startRegistry, type RunningRegistry } from '@imgsync/test-helpers/registry/registry-server.js';

const PASSWORD = 'helper-Secret-77';
let registry: RunningRegistry;
let image: PushedImage;
let dir: string;
let log: string;
let env: NodeJS.ProcessEnv;

async function helper(name: string, body: string): Promise<void> {
  const path = join(dir, `docker-credential-${name}`);
  await writeFile(path, `#!/bin/sh\n${body}\n`);
  await chmod(path, 0o755);
}

beforeAll(async () => {
  registry = await startRegistry({ htpasswd: { alice: PASSWORD } });
  const basic = `Basic ${Buffer.from(`alice:${PASSWORD}`).toString('base64')}`;
  image = await pushImage({ url: registry.url, authorization: async () => basic }, 'team/app', '1.0', { seed: 'helper' });
  dir = await mkdtemp(join(tmpdir(), 'imgsync-helpers-'));
  log = join(dir, 'asked.log');
  env = { ...process.env, PATH: `${dir}:${process.env.PATH ?? '/usr/bin:/bin'}` };
  // What docker-credential-helpers do: `get`, the server URL on stdin, JSON on stdout.
  await helper(
    'imgsync-test',
    [
      '[ "$1" = get ] || exit 2',
      'server=$(cat)',
      `printf '%s\\n' "$server" >> '${log}'`,
      'case "$server" in',
      `  ${registry.host}|http://${registry.host}) printf '{"ServerURL":"%s","Username":"alice","Secret":"${PASSWORD}"}' "$server" ;;`,
      `  token.example.com) printf '{"ServerURL":"token.example.com","Username":"<token>","Secret":"refresh-123"}' ;;`,
      '  *) echo "credentials not found in native keychain"; exit 1 ;;',
      'esac',
    ].join('\n'),
  );
  await helper('imgsync-slow', 'exec sleep 30');
  await helper('imgsync-chatty', 'exec yes');
  await helper('imgsync-garbled', 'cat >/dev/null; echo "Username: alice Secret: s3cr3t-in-plain-text"');
  await helper('imgsync-broken', 'cat >/dev/null; echo "error: the keychain is locked" >&2; exit 3');
});

afterAll(async () => {
  await registry?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('docker credential helpers against the real registry', () => {
  it('runs credHelpers[host] with the host on stdin and logs in with its answer', async () => {
    const client = createRegistryClient({
      registry: registry.url,
      dockerConfig: { credHelpers: { [registry.host]: 'imgsync-test' } },
      credentialHelper: credentialHelperRunner({ env }),
    });
    expect((await client.resolveTag('team/app', '1.0')).manifestDigest).toBe(image.manifestDigest);
    expect((await readFile(log, 'utf8')).trim().split('\n').at(-1)).toBe(registry.host);
  });

  it('runs credsStore for a host whose auths entry holds no secret, with the key as written', async () => {
    const client = createRegistryClient({
      registry: registry.url,
      dockerConfig: { auths: { [`http://${registry.host}`]: {} }, credsStore: 'imgsync-test' },
      credentialHelper: credentialHelperRunner({ env }),
    });
    expect((await client.listTags('team/app')).tags.map((t) => t.tag)).toEqual(['1.0']);
    expect((await readFile(log, 'utf8')).trim().split('\n').at(-1)).toBe(`http://${registry.host}`);
  });

  it('goes anonymous when the helper holds nothing for the host (the registry then asks for credentials)', async () => {
    const client = createRegistryClient({
      registry: registry.url,
      dockerConfig: { credHelpers: { [registry.host]: 'imgsync-test' } },
      credentialHelper: async (name, _server, host) => credentialHelperRunner({ env })(name, 'elsewhere.example.com', host),
    });
    await expect(client.listTags('team/app')).rejects.toThrow(/requires a username and password/);
  });
});

describe('credential helper answers and failures', () => {
  // env is filled in beforeAll, after this block is collected
  const run: CredentialHelperRunner = (...args) => credentialHelperRunner({ env, timeoutMs: 500, maxOutputBytes: 4096 })(...args);

  it('reads Username "<token>" as an identity token', async () => {
    expect(await credentialsFor({ credHelpers: { 'token.example.com': 'imgsync-test' } }, 'token.example.com', run)).toEqual({
      identityToken: 'refresh-123',
    });
  });

  it('asks about Docker Hub as https://index.docker.io/v1/', async () => {
    expect(await credentialsFor({ credHelpers: { 'https://index.docker.io/v1/': 'imgsync-test' } }, 'docker.io', run)).toBeUndefined();
    expect((await readFile(log, 'utf8')).trim().split('\n').at(-1)).toBe('https://index.docker.io/v1/');
  });

  it('names a missing helper', async () => {
    await expect(run('imgsync-absent', 'ghcr.io', 'ghcr.io')).rejects.toThrow(
      'registry ghcr.io: credential helper docker-credential-imgsync-absent is not installed (not found on PATH)',
    );
  });

  it('kills a helper that does not answer in time', async () => {
    const started = Date.now();
    await expect(run('imgsync-slow', 'ghcr.io', 'ghcr.io')).rejects.toThrow('credential helper docker-credential-imgsync-slow did not answer within 500 ms');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('stops a helper that writes more than the output bound', async () => {
    await expect(run('imgsync-chatty', 'ghcr.io', 'ghcr.io')).rejects.toThrow('wrote more than 4096 bytes');
  });

  it('refuses an answer that is not the JSON object, without showing it (it may hold the secret)', async () => {
    const error = await run('imgsync-garbled', 'ghcr.io', 'ghcr.io').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryError);
    expect((error as Error).message).toContain('answered with something other than {"Username": …, "Secret": …} (output not shown)');
    expect((error as Error).message).not.toContain('s3cr3t');
  });

  it('quotes the first line a failing helper wrote to stderr, with its exit code', async () => {
    await expect(run('imgsync-broken', 'ghcr.io', 'ghcr.io')).rejects.toThrow(
      'credential helper docker-credential-imgsync-broken failed (exit 3): error: the keychain is locked',
    );
  });

  it('refuses a helper name that is not a program name', async () => {
    await expect(run('../../bin/sh', 'ghcr.io', 'ghcr.io')).rejects.toThrow(/is not a program name/);
  });
});
