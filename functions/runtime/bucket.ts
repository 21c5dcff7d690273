import { S3Client } from '@aws-sdk/client-s3';
import { S3ReleaseBucket } from '../../shared/adapters/s3/bucket.ts';
import type { ReleaseBucket } from '../../shared/ports.ts';
import { perConfig } from './per-config.ts';

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

/** The release bucket for this process, built once per config(): TANDEM_BUCKET, AWS_REGION, TANDEM_S3_ENDPOINT. */
export const bucket: () => ReleaseBucket = perConfig(
  (env) =>
    new S3ReleaseBucket(
      s3Client({ region: env.AWS_REGION, endpoint: env.TANDEM_S3_ENDPOINT }),
      env.TANDEM_BUCKET,
    ),
);
