import { createHash, randomBytes } from 'node:crypto';
import { setTimeout } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { aggregate } from '../../analysis/publish.ts';
import type { Manifest } from '../../analysis/release.ts';
import { s3Client } from '../../functions/runtime/bucket.ts';
import { dynamoDbClient } from '../../functions/runtime/store.ts';
import type { LocalServer } from '../../infra/local/server.ts';
import { DynamoDbTandemStore } from '../../shared/adapters/dynamodb/store.ts';
import { S3ReleaseBucket } from '../../shared/adapters/s3/bucket.ts';
import { config } from '../../shared/config.ts';
import { answersAll, studyInput } from '../../shared/participation/testing.ts';
import type { ReleaseBucket, TandemStore } from '../../shared/ports.ts';
import { addTherapist, enrolDyad, linkOf } from '../local/enrol.ts';
import { api, startTestStack } from '../local/harness.ts';
import { FaultInjector, type FaultKind, ProcessCrash } from './inject.ts';
import { faultTally } from './tally.ts';

// The nightly job under faults (DESIGN §8: "a failed run leaves the previous release as it was").
// It reads the store and writes the bucket through clients that crash after the n-th call (for
// every n) or throttle, fail or time out a call. After each failure the previous release must be
// the latest, untouched, with no manifest for a half release; the next run must publish whole.

vi.setConfig({ testTimeout: 300_000 });

const SITE = 'berlin';
const SECRET = 'nightly-fault-test';
let stack: LocalServer;
let store: TandemStore;
let bucket: ReleaseBucket;
let faults: FaultInjector;
let bucketFaults: FaultInjector;
let day = Date.parse('2027-04-01T03:00:00Z');

beforeAll(async () => {
  stack = await startTestStack({ study: { ...studyInput, suppressionK: 1 } });
  const http = api(stack);
  for (let d = 0; d < 4; d++) {
    const dyad = await enrolDyad(http, SITE, await addTherapist(http, SITE));
    for (const link of [linkOf(dyad, 'client'), linkOf(dyad, 'therapist')])
      expect((await http.post(`${link}/consent`, { version: 1 })).status).toBe(201);
    for (let session = 1; session <= 3; session++) {
      for (const [role, instrument] of [
        ['client', 'alliance-client'],
        ['therapist', 'alliance-therapist'],
      ] as const) {
        const body = {
          session,
          instrument,
          answers: answersAll(12, 1 + ((d + session) % 5)),
          submissionId: randomBytes(16).toString('base64url'),
        };
        expect((await http.post(linkOf(dyad, role), body)).status).toBe(201);
      }
    }
  }
  const region = config().AWS_REGION;
  const dynamodb = dynamoDbClient({ region, endpoint: stack.emulators.dynamodbEndpoint });
  const s3 = s3Client({ region, endpoint: stack.emulators.s3Endpoint });
  faults = new FaultInjector(dynamodb, 'dynamodb');
  bucketFaults = new FaultInjector(s3, 's3', { sharing: faults });
  store = new DynamoDbTandemStore(dynamodb, stack.emulators.tableName);
  bucket = new S3ReleaseBucket(s3, stack.emulators.bucketName);
  await nightly(nextDay());
});
afterAll(async () => {
  faultTally.report('nightly');
  await stack?.stop();
});

function nextDay(): Date {
  day += 86_400_000;
  return new Date(day);
}

/**
 * One run of the job. s3rver answers a PutObject before its file is flushed (its filesystem store
 * resolves on the body stream, not the file stream), so a read right after can miss the object that
 * S3 itself would return; a short pause after each run lets the emulator's writes land.
 */
async function nightly(now: Date) {
  try {
    return await aggregate({ store, bucket, secret: SECRET, clock: () => now });
  } finally {
    await setTimeout(50);
  }
}

const text = async (key: string): Promise<string | undefined> => {
  const bytes = await bucket.get(key);
  return bytes && new TextDecoder().decode(bytes);
};

async function latestId(): Promise<string> {
  const latest = await text('releases/latest.json');
  if (!latest) throw new Error('no releases/latest.json');
  return (JSON.parse(latest) as { releaseId: string }).releaseId;
}

