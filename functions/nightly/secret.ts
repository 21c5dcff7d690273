import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { config } from '../../shared/config.ts';

// The pseudonym key (DESIGN §8): TANDEM_PSEUDONYM_SECRET locally and in tests, or the Secrets
// Manager secret named by TANDEM_PSEUDONYM_SECRET_ARN in AWS. Secrets Manager is called with one
// SigV4-signed request (the SDK's credential chain and signer, already installed with the S3 and
// DynamoDB clients) rather than a whole extra client package for one GetSecretValue.

const bytesOf = (data: ArrayBuffer | ArrayBufferView): Uint8Array =>
  ArrayBuffer.isView(data)
    ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
    : new Uint8Array(data);

/** SHA-256 and HMAC-SHA-256 in the shape the SigV4 signer expects. */
export class NodeSha256 {
  private hash: Hash | Hmac;
  private readonly secret: Uint8Array | string | undefined;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.secret = secret === undefined || typeof secret === 'string' ? secret : bytesOf(secret);
    this.hash = this.fresh();
  }
  private fresh(): Hash | Hmac {
    return this.secret === undefined ? createHash('sha256') : createHmac('sha256', this.secret);
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(typeof data === 'string' ? data : bytesOf(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
  reset(): void {
    this.hash = this.fresh();
  }
}

export interface SecretsManagerOptions {
  /** @default `https://secretsmanager.{region}.amazonaws.com` */
  endpoint?: string;
  /** @default the SDK's credential chain (the Lambda's role) */
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
}

/** The SecretString of a Secrets Manager secret, fetched with the Lambda's own credentials. */
export async function fetchSecretString(
  secretId: string,
  region: string,
  options: SecretsManagerOptions = {},
): Promise<string> {
  const endpoint = new URL(options.endpoint ?? `https://secretsmanager.${region}.amazonaws.com`);
  const body = JSON.stringify({ SecretId: secretId });
  const signer = new SignatureV4({
    service: 'secretsmanager',
    region,
    credentials: options.credentials ?? defaultProvider(),
    sha256: NodeSha256,
  });
  const signed = await signer.sign({
    method: 'POST',
    protocol: endpoint.protocol,
    hostname: endpoint.hostname,
    ...(endpoint.port ? { port: Number(endpoint.port) } : {}),
    path: '/',
    query: {},
    headers: {
      host: endpoint.host,
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'secretsmanager.GetSecretValue',
    },
    body,
  });
  const response = await fetch(new URL('/', endpoint), {
    method: 'POST',
    headers: signed.headers as Record<string, string>,
    body,
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`GetSecretValue failed with ${response.status}: ${text.slice(0, 200)}`);
  const parsed = JSON.parse(text) as { SecretString?: unknown };
  if (typeof parsed.SecretString !== 'string' || parsed.SecretString === '') {
    throw new Error('the pseudonym secret has no SecretString');
  }
  return parsed.SecretString;
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
