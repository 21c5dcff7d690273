import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { AwsCredentialIdentity } from '@aws-sdk/types';
import { config } from '../../shared/config.ts';

// The one Secrets Manager reader, through the SDK's own client: the pseudonym key (nightly/secret.ts)
// and the attempt key (participant/common.ts) are read through it in AWS.

export interface SecretsManagerOptions {
  /** @default the regional Secrets Manager endpoint */
  endpoint?: string;
  /** @default the SDK's credential chain (the Lambda's role) */
  credentials?: AwsCredentialIdentity;
}

/** The SecretString of a Secrets Manager secret, fetched with the Lambda's own credentials. */
export async function fetchSecretString(
  secretId: string,
  region: string,
  options: SecretsManagerOptions = {},
): Promise<string> {
  const client = new SecretsManagerClient({
    region,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
  });
  try {
    const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
    if (!SecretString) throw new Error(`the secret ${secretId} has no SecretString`);
    return SecretString;
  } finally {
    client.destroy();
  }
}

/**
 * A secret of the config read once per process: `TANDEM_{kind}_SECRET` when set (local runtime,
 * tests), else the Secrets Manager secret `TANDEM_{kind}_SECRET_ARN` names (AWS); fails naming both
 * when neither is set. A failed read is retried on the next call.
 */
export function configSecret(kind: 'PSEUDONYM' | 'ATTEMPT'): () => Promise<string> {
  let cached: Promise<string> | undefined;
  return () => {
    cached ??= (async () => {
      const env = config();
      const value = env[`TANDEM_${kind}_SECRET`];
      const arn = env[`TANDEM_${kind}_SECRET_ARN`];
      if (value) return value;
      if (arn) return fetchSecretString(arn, env.AWS_REGION);
      throw new Error(`no secret: set TANDEM_${kind}_SECRET or TANDEM_${kind}_SECRET_ARN`);
    })();
    cached.catch(() => {
      cached = undefined;
    });
    return cached;
  };
}
