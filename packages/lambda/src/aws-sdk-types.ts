/**
 * The few shapes of the AWS SDK v3 clients that the secret fetcher uses, so that the
 * package neither depends on nor bundles the SDK (the Lambda runtime provides it).
 */
interface Client<In, Out> {
  send(command: In, options?: { abortSignal?: AbortSignal }): Promise<Out>;
}

export declare const SecretsManager: {
  SecretsManagerClient: new (config: object) => Client<object, { SecretString?: string; SecretBinary?: Uint8Array }>;
  GetSecretValueCommand: new (input: { SecretId: string }) => object;
};

export declare const Ssm: {
  SSMClient: new (config: object) => Client<object, { Parameter?: { Value?: string } }>;
  GetParameterCommand: new (input: { Name: string; WithDecryption: boolean }) => object;
};
