import { randomUUID } from 'node:crypto';
import { describe, it } from 'vitest';
import { dynamoDbClient } from '../../functions/runtime/store.ts';
import { dynamoDbLocalMissing, startDynamoDbLocal } from '../../infra/local/emulator-process.ts';
import { startEmulators } from '../../infra/local/emulators.ts';
import { DynamoDbTandemStore, ensureTable } from '../../shared/adapters/dynamodb/store.ts';
import { MemoryTandemStore } from '../../shared/adapters/memory/store.ts';
import { storeContract } from './store.contract.ts';

// Each test gets a fresh table on one running emulator, so specifications cannot see each other.
const tableName = () => `tandem-${randomUUID()}`;

storeContract('memory', async () => ({
  newStore: async () => new MemoryTandemStore(),
  stop: async () => {},
}));

storeContract('dynalite', async () => {
  const emulators = await startEmulators();
  return {
    newStore: async () => {
      const name = tableName();
      await ensureTable(emulators.clients.dynamodb, name);
      return new DynamoDbTandemStore(emulators.clients.dynamodb, name);
    },
    stop: () => emulators.stop(),
  };
});

const missing = dynamoDbLocalMissing();
if (missing === undefined) {
  storeContract('DynamoDB Local', async () => {
    const local = await startDynamoDbLocal();
    const client = dynamoDbClient({ region: 'eu-central-1', endpoint: local.endpoint });
    return {
      newStore: async () => {
        const name = tableName();
        await ensureTable(client, name);
        return new DynamoDbTandemStore(client, name);
      },
      stop: async () => {
        client.destroy();
        await local.stop();
      },
    };
  });
} else {
  describe('TandemStore on DynamoDB Local', () => {
    it.skip(`skipped: ${missing}`, () => {});
  });
}
