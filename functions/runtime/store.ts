import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDbTandemStore } from '../../shared/adapters/dynamodb/store.ts';
import type { TandemStore } from '../../shared/ports.ts';
import { perConfig } from './per-config.ts';

// Kept apart from bucket.ts so that participant bundles never pull in the S3 client.

/** A document client for AWS, or for an emulator when `endpoint` is given (dummy credentials). */
export function dynamoDbClient(options: {
  region: string;
  endpoint?: string | undefined;
}): DynamoDBDocumentClient {
  const client = new DynamoDBClient({
    region: options.region,
    ...(options.endpoint === undefined
      ? {}
      : { endpoint: options.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
  });
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

/**
 * The document client of this process, built once per config(): AWS_REGION, TANDEM_DYNAMODB_ENDPOINT.
 * The store's own; fault tests add a middleware to its stack (test/faults/inject.ts).
 */
export const documentClient: () => DynamoDBDocumentClient = perConfig((env) =>
  dynamoDbClient({ region: env.AWS_REGION, endpoint: env.TANDEM_DYNAMODB_ENDPOINT }),
);

/** The store for this process, built once per config(): TANDEM_TABLE and the client above. */
export const store: () => TandemStore = perConfig(
  (env) => new DynamoDbTandemStore(documentClient(), env.TANDEM_TABLE),
);