/** The release's manifest, after checking that every file it lists is there with its hash. */
async function wholeRelease(releaseId: string): Promise<Manifest> {
  const manifestText = await text(`releases/${releaseId}/manifest.json`);
  expect(manifestText, `manifest of ${releaseId}`).toBeDefined();
  const manifest = JSON.parse(manifestText ?? '') as Manifest;
  expect(manifest.files.length).toBeGreaterThan(10);
  for (const file of manifest.files) {
    const bytes = await bucket.get(`releases/${releaseId}/${file.name}`);
    expect(bytes, `${releaseId}/${file.name}`).toBeDefined();
    expect(
      createHash('sha256')
        .update(bytes ?? new Uint8Array())
        .digest('hex'),
    ).toBe(file.sha256);
  }
  return manifest;
}

interface Published {
  latest: string;
  latestJson: string | undefined;
  manifest: string | undefined;
  records: string[];
}

async function published(): Promise<Published> {
  const latest = await latestId();
  return {
    latest,
    latestJson: await text('releases/latest.json'),
    manifest: await text(`releases/${latest}/manifest.json`),
    records: (await stack.store.listReleases()).map((r) => r.releaseId).sort(),
  };
}

/** After a failed run: the last release is the latest and untouched; no manifest for the new one. */
async function leftAsItWas(before: Published, attempted: string): Promise<void> {
  const after = await published();
  expect(after.latestJson).toBe(before.latestJson);
  expect(after.manifest).toBe(before.manifest);
  // A manifest is written only after every file: the release it names is whole, if not yet the latest.
  if ((await text(`releases/${attempted}/manifest.json`)) !== undefined) await wholeRelease(attempted);
  expect(after.records).toEqual(before.records);
}

/** The next run publishes the attempted release whole, under its own id, and records it. */
async function recovers(attempted: string, now: Date): Promise<void> {
  const { manifest } = await nightly(now);
  expect(manifest.releaseId).toBe(attempted);
  expect(await latestId()).toBe(attempted);
  await wholeRelease(attempted);
  expect((await stack.store.listReleases()).map((r) => r.releaseId)).toContain(attempted);
}

describe('the nightly job', () => {
  it('crashing after every store or bucket call leaves the last release, and the next run publishes whole', async () => {
    let n = 0;
    for (; n < 200; n++) {
      const now = nextDay();
      const attempted = now.toISOString().slice(0, 10);
      const before = await published();
      const injected = faults.injected;
      faults.crashAfter(n);
      let crashed = false;
      try {
        await nightly(now);
      } catch (error) {
        if (!(error instanceof ProcessCrash)) throw error;
        crashed = true;
      } finally {
        faults.heal();
      }
      if (!crashed) {
        expect(faults.injected).toBe(injected);
        await wholeRelease(attempted);
        break;
      }
      faultTally.injected++;
      // A crash after latest.json, before the store's record, is a published release whose record
      // the next run writes; before that, nothing of the new release may be visible.
      if ((await latestId()) !== attempted) await leftAsItWas(before, attempted);
      else await wholeRelease(attempted);
      await recovers(attempted, now);
    }
    // Reads of the store, one put per file, the manifest, latest.json and the store's record.
    expect(n).toBeGreaterThan(20);
    expect(bucketFaults.calls.filter((c) => c === 'PutObjectCommand').length).toBeGreaterThan(n);
  });

  describe.each<FaultKind>(['throttle', 'internal', 'timeout'])('under %s', (kind) => {
    it.each([
      ['the first file', 's3', 'PutObjectCommand', 1],
      ['a middle file', 's3', 'PutObjectCommand', 8],
      ['the manifest', 's3', 'PutObjectCommand', -2],
      ['latest.json', 's3', 'PutObjectCommand', -1],
      ['a store read', 'dynamodb', 'QueryCommand', 2],
    ] as const)('of %s fails the run and leaves the last release', async (_what, service, command, nth) => {
      const now = nextDay();
      const attempted = now.toISOString().slice(0, 10);
      const before = await published();
      // Count the puts of a whole release to find the manifest's and latest.json's positions.
      const puts = (await wholeRelease(before.latest)).files.length + 2;
      const target = service === 's3' ? bucketFaults : faults;
      target.fail({ kind, commands: [command], nth: nth > 0 ? nth : puts + 1 + nth });
      await expect(nightly(now)).rejects.toMatchObject({
        name: kind === 'timeout' ? 'TimeoutError' : expect.any(String),
      });
      target.heal();
      faultTally.injected++;
      await leftAsItWas(before, attempted);
      await recovers(attempted, now);
    });
  });
});
