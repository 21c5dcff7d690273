import {
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsCommand,
  NoSuchKey,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { ReleaseBucket } from '../../ports.ts';

/** S3's limit on keys per DeleteObjects request. */
const DELETE_BATCH = 1000;

/** ReleaseBucket on one S3 bucket; receives its client, never builds one. */
export class S3ReleaseBucket implements ReleaseBucket {
  private readonly listPageSize: number;

  /** `options.listPageSize` (default and S3's maximum: 1000) lets tests page with a few objects. */
  constructor(
    private readonly client: S3Client,
    private readonly bucketName: string,
    options: { listPageSize?: number } = {},
  ) {
    this.listPageSize = options.listPageSize ?? 1000;
  }

  async put(key: string, body: Uint8Array | string, contentType: string): Promise<void> {
    await this.client.send(
      new PutObjectCommand({ Bucket: this.bucketName, Key: key, Body: body, ContentType: contentType }),
    );
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      const result = await this.client.send(new GetObjectCommand({ Bucket: this.bucketName, Key: key }));
      return result.Body ? await result.Body.transformToByteArray() : new Uint8Array();
    } catch (error) {
      if (error instanceof NoSuchKey) return undefined;
      throw error;
    }
  }

  async list(prefix: string): Promise<string[]> {
    // ListObjects (v1) paged by Marker = last key: s3rver cannot mint ListObjectsV2 continuation
    // tokens on Node 20 (it ciphers them with DES, which OpenSSL 3 has dropped); S3 pages the same.
    const keys: string[] = [];
    let marker: string | undefined;
    for (;;) {
      const page = await this.client.send(
        new ListObjectsCommand({
          Bucket: this.bucketName,
          Prefix: prefix,
          MaxKeys: this.listPageSize,
          ...(marker === undefined ? {} : { Marker: marker }),
        }),
      );
      for (const object of page.Contents ?? []) if (object.Key !== undefined) keys.push(object.Key);
      const last = keys.at(-1);
      if (!page.IsTruncated || last === undefined || last === marker) return keys;
      marker = last;
    }
  }

  async delete(keys: string[]): Promise<void> {
    for (let start = 0; start < keys.length; start += DELETE_BATCH) {
      const batch = keys.slice(start, start + DELETE_BATCH);
      const result = await this.client.send(
        new DeleteObjectsCommand({
          Bucket: this.bucketName,
          Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
        }),
      );
      const failed = result.Errors ?? [];
      if (failed.length > 0) {
        const first = failed[0];
        throw new Error(`could not delete ${failed.length} object(s), first ${first?.Key}: ${first?.Code}`);
      }
    }
  }

  async presignGet(key: string, expiresInSeconds: number, downloadName?: string): Promise<string> {
    const command = new GetObjectCommand({
      Bucket: this.bucketName,
      Key: key,
      ...(downloadName === undefined ? {} : { ResponseContentDisposition: contentDisposition(downloadName) }),
    });
    return getSignedUrl(this.client, command, { expiresIn: expiresInSeconds });
  }
}

/** An attachment disposition that survives non-ASCII names (RFC 6266 filename*). */
function contentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}
