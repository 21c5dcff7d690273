import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDbTandemStore } from '../../shared/adapters/dynamodb/store.ts';
import { config } from '../../shared/config.ts';
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

let cached: TandemStore | undefined;

/** The store for this process, built once from config(): TANDEM_TABLE, AWS_REGION, TANDEM_DYNAMODB_ENDPOINT. */
export function store(): TandemStore {
  if (cached) return cached;
  const { TANDEM_TABLE, AWS_REGION, TANDEM_DYNAMODB_ENDPOINT } = config();
  cached = new DynamoDbTandemStore(
    dynamoDbClient({ region: AWS_REGION, endpoint: TANDEM_DYNAMODB_ENDPOINT }),
    TANDEM_TABLE,
  );
  return cached;
}
