/**
 * Turning the config's secret references (`env:NAME`, `file:PATH`) into the values the
 * engine needs, with an environment the front end passes in (core never reads
 * `process.env`). The git token falls back to `IMGSYNC_GIT_TOKEN`, then `GITHUB_TOKEN`,
 * as CI systems and the GitHub Action provide it.
 */
import { resolveEnvRef, resolveSecretRef, type Environment, type SecretFileSystem } from '../config/env-refs.js';
import type { ImgsyncConfig } from '../config/types.js';
import type { RegistryCredentials } from '../registry/types.js';
import type { UpdateOptions } from './types.js';

/**
 * Resolves the secret references of a config (`env:NAME`, `file:PATH`) against `env`, for `UpdateOptions.secrets`: the git token (from `git.token`, else `IMGSYNC_GIT_TOKEN` or `GITHUB_TOKEN`) and each registry's credentials. Core reads no environment itself; the front ends pass theirs.
 *
 * @example
 * const secrets = await resolveSecrets(config, process.env);
 * await runUpdate({ config, secrets });
 */
export async function resolveSecrets(config: ImgsyncConfig, env: Environment, fs?: SecretFileSystem): Promise<NonNullable<UpdateOptions['secrets']>> {
  const registries: Record<string, RegistryCredentials | undefined> = {};
  for (const [name, settings] of Object.entries(config.registries)) {
    if (!settings.credentials) continue;
    const where = `registries["${name}"]`;
    const password = await resolveSecretRef(settings.credentials, { env, ...(fs && { fs }) }, `${where}.credentials`);
    const username = settings.username ? resolveEnvRef(settings.username, env, `${where}.username`) : 'imgsync';
    registries[name] = { username, password };
  }
  const gitToken = config.git?.token
    ? await resolveSecretRef(config.git.token, { env, ...(fs && { fs }) }, 'git.token')
    : env.IMGSYNC_GIT_TOKEN || env.GITHUB_TOKEN || undefined;
  return { registries, ...(gitToken && { gitToken }) };
}
