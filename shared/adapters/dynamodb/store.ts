import {
  type AttributeValue,
  ConditionalCheckFailedException,
  CreateTableCommand,
  type CreateTableCommandInput,
  DeleteItemCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  type QueryCommandInput,
  ResourceInUseException,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import {
  type Item,
  type ItemKey,
  type ItemPath,
  type ItemQuery,
  type ItemTable,
  ItemTandemStore,
  type ItemUpdate,
} from '../item-store.ts';

/** The CreateTable input of Tandem's one table: pk/sk, GSI `gsi1` (gsi1pk/gsi1sk), on demand. */
export function tableDefinition(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'S' },
      { AttributeName: 'gsi1pk', AttributeType: 'S' },
      { AttributeName: 'gsi1sk', AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: 'gsi1',
        KeySchema: [
          { AttributeName: 'gsi1pk', KeyType: 'HASH' },
          { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
    ],
  };
}

/**
 * What the adapter sends DynamoDB's own commands through: a DynamoDBClient (the runtime's, which
 * caches its resolved middleware per command: functions/runtime/store.ts), or a document client,
 * which shares its client's stack.
 */
export type DynamoDbSender = Pick<DynamoDBClient, 'send'>;

// The document client's marshalling, done here once per call: lib-dynamodb would wrap every
// command in a second middleware stack, which rules out the SDK's handler cache (bench: about a
// quarter of the SDK's CPU per call; docs/performance.md).
const MARSHALL = { removeUndefinedValues: true } as const;
const toAttributes = (value: Record<string, unknown>): Record<string, AttributeValue> =>
  marshall(value, MARSHALL);
const fromAttributes = (attributes: Record<string, AttributeValue>): Item => unmarshall(attributes) as Item;

/** Creates the table unless it exists, and waits (up to a minute) until it and its index are active. */
export async function ensureTable(client: DynamoDbSender, tableName: string): Promise<void> {
  try {
    await client.send(new CreateTableCommand(tableDefinition(tableName)));
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  for (let waitedMs = 0; ; waitedMs += 200) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    const indexes = Table?.GlobalSecondaryIndexes ?? [];
    if (Table?.TableStatus === 'ACTIVE' && indexes.every((index) => index.IndexStatus === 'ACTIVE')) return;
    if (waitedMs >= 60_000)
      throw new Error(`table ${tableName} is still ${Table?.TableStatus} after a minute`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** ItemTable over a DynamoDB table. */
class DynamoDbItemTable implements ItemTable {
  constructor(
    private readonly client: DynamoDbSender,
    private readonly tableName: string,
  ) {}

  async put(item: Item, options: { ifAbsent?: boolean } = {}): Promise<boolean> {
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: toAttributes(item),
          ...(options.ifAbsent ? { ConditionExpression: 'attribute_not_exists(pk)' } : {}),
        }),
      );
      return true;
    } catch (error) {
      if (options.ifAbsent && error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async update(key: ItemKey, update: ItemUpdate): Promise<boolean> {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    // Every name and value goes through a placeholder: attribute names may be reserved words.
    const path = (parts: ItemPath): string =>
      parts
        .map((part) => {
          const name = `#n${Object.keys(names).length}`;
          names[name] = part;
          return name;
        })
        .join('.');
    const value = (v: unknown): string => {
      const name = `:v${Object.keys(values).length}`;
      values[name] = v;
      return name;
    };
    const sets = (update.set ?? []).map((s) => {
      const target = path(s.path);
      return `${target} = ${s.ifAbsent ? `if_not_exists(${target}, ${value(s.value)})` : value(s.value)}`;
    });
    const removes = (update.remove ?? []).map(path);
    const conditions = ['attribute_exists(pk)'];
    for (const w of update.when ?? []) {
      const target = path(w.path);
      if ('lessThan' in w) conditions.push(`${target} < ${value(w.lessThan)}`);
      else if ('equals' in w) conditions.push(`${target} = ${value(w.equals)}`);
      // A comparison with a missing attribute is false in DynamoDB; a missing one is unequal here.
      else if ('notEquals' in w)
        conditions.push(`(attribute_not_exists(${target}) OR ${target} <> ${value(w.notEquals)})`);
      else conditions.push(`${w.exists ? 'attribute_exists' : 'attribute_not_exists'}(${target})`);
    }
    const expression = [
      sets.length > 0 ? `SET ${sets.join(', ')}` : '',
      removes.length > 0 ? `REMOVE ${removes.join(', ')}` : '',
    ]
      .join(' ')
      .trim();
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: toAttributes({ pk: key.pk, sk: key.sk }),
          // Without an expression the update only checks its condition: it writes nothing.
          ...(expression === '' ? {} : { UpdateExpression: expression }),
          ConditionExpression: conditions.join(' AND '),
          ...(Object.keys(names).length > 0 ? { ExpressionAttributeNames: names } : {}),
          ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: toAttributes(values) } : {}),
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async increment(key: ItemKey, options: { limit: number; expiresAtSeconds: number }): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: toAttributes({ pk: key.pk, sk: key.sk }),
          UpdateExpression: 'ADD #count :one SET #expiresAt = if_not_exists(#expiresAt, :expiresAt)',
          ConditionExpression: 'attribute_not_exists(#count) OR #count < :limit',
          ExpressionAttributeNames: { '#count': 'count', '#expiresAt': 'expiresAt' },
          ExpressionAttributeValues: toAttributes({
            ':one': 1,
            ':limit': options.limit,
            ':expiresAt': options.expiresAtSeconds,
          }),
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async get(key: ItemKey): Promise<Item | undefined> {
    // Consistent, so a read right after a refused conditional put sees the winner.
    const result = await this.client.send(
      new GetItemCommand({
        TableName: this.tableName,
        Key: toAttributes({ pk: key.pk, sk: key.sk }),
        ConsistentRead: true,
      }),
    );
    return result.Item === undefined ? undefined : fromAttributes(result.Item);
  }

  async delete(key: ItemKey): Promise<void> {
    await this.client.send(
      new DeleteItemCommand({ TableName: this.tableName, Key: toAttributes({ pk: key.pk, sk: key.sk }) }),
    );
  }

  async query(query: ItemQuery): Promise<Item[]> {
    const [pkName, skName] = query.index === 'gsi1' ? ['gsi1pk', 'gsi1sk'] : ['pk', 'sk'];
    const input: QueryCommandInput = {
      TableName: this.tableName,
      KeyConditionExpression:
        query.skPrefix === undefined ? '#pk = :pk' : '#pk = :pk AND begins_with(#sk, :prefix)',
      ExpressionAttributeNames:
        query.skPrefix === undefined ? { '#pk': pkName } : { '#pk': pkName, '#sk': skName },
      ExpressionAttributeValues: toAttributes(
        query.skPrefix === undefined ? { ':pk': query.pk } : { ':pk': query.pk, ':prefix': query.skPrefix },
      ),
      ScanIndexForward: !query.descending,
      ...(query.index === undefined ? { ConsistentRead: true } : { IndexName: query.index }),
    };
    const items: Item[] = [];
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const remaining = query.limit === undefined ? undefined : query.limit - items.length;
      const page = await this.client.send(
        new QueryCommand({
          ...input,
          ...(remaining === undefined ? {} : { Limit: remaining }),
          ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
        }),
      );
      for (const attributes of page.Items ?? []) items.push(fromAttributes(attributes));
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined && (query.limit === undefined || items.length < query.limit));
    return items;
  }
}

/** TandemStore on one DynamoDB table (DESIGN §4); receives its client, never builds one. */
export class DynamoDbTandemStore extends ItemTandemStore {
  constructor(client: DynamoDbSender, tableName: string) {
    super(new DynamoDbItemTable(client, tableName));
  }
}
