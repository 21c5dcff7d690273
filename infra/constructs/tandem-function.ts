import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, type NodejsFunctionProps, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import type { BucketPrefix, ObjectOperation, TableOperation, Uses } from '../../functions/uses.ts';
import { validate } from './validate.ts';

/**
 * esbuild aliases every Lambda bundle is built with (also for measuring bundles the way they ship):
 * the SDK's credential chain becomes the environment provider Lambda needs (lambda-credentials.ts).
 */
export const LAMBDA_BUNDLE_ALIASES: Readonly<Record<string, string>> = {
  '@aws-sdk/credential-provider-node': fileURLToPath(new URL('./lambda-credentials.ts', import.meta.url)),
};

/** The Node runtime of every Tandem function (Lambda deprecated Node 20 on 2026-04-30; DESIGN §12). */
export const DEFAULT_RUNTIME = lambda.Runtime.NODEJS_24_X;

/** What a function's `uses` are granted on: the stateful stack's resources. */
export interface TandemResources {
  readonly table: dynamodb.ITableV2;
  /** Name of the per-site GSI that `QuerySiteIndex` reads. */
  readonly siteIndex: string;
  readonly bucket: s3.IBucket;
  readonly pseudonymSecret: secretsmanager.ISecret;
  /** The key of the unknown-token limiter's address hashes (for `attemptSecret`). */
  readonly attemptSecret: secretsmanager.ISecret;
  /** The customer-managed key of the table, the bucket and the secrets. */
  readonly key: kms.IKey;
  /** ARN of the staff user pool (for `userGroups`). */
  readonly userPoolArn?: string;
}

const READS: ReadonlySet<TableOperation> = new Set(['GetItem', 'Query', 'QuerySiteIndex']);

export interface TandemFunctionProps extends Omit<NodejsFunctionProps, 'entry' | 'runtime' | 'architecture'> {
  /** Absolute path of the module whose `handler` export Lambda calls. */
  readonly entry: string;
  /**
   * The Node runtime; the bundle targets the same Node version.
   * @default DEFAULT_RUNTIME (Node 24)
   */
  readonly runtime?: lambda.Runtime;
  /**
   * Key that encrypts the function's log group.
   * @default - CloudWatch Logs' own encryption
   */
  readonly logKey?: kms.IKey;
  /**
   * How long the function's log events are kept.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * A Tandem Lambda: Node 24 (or `runtime`) on arm64, one minified ESM bundle with the AWS SDK inside (the bundle
 * budget of DESIGN §11 counts it, and a pinned SDK behaves the same here and in AWS), its own log
 * group, and `grantUses`, which grants what the function declares and sets the variables `shared/config.ts` reads.
 */
export class TandemFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: TandemFunctionProps) {
    const { logRetention, bundling, logKey, ...rest } = props;
    const runtime = props.runtime ?? DEFAULT_RUNTIME;
    const nodeVersion = /^nodejs(\d+)\.x$/.exec(runtime.name)?.[1];
    validate([
      {
        condition: runtime.family === lambda.RuntimeFamily.NODEJS && nodeVersion !== undefined,
        message: `runtime must be a nodejsNN.x runtime, received '${runtime.name}'`,
      },
    ]);
    const logGroup = new logs.LogGroup(scope, `${id}Logs`, {
      retention: logRetention ?? logs.RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.DESTROY,
      ...(logKey ? { encryptionKey: logKey } : {}),
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
      runtime,
      architecture: lambda.Architecture.ARM_64,
      bundling: {
        format: OutputFormat.ESM,
        target: `node${nodeVersion}`,
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
   * Grants exactly the operations `uses` names, on the narrowest resources (the table or its site
   * index, limited to `leadingKeys`; one key prefix per object operation; the pseudonym or attempt
   * secret; the user pool), the key use they imply, and sets the variables `shared/config.ts` reads.
   */
  grantUses(uses: Uses, resources: TandemResources): this {
    const { table, bucket, key } = resources;
    const keyServices = new Set<string>();
    const keyActions = new Set<string>();
    const tableOps = uses.table ?? [];
    if (tableOps.length > 0) {
      const leadingKeys = uses.leadingKeys
        ? { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...uses.leadingKeys] } }
        : undefined;
      const onTable = tableOps.filter((op) => op !== 'QuerySiteIndex').map((op) => `dynamodb:${op}`);
      if (onTable.length > 0) {
        this.addToRolePolicy(
          new iam.PolicyStatement({
            actions: onTable,
            resources: [table.tableArn],
            ...(leadingKeys ? { conditions: leadingKeys } : {}),
          }),
        );
      }
      if (tableOps.includes('QuerySiteIndex')) {
        this.addToRolePolicy(
          new iam.PolicyStatement({
            actions: ['dynamodb:Query'],
            resources: [`${table.tableArn}/index/${resources.siteIndex}`],
          }),
        );
      }
      keyServices.add('dynamodb');
      keyActions.add('kms:Decrypt');
      // DynamoDB encrypts with the table key it holds; a writer needs no data key of its own.
      if (tableOps.some((op) => !READS.has(op))) keyActions.add('kms:Encrypt');
      this.addEnvironment('TANDEM_TABLE', table.tableName);
    }
    const objects = Object.entries(uses.objects ?? {}) as [BucketPrefix, readonly ObjectOperation[]][];
    for (const [prefix, operations] of objects) {
      this.addToRolePolicy(
        new iam.PolicyStatement({
          actions: operations.map((op) => `s3:${op}`),
          resources: [bucket.arnForObjects(`${prefix}*`)],
        }),
      );
      keyServices.add('s3');
      if (operations.includes('GetObject')) keyActions.add('kms:Decrypt');
      if (operations.includes('PutObject')) keyActions.add('kms:GenerateDataKey');
    }
    if (uses.listBucket) {
      this.addToRolePolicy(
        new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucket.bucketArn] }),
      );
    }
    if (objects.length > 0 || uses.listBucket) this.addEnvironment('TANDEM_BUCKET', bucket.bucketName);
    const secrets = [
      [uses.pseudonymSecret, resources.pseudonymSecret, 'TANDEM_PSEUDONYM_SECRET_ARN'],
      [uses.attemptSecret, resources.attemptSecret, 'TANDEM_ATTEMPT_SECRET_ARN'],
    ] as const;
    for (const [used, secret, variable] of secrets) {
      if (!used) continue;
      this.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ['secretsmanager:GetSecretValue'],
          resources: [secret.secretArn],
        }),
      );
      keyServices.add('secretsmanager');
      keyActions.add('kms:Decrypt');
      this.addEnvironment(variable, secret.secretArn);
    }
    if (keyActions.size > 0) {
      this.addToRolePolicy(
        new iam.PolicyStatement({
          actions: [...keyActions].sort(),
          resources: [key.keyArn],
          conditions: {
            StringEquals: {
              'kms:ViaService': [...keyServices]
                .sort()
                .map((service) => `${service}.${Stack.of(this).region}.amazonaws.com`),
            },
          },
        }),
      );
    }
    if (uses.userGroups) {
      const { userPoolArn } = resources;
      if (!userPoolArn)
        throw new Error(`${this.node.path} looks up user groups: give userPoolArn and userPoolId`);
      // A policy of its own, not the role's default one: the user pool names this function as its
      // trigger, and the function waits for its default policy, which would wait for the pool.
      new iam.Policy(this, 'UserGroups', {
        statements: [
          new iam.PolicyStatement({
            actions: ['cognito-idp:AdminListGroupsForUser'],
            resources: [userPoolArn],
          }),
        ],
        roles: [this.role as iam.IRole],
      });
    }
    return this;
  }
}
