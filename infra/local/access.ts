import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDbTandemStore } from '../../shared/adapters/dynamodb/store.ts';
import { S3ReleaseBucket } from '../../shared/adapters/s3/bucket.ts';
import { config, resetConfig } from '../../shared/config.ts';
import type { ReleaseBucket, TandemStore } from '../../shared/ports.ts';
import { makeClients, startEmulators } from './emulators.ts';
import { pseudonymSecret } from './server.ts';

/** What `tandem dev` writes to `.tandem/endpoints.json` while it runs. */
export interface Endpoints {
  url: string;
  pid: number;
  dynamodbEndpoint: string;
  s3Endpoint: string;
  tableName: string;
  bucketName: string;
  region: string;
}

export interface LocalData {
  store: TandemStore;
  bucket: ReleaseBucket;
  /** `running` when a `tandem dev` holds the files and we talk to its emulators. */
  via: 'running' | 'files';
  close(): Promise<void>;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The endpoints of a `tandem dev` that is running on `dataDir`, if one is. */
export function runningEndpoints(dataDir: string): Endpoints | undefined {
  const file = join(dataDir, 'endpoints.json');
  if (!existsSync(file)) return undefined;
  try {
    const endpoints = JSON.parse(readFileSync(file, 'utf8')) as Endpoints;
    return isAlive(endpoints.pid) ? endpoints : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The local store and bucket for a command: through the running `tandem dev` (its emulators hold
 * the files locked), or by starting the emulators on `dataDir` for the duration of the command.
 * Sets the environment the way the local server does, so code that reads config() finds the same.
 */
export async function openLocalData(dataDir: string): Promise<LocalData> {
  process.env.TANDEM_PSEUDONYM_SECRET = pseudonymSecret(dataDir);
  const running = runningEndpoints(dataDir);
  if (running) {
    process.env.TANDEM_TABLE = running.tableName;
    process.env.TANDEM_BUCKET = running.bucketName;
    process.env.TANDEM_DYNAMODB_ENDPOINT = running.dynamodbEndpoint;
    process.env.TANDEM_S3_ENDPOINT = running.s3Endpoint;
    process.env.TANDEM_PUBLIC_URL = running.url;
    resetConfig();
    const clients = makeClients(running);
    return {
      store: new DynamoDbTandemStore(clients.dynamodb, running.tableName),
      bucket: new S3ReleaseBucket(clients.s3, running.bucketName),
      via: 'running',
      close: async () => {
        clients.dynamodb.destroy();
        clients.s3.destroy();
      },
    };
  }
  resetConfig();
  const emulators = await startEmulators({ dataDir });
  process.env.TANDEM_DYNAMODB_ENDPOINT = emulators.dynamodbEndpoint;
  process.env.TANDEM_S3_ENDPOINT = emulators.s3Endpoint;
  resetConfig();
  config();
  return {
    store: new DynamoDbTandemStore(emulators.clients.dynamodb, emulators.tableName),
    bucket: new S3ReleaseBucket(emulators.clients.s3, emulators.bucketName),
    via: 'files',
    close: () => emulators.stop(),
  };
}
