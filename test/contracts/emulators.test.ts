import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { HeadBucketCommand } from '@aws-sdk/client-s3';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmulators } from '../../infra/local/emulators.ts';
import { DynamoDbTandemStore } from '../../shared/adapters/dynamodb/store.ts';
import { S3ReleaseBucket } from '../../shared/adapters/s3/bucket.ts';

describe('startEmulators', () => {
  const folders: string[] = [];
  afterAll(async () => {
    await Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true })));
  });

  it('starts with the table (and its gsi1 index) and the bucket ready, on loopback ports', async () => {
    const emulators = await startEmulators({ tableName: 'tandem-start', bucketName: 'tandem-start' });
    try {
      expect(emulators.dynamodbEndpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(emulators.s3Endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(emulators.s3Endpoint).not.toBe(emulators.dynamodbEndpoint);
      const { Table } = await emulators.clients.dynamodb.send(
        new DescribeTableCommand({ TableName: 'tandem-start' }),
      );
      expect(Table?.TableStatus).toBe('ACTIVE');
      expect(Table?.GlobalSecondaryIndexes?.map((index) => index.IndexName)).toEqual(['gsi1']);
      const head = await emulators.clients.s3.send(new HeadBucketCommand({ Bucket: 'tandem-start' }));
      expect(head.$metadata.httpStatusCode).toBe(200);
    } finally {
      await emulators.stop();
    }
  });

  it('keeps the table and the objects in dataDir across a restart', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'tandem-emulators-'));
    folders.push(dataDir);
    const first = await startEmulators({ dataDir });
    await new DynamoDbTandemStore(first.clients.dynamodb, first.tableName).putSite({
      siteId: 'wien',
      name: 'Wien',
      targetDyads: 10,
    });
    await new S3ReleaseBucket(first.clients.s3, first.bucketName).put(
      'releases/latest.json',
      '{}',
      'application/json',
    );
    await first.stop();

    const second = await startEmulators({ dataDir });
    try {
      const sites = await new DynamoDbTandemStore(second.clients.dynamodb, second.tableName).listSites();
      expect(sites).toEqual([{ siteId: 'wien', name: 'Wien', targetDyads: 10 }]);
      const bucket = new S3ReleaseBucket(second.clients.s3, second.bucketName);
      expect(await bucket.list('releases/')).toEqual(['releases/latest.json']);
    } finally {
      await second.stop();
    }
  });

  it('starts empty in memory, even right after another in-memory run', async () => {
    const first = await startEmulators();
    await new DynamoDbTandemStore(first.clients.dynamodb, first.tableName).reserveCode('D-222222');
    await new S3ReleaseBucket(first.clients.s3, first.bucketName).put('k', 'v', 'text/plain');
    await first.stop();
    const second = await startEmulators();
    try {
      expect(
        await new DynamoDbTandemStore(second.clients.dynamodb, second.tableName).reserveCode('D-222222'),
      ).toBe(true);
      expect(await new S3ReleaseBucket(second.clients.s3, second.bucketName).list('')).toEqual([]);
    } finally {
      await second.stop();
    }
  });
});
