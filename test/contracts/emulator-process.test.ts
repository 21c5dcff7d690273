import { connect } from 'node:net';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { dynamoDbClient } from '../../functions/runtime/store.ts';
import {
  dynamoDbLocalMissing,
  type EmulatorProcess,
  startDynaliteProcess,
  startDynamoDbLocal,
} from '../../infra/local/emulator-process.ts';
import { startEmulators } from '../../infra/local/emulators.ts';
import { DynamoDbTandemStore } from '../../shared/adapters/dynamodb/store.ts';

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const refusesConnections = (endpoint: string): Promise<boolean> =>
  new Promise((resolve) => {
    const { hostname, port } = new URL(endpoint);
    const socket = connect(Number(port), hostname);
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });

/** Starts, answers ListTables from another process, stops: the child is gone and its port closed. */
async function startsAndStops(start: () => Promise<EmulatorProcess>): Promise<void> {
  const emulator = await start();
  expect(emulator.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  expect(emulator.pid).not.toBe(process.pid);
  expect(alive(emulator.pid)).toBe(true);
  const client = dynamoDbClient({ region: 'eu-central-1', endpoint: emulator.endpoint });
  try {
    const { TableNames } = await client.send(new ListTablesCommand({}));
    expect(TableNames).toEqual([]);
  } finally {
    client.destroy();
  }
  await emulator.stop();
  expect(alive(emulator.pid)).toBe(false);
  expect(await refusesConnections(emulator.endpoint)).toBe(true);
  // A second stop is harmless.
  await emulator.stop();
}

describe('startDynaliteProcess', () => {
  it('runs dynalite in a child process, empty, and ends it on stop', async () => {
    await startsAndStops(startDynaliteProcess);
  });

  it('serves startEmulators given its endpoint, and outlives their stop', async () => {
    const dynalite = await startDynaliteProcess();
    try {
      const emulators = await startEmulators({
        tableName: 'tandem-external',
        bucketName: 'tandem-external',
        dynamodbEndpoint: dynalite.endpoint,
      });
      expect(emulators.dynamodbEndpoint).toBe(dynalite.endpoint);
      await new DynamoDbTandemStore(emulators.clients.dynamodb, emulators.tableName).putSite({
        siteId: 'wien',
        name: 'Wien',
        targetDyads: 10,
      });
      await emulators.stop();
      expect(alive(dynalite.pid)).toBe(true);
      const client = dynamoDbClient({ region: 'eu-central-1', endpoint: dynalite.endpoint });
      try {
        expect(await new DynamoDbTandemStore(client, 'tandem-external').listSites()).toEqual([
          { siteId: 'wien', name: 'Wien', targetDyads: 10 },
        ]);
      } finally {
        client.destroy();
      }
    } finally {
      await dynalite.stop();
    }
  });

  it('refuses a data folder with an external DynamoDB', async () => {
    await expect(
      startEmulators({ dataDir: '/nonexistent', dynamodbEndpoint: 'http://127.0.0.1:1' }),
    ).rejects.toThrow(/dataDir/);
  });
});

const missing = dynamoDbLocalMissing();
describe('startDynamoDbLocal', () => {
  it.skipIf(missing !== undefined)(
    `runs DynamoDB Local in a JVM and ends it on stop${missing ? ` (skipped: ${missing})` : ''}`,
    async () => {
      await startsAndStops(startDynamoDbLocal);
    },
    120_000,
  );
});
