/**
 * Secrets never live in the config file: `credentials`, `token` and `password` take only
 * env:NAME or file:PATH references, token-shaped strings are refused anywhere, and no
 * message repeats the refused value. Front ends resolve the references with their own
 * environment.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { isSecretRef, parseConfig, parseRef, resolveEnvRef, resolveSecretRef } from '../../src/config/index.js';

const PATH = 'imgsync.config.yaml';

function errorOf(text: string): ConfigError {
  try {
    parseConfig(text, PATH, { cwd: '/work/project' });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('secret values in the config file', () => {
  const target = 'targets:\n  - files: images.yml\n';

  it('refuses a literal registry credential at its value, without showing it', () => {
    const error = errorOf(`${target}registries:\n  docker.io:\n    credentials: hunter2-correct-horse\n`);
    expect(error.message).toBe(
      'imgsync.config.yaml:5:18: registries["docker.io"].credentials: must be a reference such as env:NAME or file:PATH, ' +
        'never the secret itself (value not shown); set the secret in that environment variable or file',
    );
    expect(error.message).not.toContain('hunter2');
  });

  it('refuses a literal git token, even one of an unknown shape', () => {
    const error = errorOf(`${target}git:\n  token: "s3cr3t-value-0123"\n`);
    expect(error).toMatchObject({ line: 4, col: 10 });
    expect(error.message).toMatch(/^imgsync\.config\.yaml:4:10: git\.token: must be a reference such as env:NAME/);
    expect(error.message).not.toContain('s3cr3t');
  });

  it('refuses a password under any key name, before reporting the key as unknown', () => {
    const error = errorOf(`${target}registries:\n  ghcr.io: { username: bot, password: pa55w0rd-xyz }\n`);
    expect(error.message).toMatch(/^imgsync\.config\.yaml:4:39: registries\["ghcr\.io"\]\.password: must be a reference/);
    expect(error.message).not.toContain('pa55w0rd');
  });

  it('refuses a token-shaped string in any other place', () => {
    const token = `ghp_${'A1b2C3d4E5'.repeat(4)}`;
    const error = errorOf(`${target}git:\n  message: "bump {summary} ${token}"\n`);
    expect(error.message).toBe(
      'imgsync.config.yaml:4:12: git.message: looks like a token or password (value not shown); secrets must not be written in the config file: ' +
        'put it in an environment variable and refer to it as credentials: env:NAME or token: env:NAME',
    );
    expect(error.message).not.toContain(token);
    const docker = errorOf(`targets:\n  - files: images.yml\n    repository: dckr_pat_${'x'.repeat(27)}\n`);
    expect(docker.message).toMatch(/^imgsync\.config\.yaml:3:17: targets\[0\]\.repository: looks like a token/);
  });

  it('refuses credentials inside a git URL without showing them', () => {
    const error = errorOf(`${target}git:\n  url: https://bot:Pr1vate-Pass@github.com/o/r.git\n`);
    expect(error.message).toBe(
      'imgsync.config.yaml:4:8: git.url: must not contain credentials (value not shown); put the token in an env:NAME reference instead',
    );
    expect(error.message).not.toContain('Pr1vate');
  });

  it('refuses credentials inside a registry address without showing them', () => {
    const error = errorOf('targets:\n  - files: images.yml\n    registry: https://bot:Pr1vate-Pass@ghcr.io\n');
    expect(error.message).toBe(
      'imgsync.config.yaml:3:15: targets[0].registry: invalid registry ghcr.io: put credentials in the credentials option or a docker config, not in the URL',
    );
  });

  it('explains an env: reference without a variable name', () => {
    const error = errorOf(`${target}git:\n  token: "env:"\n`);
    expect(error.message).toContain('(env: must be followed by a variable name such as MY_TOKEN)');
  });

  it('refuses a number as a token without echoing it', () => {
    const error = errorOf(`${target}git:\n  token: 123456789\n`);
    expect(error.message).not.toContain('123456789');
  });

  it('accepts a marker policy named like a secret key', () => {
    const config = parseConfig('targets:\n  - files: c.yaml\n    format: markers\n    policies:\n      token: { repository: x/token }\n', PATH);
    expect(Object.keys(config.targets[0]!.policies)).toEqual(['token']);
  });
});

describe('resolveEnvRef', () => {
  const env = { DOCKERHUB_TOKEN: 'dckr-value', EMPTY: '' };

  it('reads env:NAME from the environment it is given', () => {
    expect(resolveEnvRef('env:DOCKERHUB_TOKEN', env)).toBe('dckr-value');
  });

  it('returns a plain user name unchanged', () => {
    expect(resolveEnvRef('imgsync-bot', env)).toBe('imgsync-bot');
  });

  it('names the unset variable and the setting that needs it', () => {
    expect(() => resolveEnvRef('env:GITHUB_TOKEN', env, 'git.token')).toThrow(
      new ConfigError('environment variable GITHUB_TOKEN is not set (needed by git.token)'),
    );
    expect(() => resolveEnvRef('env:EMPTY', env)).toThrow('environment variable EMPTY is not set');
  });

  it('points file: references to resolveSecretRef', () => {
    expect(() => resolveEnvRef('file:/run/secrets/token', env)).toThrow('file:/run/secrets/token is a file reference; read it with resolveSecretRef');
  });

  it('tells references from literals', () => {
    expect(parseRef('env:A_1')).toEqual({ kind: 'env', name: 'A_1' });
    expect(parseRef('env:1A')).toEqual({ kind: 'literal', value: 'env:1A' });
    expect(parseRef('file:t')).toEqual({ kind: 'file', path: 't' });
    expect(isSecretRef('env:X')).toBe(true);
    expect(isSecretRef('x')).toBe(false);
    expect(isSecretRef(3)).toBe(false);
  });
});

describe('resolveSecretRef', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'imgsync-secret-'));
    await writeFile(join(dir, 'ghcr-token'), 'token-from-file\n');
    await writeFile(join(dir, 'empty'), '\n');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads a file: reference made absolute by the loader, without its final line break', async () => {
    const config = parseConfig('targets: [{ files: a.yml }]\nregistries:\n  ghcr.io: { credentials: "file:ghcr-token" }\n', join(dir, PATH));
    const ref = config.registries['ghcr.io']!.credentials!;
    expect(ref).toBe(`file:${join(dir, 'ghcr-token')}`);
    await expect(resolveSecretRef(ref, { env: {} })).resolves.toBe('token-from-file');
  });

  it('resolves env: references like resolveEnvRef', async () => {
    await expect(resolveSecretRef('env:T', { env: { T: 'v' } })).resolves.toBe('v');
  });

  it('reports a missing or empty file without content', async () => {
    await expect(resolveSecretRef(`file:${join(dir, 'absent')}`, { env: {} }, 'git.token')).rejects.toThrow(
      `cannot read secret file ${join(dir, 'absent')} (needed by git.token): ENOENT`,
    );
    await expect(resolveSecretRef(`file:${join(dir, 'empty')}`, { env: {} })).rejects.toThrow(`secret file ${join(dir, 'empty')} is empty`);
  });
});
