import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDbTandemStore } from '../../shared/adapters/dynamodb/store.ts';
import type { TandemStore } from '../../shared/ports.ts';
import { perConfig } from './per-config.ts';

// Kept apart from bucket.ts so that participant bundles never pull in the S3 client.

interface ClientOptions {
  region: string;
  endpoint?: string | undefined;
}

/** A DynamoDB client for AWS, or for an emulator when `endpoint` is given (dummy credentials). */
function lowLevelClient(options: ClientOptions & { cacheMiddleware?: boolean }): DynamoDBClient {
  return new DynamoDBClient({
    region: options.region,
    ...(options.cacheMiddleware ? { cacheMiddleware: true } : {}),
    ...(options.endpoint === undefined
      ? {}
      : { endpoint: options.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
  });
}

/** A document client for AWS, or for an emulator when `endpoint` is given (dummy credentials). */
export function dynamoDbClient(options: ClientOptions): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(lowLevelClient(options), {
    marshallOptions: { removeUndefinedValues: true },
  });
}

/**
 * The store's DynamoDB client in this process, built once per config(): AWS_REGION,
 * TANDEM_DYNAMODB_ENDPOINT. It resolves each command's middleware once and keeps it
 * (`cacheMiddleware`): rebuilding it on every call, twice through the document client, cost about a
 * quarter of the SDK's CPU per call (docs/performance.md, Ingest). Fault tests add a middleware to its stack (test/faults/inject.ts).
 */
export const storeClient: () => DynamoDBClient = perConfig((env) =>
  lowLevelClient({ region: env.AWS_REGION, endpoint: env.TANDEM_DYNAMODB_ENDPOINT, cacheMiddleware: true }),
);

/** The store for this process, built once per config(): TANDEM_TABLE and the client above. */
export const store: () => TandemStore = perConfig(
  (env) => new DynamoDbTandemStore(storeClient(), env.TANDEM_TABLE),
);
