import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, type NodejsFunctionProps, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';

/**
 * esbuild aliases every Lambda bundle is built with (also for measuring bundles the way they ship):
 * the SDK's credential chain becomes the environment provider Lambda needs (lambda-credentials.ts).
 */
export const LAMBDA_BUNDLE_ALIASES: Readonly<Record<string, string>> = {
  '@aws-sdk/credential-provider-node': fileURLToPath(new URL('./lambda-credentials.ts', import.meta.url)),
};

// Named actions instead of CDK's grant sets: those add `index/*` and table-management actions.
const TABLE_READ_ACTIONS = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:Scan'];
const TABLE_WRITE_ACTIONS = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
];

export interface TandemFunctionProps extends Omit<NodejsFunctionProps, 'entry' | 'runtime' | 'architecture'> {
  /** Absolute path of the module whose `handler` export Lambda calls. */
  readonly entry: string;
  /**
   * How long the function's log events are kept.
   * @default logs.RetentionDays.THREE_MONTHS
   */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * A Tandem Lambda: Node 20 on arm64, one minified ESM bundle with the AWS SDK inside (the bundle
 * budget of DESIGN §11 counts it, and a pinned SDK behaves the same here and in AWS), its own log
 * group, and `bind…` methods that grant access and set the variable `shared/config.ts` reads, in one call.
 */
export class TandemFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: TandemFunctionProps) {
    const { logRetention, bundling, ...rest } = props;
    const logGroup = new logs.LogGroup(scope, `${id}Logs`, {
      retention: logRetention ?? logs.RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // An own role instead of AWSLambdaBasicExecutionRole: it may write to this log group only.
    const role = new iam.Role(scope, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Tandem function ${id}`,
    });
    logGroup.grantWrite(role);
    super(scope, id, {
      memorySize: 512,
      timeout: Duration.seconds(10),
      logGroup,
      role,
      loggingFormat: lambda.LoggingFormat.JSON,
      ...rest,
      runtime: lambda.Runtime.NODEJS_20_X,
      architecture: lambda.Architecture.ARM_64,
      bundling: {
        format: OutputFormat.ESM,
        target: 'node20',
        platform: 'node',
        mainFields: ['module', 'main'],
        minify: true,
        sourceMap: false,
        // Bundle the SDK too: `[]` overrides the default that leaves `@aws-sdk/*` to the runtime.
        externalModules: [],
        // Some bundled CommonJS dependencies call `require` for Node built-ins; ESM has none.
        banner:
          "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
        esbuildArgs: {
          '--alias': Object.entries(LAMBDA_BUNDLE_ALIASES).map(([module, path]) => `${module}=${path}`),
        },
        ...bundling,
      },
    });
  }

  /**
   * Lets the function read and write study items (table and its `indexNames`), and tells it which
   * table (`TANDEM_TABLE`). No transactions, no table management (DESIGN §4).
   */
  bindTableReadWrite(table: dynamodb.ITableV2, indexNames: readonly string[]): this {
    return this.bindTable(table, indexNames, [...TABLE_READ_ACTIONS, ...TABLE_WRITE_ACTIONS]);
  }

  /** Lets the function read study items (table and its `indexNames`); sets `TANDEM_TABLE`. */
  bindTableRead(table: dynamodb.ITableV2, indexNames: readonly string[]): this {
    return this.bindTable(table, indexNames, TABLE_READ_ACTIONS);
  }

  private bindTable(
    table: dynamodb.ITableV2,
    indexNames: readonly string[],
    actions: readonly string[],
  ): this {
    this.addToRolePolicy(
      new iam.PolicyStatement({
        actions: [...actions],
        resources: [table.tableArn, ...indexNames.map((name) => `${table.tableArn}/index/${name}`)],
      }),
    );
    this.addEnvironment('TANDEM_TABLE', table.tableName);
    return this;
  }

  /**
   * Lets the function read the objects under `prefix` (and sign download URLs for them) and list
   * the bucket; sets `TANDEM_BUCKET`.
   */
  bindBucketRead(bucket: s3.IBucket, prefix: string): this {
    // ListBucket on the whole bucket, without an `s3:prefix` condition: S3 answers a GetObject of a
    // missing key with 404 only to a caller that may list it (403 otherwise), and the adapters read
    // "no latest.json yet" from that 404. Listing shows key names, never content.
    this.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucket.bucketArn] }),
    );
    this.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [bucket.arnForObjects(`${prefix}*`)] }),
    );
    this.addEnvironment('TANDEM_BUCKET', bucket.bucketName);
    return this;
  }

  /** Lets the function write objects under `prefix` (no delete, no overwrite protection); sets `TANDEM_BUCKET`. */
  bindBucketPut(bucket: s3.IBucket, prefix: string): this {
    this.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['s3:PutObject', 's3:AbortMultipartUpload'],
        resources: [bucket.arnForObjects(`${prefix}*`)],
      }),
    );
    this.addEnvironment('TANDEM_BUCKET', bucket.bucketName);
    return this;
  }

  /** Lets the function read the unknown-token limiter's key; sets `TANDEM_ATTEMPT_SECRET_ARN`. */
  bindAttemptSecret(secret: secretsmanager.ISecret): this {
    secret.grantRead(this);
    this.addEnvironment('TANDEM_ATTEMPT_SECRET_ARN', secret.secretArn);
    return this;
  }

  /** Lets the function read the pseudonym key; sets `TANDEM_PSEUDONYM_SECRET_ARN`. */
  bindPseudonymSecret(secret: secretsmanager.ISecret): this {
    secret.grantRead(this);
    this.addEnvironment('TANDEM_PSEUDONYM_SECRET_ARN', secret.secretArn);
    return this;
  }
}
