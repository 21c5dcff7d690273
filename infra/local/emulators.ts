import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';
import S3rver from 's3rver';
import { s3Client } from '../../functions/runtime/bucket.ts';
import { dynamoDbClient } from '../../functions/runtime/store.ts';
import { ensureTable } from '../../shared/adapters/dynamodb/store.ts';
import { config } from '../../shared/config.ts';

export interface EmulatorClients {
  dynamodb: DynamoDBDocumentClient;
  s3: S3Client;
}

export interface Emulators {
  dynamodbEndpoint: string;
  s3Endpoint: string;
  tableName: string;
  bucketName: string;
  region: string;
  clients: EmulatorClients;
  /** Closes the clients and both servers; removes the S3 folder when it was temporary. */
  stop(): Promise<void>;
}

export interface EmulatorOptions {
  /** Folder for the LevelDB table (`dynamodb/`) and the S3 objects (`s3/`); in memory when absent. */
  dataDir?: string;
  /** Only 0 (a free loopback port for each emulator) is supported. */
  port?: 0;
  /** @default config().TANDEM_TABLE */
  tableName?: string;
  /** @default config().TANDEM_BUCKET */
  bucketName?: string;
  /**
   * A DynamoDB that is already running (an emulator in its own process, emulator-process.ts): used
   * instead of starting dynalite here, and left running on stop(). Not with `dataDir`.
   */
  dynamodbEndpoint?: string;
}

/** AWS SDK v3 clients for the emulators (see functions/runtime for the settings s3rver needs). */
export function makeClients(options: {
  dynamodbEndpoint: string;
  s3Endpoint: string;
  region: string;
}): EmulatorClients {
  return {
    dynamodb: dynamoDbClient({ region: options.region, endpoint: options.dynamodbEndpoint }),
    s3: s3Client({ region: options.region, endpoint: options.s3Endpoint }),
  };
}

/**
 * Starts dynalite (unless given `dynamodbEndpoint`) and s3rver on free loopback ports, with
 * Tandem's table and bucket created.
 */
export async function startEmulators(options: EmulatorOptions = {}): Promise<Emulators> {
  if (options.dynamodbEndpoint !== undefined && options.dataDir !== undefined)
    throw new Error('startEmulators: dataDir keeps dynalite data; an external DynamoDB keeps its own');
  const env = config();
  const tableName = options.tableName ?? env.TANDEM_TABLE;
  const bucketName = options.bucketName ?? env.TANDEM_BUCKET;
  const region = env.AWS_REGION;

  let dynamodbPath: string | undefined;
  let s3Directory: string;
  if (options.dataDir === undefined) {
    // s3rver always stores files; a temporary folder stands in for memory and goes on stop().
    s3Directory = await mkdtemp(join(tmpdir(), 'tandem-s3-'));
  } else {
    dynamodbPath = join(options.dataDir, 'dynamodb');
    s3Directory = join(options.dataDir, 's3');
    await mkdir(dynamodbPath, { recursive: true });
    await mkdir(s3Directory, { recursive: true });
  }

  const dynamo = options.dynamodbEndpoint === undefined ? await startDynalite(dynamodbPath) : undefined;
  const dynamodbEndpoint = dynamo
    ? `http://127.0.0.1:${(dynamo.address() as AddressInfo).port}`
    : (options.dynamodbEndpoint ?? '');

  const s3 = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory: s3Directory,
    configureBuckets: [{ name: bucketName }],
  });
  let s3Address: AddressInfo;
  try {
    s3Address = await s3.run();
  } catch (error) {
    if (dynamo) await closeServer(dynamo);
    throw error;
  }
  const s3Endpoint = `http://127.0.0.1:${s3Address.port}`;

  const clients = makeClients({ dynamodbEndpoint, s3Endpoint, region });
  const stop = async (): Promise<void> => {
    clients.dynamodb.destroy();
    clients.s3.destroy();
    await Promise.all([dynamo ? closeServer(dynamo) : undefined, s3.close()]);
    if (options.dataDir === undefined) await rm(s3Directory, { recursive: true, force: true });
  };
  try {
    await ensureTable(clients.dynamodb, tableName);
  } catch (error) {
    await stop();
    throw error;
  }
  return { dynamodbEndpoint, s3Endpoint, tableName, bucketName, region, clients, stop };
}

/** dynalite listening on a free loopback port, in memory or in the LevelDB folder `path`. */
export async function startDynalite(path?: string): Promise<Server> {
  const dynamo = dynalite({
    ...(path === undefined ? {} : { path }),
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  await new Promise<void>((resolve, reject) => {
    dynamo.once('error', reject);
    dynamo.listen(0, '127.0.0.1', () => resolve());
  });
  return dynamo;
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
}
