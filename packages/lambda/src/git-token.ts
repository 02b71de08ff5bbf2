/**
 * The git token of a scheduled run, in this order:
 *
 * 1. `IMGSYNC_GIT_TOKEN_SECRET`: the name or ARN of an AWS Secrets Manager secret, or
 *    `ssm:/parameter/name` for an SSM Parameter Store SecureString. Fetched on every
 *    invocation (a rotated token is picked up on the next run, never a cached old one).
 *    The secret holds the token as plain text, or JSON with a `token` key.
 * 2. `IMGSYNC_GIT_TOKEN`, then `GITHUB_TOKEN` (core's `resolveSecrets` fallback), unless
 *    the config names its own `git.token` reference.
 *
 * The AWS SDK v3 clients are part of the Lambda Node.js runtime, so they are imported
 * lazily and kept out of the bundle. Tests inject a {@link SecretFetcher} instead.
 */
import { ConfigError, DeadlineError } from '@imgsync/core';
import type { Environment } from './config-source.js';

/** Where a secret lives: Secrets Manager (`secretsmanager`) or SSM Parameter Store (`ssm`). */
export interface SecretLocation {
  service: 'secretsmanager' | 'ssm';
  /** Secret name or ARN; for SSM, the parameter name. */
  name: string;
}

/** Returns the secret's string value; `signal` (the run's deadline) stops the call. */
export type SecretFetcher = (where: SecretLocation, signal?: AbortSignal) => Promise<string>;

export function secretLocation(ref: string): SecretLocation {
  return ref.startsWith('ssm:') ? { service: 'ssm', name: ref.slice(4) } : { service: 'secretsmanager', name: ref };
}

/**
 * The environment the engine's `resolveSecrets` sees: the process environment with
 * `IMGSYNC_GIT_TOKEN` filled from the configured secret, if any.
 */
export async function withGitToken(env: Environment, fetchSecret: SecretFetcher): Promise<Environment> {
  const ref = env.IMGSYNC_GIT_TOKEN_SECRET;
  if (!ref) return env;
  const where = secretLocation(ref);
  let value: string;
  try {
    value = await fetchSecret(where);
  } catch (error) {
    if (error instanceof DeadlineError) throw error;
    const reason = (error as { name?: string }).name ?? 'Error';
    // The SDK's own message names the secret and the reason, never the value.
    throw new ConfigError(`cannot read the git token from ${describe(where)}: ${reason}: ${(error as Error).message}`);
  }
  const token = tokenOf(value.trim());
  if (!token) throw new ConfigError(`the git token in ${describe(where)} is empty`);
  return { ...env, IMGSYNC_GIT_TOKEN: token };
}

function tokenOf(value: string): string {
  if (!value.startsWith('{')) return value;
  try {
    const parsed = JSON.parse(value) as { token?: unknown };
    if (typeof parsed.token === 'string') return parsed.token.trim();
  } catch {
    // not JSON after all: a token that starts with `{`
    return value;
  }
  throw new ConfigError('the git token secret is JSON without a string "token" key');
}

function describe(where: SecretLocation): string {
  return where.service === 'ssm' ? `SSM parameter ${where.name}` : `Secrets Manager secret ${where.name}`;
}

/** The default fetcher: the AWS SDK v3 clients the Lambda runtime provides. */
export const awsSecretFetcher: SecretFetcher = async (where, signal) => {
  // Variables, so that bundlers leave the imports alone (they are external anyway).
  if (where.service === 'ssm') {
    const name = '@aws-sdk/client-ssm';
    const { SSMClient, GetParameterCommand } = (await import(name)) as typeof import('./aws-sdk-types.js').Ssm;
    const out = await new SSMClient({}).send(new GetParameterCommand({ Name: where.name, WithDecryption: true }), { ...(signal && { abortSignal: signal }) });
    return out.Parameter?.Value ?? '';
  }
  const name = '@aws-sdk/client-secrets-manager';
  const { SecretsManagerClient, GetSecretValueCommand } = (await import(name)) as typeof import('./aws-sdk-types.js').SecretsManager;
  const out = await new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: where.name }), { ...(signal && { abortSignal: signal }) });
  if (out.SecretString !== undefined) return out.SecretString;
  if (out.SecretBinary) return new TextDecoder().decode(out.SecretBinary);
  return '';
};
