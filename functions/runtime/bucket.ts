import { S3Client } from '@aws-sdk/client-s3';
import { S3ReleaseBucket } from '../../shared/adapters/s3/bucket.ts';
import { type Config, config } from '../../shared/config.ts';
import type { ReleaseBucket } from '../../shared/ports.ts';

/**
 * An S3 client for AWS, or for s3rver when `endpoint` is given: path-style addressing, s3rver's
 * fixed credentials (it rejects others), and checksums only when required — otherwise a streamed
 * upload is stored with its chunk framing in it (DESIGN §12).
 */
export function s3Client(options: { region: string; endpoint?: string | undefined }): S3Client {
  return new S3Client({
    region: options.region,
    ...(options.endpoint === undefined
      ? {}
      : {
          endpoint: options.endpoint,
          forcePathStyle: true,
          credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
          requestChecksumCalculation: 'WHEN_REQUIRED',
          responseChecksumValidation: 'WHEN_REQUIRED',
        }),
  });
}

// Keyed on the config object, like store(): a resetConfig() leads to a bucket for the new environment.
let cached: { env: Config; bucket: ReleaseBucket } | undefined;

/** The release bucket for this process, built once per config(): TANDEM_BUCKET, AWS_REGION, TANDEM_S3_ENDPOINT. */
export function bucket(): ReleaseBucket {
  const env = config();
  if (cached?.env === env) return cached.bucket;
  const client = s3Client({ region: env.AWS_REGION, endpoint: env.TANDEM_S3_ENDPOINT });
  cached = { env, bucket: new S3ReleaseBucket(client, env.TANDEM_BUCKET) };
  return cached.bucket;
}
