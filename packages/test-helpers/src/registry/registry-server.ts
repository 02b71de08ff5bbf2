/**
 * Starts Debian's `docker-registry` (the CNCF distribution registry, v2) in the foreground
 * on 127.0.0.1 with filesystem storage in a temporary directory, optionally behind
 * htpasswd Basic auth or Docker token auth, and stops it again. One per test file.
 *
 * @example
 * const registry = await startRegistry({ htpasswd: { alice: 'wonderland' } });
 * // registry.url === 'http://127.0.0.1:PORT'
 * await registry.stop();
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { freePort, waitFor } from './ports.js';

export interface TokenAuthConfig {
  realm: string;
  service: string;
  issuer: string;
  /** PEM certificate(s) whose keys sign the tokens. */
  rootCertBundlePath: string;
}

export interface StartRegistryOptions {
  /** username -> password; enables htpasswd Basic auth. */
  htpasswd?: Record<string, string>;
  token?: TokenAuthConfig;
  /** Serve HTTPS with this PEM certificate and key (the client must trust the certificate). */
  tls?: { certPath: string; keyPath: string };
  /** Storage root to serve (another registry's `storageDir`), instead of a new empty one. */
  storageDir?: string;
}

export interface RunningRegistry {
  url: string;
  host: string;
  /** Where the images are stored; another registry can serve the same (`storageDir`). */
  storageDir: string;
  stop(): Promise<void>;
  /** Everything the registry wrote to stderr/stdout, for failure messages. */
  log(): string;
}

export async function startRegistry(options: StartRegistryOptions = {}): Promise<RunningRegistry> {
  const dir = await mkdtemp(join(tmpdir(), 'imgsync-registry-'));
  const storageDir = options.storageDir ?? join(dir, 'data');
  const port = await freePort();
  const lines = [
    'version: 0.1',
    'log:',
    '  level: warn',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${storageDir}`,
    '  delete:',
    '    enabled: true',
    'http:',
    `  addr: 127.0.0.1:${port}`,
    '  secret: imgsync-test-secret',
    ...(options.tls ? ['  tls:', `    certificate: ${options.tls.certPath}`, `    key: ${options.tls.keyPath}`] : []),
  ];
  if (options.htpasswd) {
    const entries = Object.entries(options.htpasswd).map(([user, password]) => `${user}:${bcrypt.hashSync(password, 4)}`);
    await writeFile(join(dir, 'htpasswd'), `${entries.join('\n')}\n`);
    lines.push('auth:', '  htpasswd:', '    realm: imgsync-test', `    path: ${join(dir, 'htpasswd')}`);
  } else if (options.token) {
    lines.push(
      'auth:',
      '  token:',
      `    realm: ${options.token.realm}`,
      `    service: ${options.token.service}`,
      `    issuer: ${options.token.issuer}`,
      `    rootcertbundle: ${options.token.rootCertBundlePath}`,
    );
  }
  const configPath = join(dir, 'config.yml');
  await writeFile(configPath, `${lines.join('\n')}\n`);

  let output = '';
  const child: ChildProcess = spawn('docker-registry', ['serve', configPath], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
  child.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));
  const url = `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  try {
    await waitFor(
      async () => {
        if (exited) throw new Error('registry exited');
        const response = await fetch(`${url}/v2/`);
        await response.arrayBuffer();
        return response.status === 200 || response.status === 401;
      },
      15_000,
      'docker-registry to listen',
    );
  } catch (error) {
    child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
    throw new Error(`docker-registry did not start: ${(error as Error).message}\n${output}`);
  }
  return {
    url,
    host: `127.0.0.1:${port}`,
    storageDir,
    log: () => output,
    async stop() {
      if (!exited) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
        await exit;
        clearTimeout(timer);
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
