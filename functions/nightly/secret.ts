import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { AwsCredentialIdentity } from '@aws-sdk/types';
import { config } from '../../shared/config.ts';

// The pseudonym key (DESIGN §8): TANDEM_PSEUDONYM_SECRET locally and in tests, or the Secrets
// Manager secret named by TANDEM_PSEUDONYM_SECRET_ARN in AWS, read with the SDK's own client.

export interface SecretsManagerOptions {
  /** @default the regional Secrets Manager endpoint */
  endpoint?: string;
  /** @default the SDK's credential chain (the Lambda's role) */
  credentials?: AwsCredentialIdentity;
}

/** The SecretString of a Secrets Manager secret. */
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
    if (!SecretString) throw new Error('the pseudonym secret has no SecretString');
    return SecretString;
  } finally {
    client.destroy();
  }
}

let cached: Promise<string> | undefined;

/** The pseudonym key, read once per process; throws when neither variable is set. */
export function pseudonymSecret(): Promise<string> {
  cached ??= (async () => {
    const env = config();
    if (env.TANDEM_PSEUDONYM_SECRET) return env.TANDEM_PSEUDONYM_SECRET;
    if (env.TANDEM_PSEUDONYM_SECRET_ARN)
      return fetchSecretString(env.TANDEM_PSEUDONYM_SECRET_ARN, env.AWS_REGION);
    throw new Error('no pseudonym secret: set TANDEM_PSEUDONYM_SECRET or TANDEM_PSEUDONYM_SECRET_ARN');
  })();
  cached.catch(() => {
    cached = undefined;
  });
  return cached;
}
