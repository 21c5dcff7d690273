import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bucket } from '../../functions/runtime/bucket.ts';
import { store } from '../../functions/runtime/store.ts';
import { type Emulators, startEmulators } from '../../infra/local/emulators.ts';
import { resetConfig } from '../../shared/config.ts';

// store() and bucket() read the environment through config(); this file sets it as the local
// runtime does, and restores it afterwards.
describe('store() and bucket()', () => {
  let emulators: Emulators;
  const saved = { ...process.env };
  beforeAll(async () => {
    emulators = await startEmulators({ tableName: 'tandem-runtime', bucketName: 'tandem-runtime' });
    process.env.TANDEM_TABLE = 'tandem-runtime';
    process.env.TANDEM_BUCKET = 'tandem-runtime';
    process.env.TANDEM_DYNAMODB_ENDPOINT = emulators.dynamodbEndpoint;
    process.env.TANDEM_S3_ENDPOINT = emulators.s3Endpoint;
    resetConfig();
  }, 60_000);
  afterAll(async () => {
    for (const name of ['TANDEM_TABLE', 'TANDEM_BUCKET', 'TANDEM_DYNAMODB_ENDPOINT', 'TANDEM_S3_ENDPOINT']) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
    resetConfig();
    await emulators.stop();
  });

  it('talk to the table and the bucket named by the environment', async () => {
    expect(await store().reserveCode('T-RUNTME')).toBe(true);
    expect(await store().reserveCode('T-RUNTME')).toBe(false);
    await bucket().put('releases/r1/readme.txt', 'hello', 'text/plain');
    const url = await bucket().presignGet('releases/r1/readme.txt', 60);
    expect(await (await fetch(url)).text()).toBe('hello');
  });

  it('are built once per environment read, and again after resetConfig()', () => {
    const [firstStore, firstBucket] = [store(), bucket()];
    expect(store()).toBe(firstStore);
    expect(bucket()).toBe(firstBucket);
    resetConfig();
    expect(store()).not.toBe(firstStore);
    expect(bucket()).not.toBe(firstBucket);
  });
});
