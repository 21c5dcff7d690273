import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { config } from '../../shared/config.ts';

// Secrets Manager, called with one SigV4-signed request (the SDK's credential chain and signer,
// already installed with the S3 and DynamoDB clients) rather than a whole extra client package for
// one GetSecretValue. The pseudonym key (nightly/secret.ts) and the attempt key
// (participant/common.ts) are read through it in AWS.

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
    throw new Error(`the secret ${secretId} has no SecretString`);
  }
  return parsed.SecretString;
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
