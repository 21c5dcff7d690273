import { randomUUID } from 'node:crypto';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { startEmulators } from '../../infra/local/emulators.ts';
import { MemoryReleaseBucket } from '../../shared/adapters/memory/bucket.ts';
import { S3ReleaseBucket } from '../../shared/adapters/s3/bucket.ts';
import { type BucketFixture, bucketContract } from './bucket.contract.ts';

bucketContract('memory', async () => {
  let current = new MemoryReleaseBucket();
  return {
    newBucket: async () => {
      current = new MemoryReleaseBucket();
      return current;
    },
    // A memory:// URL cannot be fetched: read the object it names, as a browser would get it.
    download: async (url) => {
      const parsed = new URL(url);
      const key = decodeURIComponent(parsed.pathname.slice(1));
      const body = await current.get(key);
      const name = parsed.searchParams.get('download');
      return {
        status: body === undefined ? 404 : 200,
        body: body ?? new Uint8Array(),
        disposition: name === null ? null : `attachment; filename*=UTF-8''${encodeURIComponent(name)}`,
      };
    },
    stop: async () => {},
  } satisfies BucketFixture;
});

bucketContract('s3rver', async () => {
  const emulators = await startEmulators();
  return {
    // Each test gets its own bucket so listings cannot see each other.
    newBucket: async () => {
      const name = `tandem-${randomUUID()}`;
      await emulators.clients.s3.send(new CreateBucketCommand({ Bucket: name }));
      // Pages of 10 keys, so the listing spec crosses page boundaries with a few dozen objects.
      return new S3ReleaseBucket(emulators.clients.s3, name, { listPageSize: 10 });
    },
    download: async (url) => {
      const result = await fetch(url);
      return {
        status: result.status,
        body: new Uint8Array(await result.arrayBuffer()),
        disposition: result.headers.get('content-disposition'),
      };
    },
    stop: () => emulators.stop(),
  };
});
