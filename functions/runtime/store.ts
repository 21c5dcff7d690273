import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDbTandemStore } from '../../shared/adapters/dynamodb/store.ts';
import { type Config, config } from '../../shared/config.ts';
import type { TandemStore } from '../../shared/ports.ts';

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

// Keyed on the config object: after resetConfig() (the local runtime learns the emulators' ports
// late) the next call builds a store for the new environment.
let cached: { env: Config; store: TandemStore } | undefined;

/** The store for this process, built once per config(): TANDEM_TABLE, AWS_REGION, TANDEM_DYNAMODB_ENDPOINT. */
export function store(): TandemStore {
  const env = config();
  if (cached?.env === env) return cached.store;
  const client = dynamoDbClient({ region: env.AWS_REGION, endpoint: env.TANDEM_DYNAMODB_ENDPOINT });
  cached = { env, store: new DynamoDbTandemStore(client, env.TANDEM_TABLE) };
  return cached.store;
}
