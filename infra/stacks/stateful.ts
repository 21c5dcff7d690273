import { fileURLToPath } from 'node:url';
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { STAFF_ROLES } from '../../functions/routes.ts';
import { TandemFunction } from '../constructs/tandem-function.ts';
import { validate } from '../constructs/validate.ts';

export interface StatefulStackProps extends StackProps {
  /**
   * Where Cognito's hosted sign-in may send a user back to (the `/signin` page of each origin
   * that serves the static dashboards).
   * @default ['http://localhost:3000/signin']
   */
  readonly callbackUrls?: readonly string[];
  /**
   * Where Cognito may send a user after sign-out.
   * @default the callback URLs
   */
  readonly logoutUrls?: readonly string[];
  /**
   * Prefix of the hosted sign-in domain (`{prefix}.auth.{region}.amazoncognito.com`); unique per region.
   * @default `tandem-{account}`
   */
  readonly authDomainPrefix?: string;
  /**
   * Days after which partial results under the staging prefix are deleted.
   * @default 7
   */
  readonly stagingExpiryDays?: number;
  /**
   * What happens to the table, buckets, secret and user pool when the stack is deleted. Study data
   * outlives stacks, so only a throw-away test deployment should say DESTROY.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Folder that holds `functions/` and `package-lock.json` (tests pass stand-in handlers).
   * @default the repository root
   */
  readonly sourceRoot?: string;
}

/** The module of the user pool's post-authentication trigger, relative to the repository root. */
export const POST_AUTHENTICATION_HANDLER = 'functions/auth/post-authentication.ts';

/** The table's one GSI: per-site reads (DESIGN §4). */
export const SITE_INDEX = 'gsi1';

/** Key prefix of the per-site partial results that the nightly job writes before it combines them. */
export const STAGING_PREFIX = 'staging/';

/**
 * Everything that holds data or identity and must survive a redeploy: the study table, the release
 * bucket, the pseudonym key and the staff user pool.
 */
export class StatefulStack extends Stack {
  /** One table for the whole study (DESIGN §4), keys `pk`/`sk`, GSI `gsi1` for per-site reads. */
  public readonly table: dynamodb.ITableV2;
  /** Releases under `releases/`, nightly partials under {@link STAGING_PREFIX}. */
  public readonly releaseBucket: s3.IBucket;
  /** The prefix (with its trailing slash) that expires. */
  public readonly stagingPrefix = STAGING_PREFIX;
  /** HMAC key for the per-release pseudonyms of analyst-tier files. */
  public readonly pseudonymSecret: secretsmanager.ISecret;
  /** HMAC key under which the participant functions count unknown tokens per address. */
  public readonly attemptSecret: secretsmanager.ISecret;
  /** Staff identities; groups are the roles, `custom:sites` a coordinator's sites. */
  public readonly userPool: cognito.UserPool;
  /** The public client used by the static dashboard pages (authorization code with PKCE). */
  public readonly userPoolClient: cognito.UserPoolClient;
  /** The hosted sign-in domain. */
  public readonly userPoolDomain: cognito.UserPoolDomain;
  /** Host name of the hosted sign-in: `{prefix}.auth.{region}.amazoncognito.com`. */
  public readonly signInDomain: string;
  /** Writes a `signin` audit event after each staff sign-in (user pool post-authentication trigger). */
  public readonly postAuthenticationFunction: TandemFunction;

  constructor(scope: Construct, id: string, props: StatefulStackProps = {}) {
    super(scope, id, props);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const stagingExpiryDays = props.stagingExpiryDays ?? 7;
    const callbackUrls = [...(props.callbackUrls ?? ['http://localhost:3000/signin'])];
    validate([
      {
        condition: Number.isInteger(stagingExpiryDays) && stagingExpiryDays >= 1,
        message: `stagingExpiryDays must be a whole number of days ≥ 1, received ${stagingExpiryDays}`,
      },
      {
        condition: callbackUrls.length > 0,
        message: 'callbackUrls must name at least one URL, received none',
      },
    ]);

    // `as` only widens a class to its interface: CDK classes declare some optional members as
    // `T | undefined`, which exactOptionalPropertyTypes will not match against `T?` otherwise.
    this.table = new dynamodb.TableV2(this, 'Table', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
      billing: dynamodb.Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // Rate-limit counters of unknown link tokens expire on their own (shared/participation/attempts.ts).
      timeToLiveAttribute: 'expiresAt',
      deletionProtection: removalPolicy === RemovalPolicy.RETAIN,
      removalPolicy,
      globalSecondaryIndexes: [
        {
          indexName: SITE_INDEX,
          partitionKey: { name: 'gsi1pk', type: dynamodb.AttributeType.STRING },
          sortKey: { name: 'gsi1sk', type: dynamodb.AttributeType.STRING },
        },
      ],
    }) as dynamodb.ITableV2;

    const autoDeleteObjects = removalPolicy === RemovalPolicy.DESTROY;
    // S3 server access logs: a second trail of who fetched which release file, besides the audit
    // events the download route writes when it hands out a presigned URL.
    const accessLogBucket = new s3.Bucket(this, 'AccessLogBucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(365) }],
      removalPolicy,
      autoDeleteObjects,
    });
    this.releaseBucket = new s3.Bucket(this, 'ReleaseBucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: accessLogBucket as s3.IBucket,
      serverAccessLogsPrefix: 'release-bucket/',
      lifecycleRules: [
        {
          id: 'expire-staging',
          prefix: STAGING_PREFIX,
          expiration: Duration.days(stagingExpiryDays),
          noncurrentVersionExpiration: Duration.days(1),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
      removalPolicy,
      autoDeleteObjects,
    }) as s3.IBucket;

    this.pseudonymSecret = new secretsmanager.Secret(this, 'PseudonymSecret', {
      description: 'Tandem: HMAC key for the per-release pseudonyms of analyst-tier files',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy,
    }) as secretsmanager.ISecret;

    this.attemptSecret = new secretsmanager.Secret(this, 'AttemptSecret', {
      description: 'Tandem: HMAC key of the address hashes the unknown-token limiter stores',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy,
    }) as secretsmanager.ISecret;

    this.userPool = new cognito.UserPool(this, 'UserPool', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      autoVerify: { email: true },
      customAttributes: { sites: new cognito.StringAttribute({ mutable: true, maxLen: 2048 }) },
      passwordPolicy: {
        minLength: 12,
        requireDigits: true,
        requireLowercase: true,
        requireUppercase: true,
        requireSymbols: true,
      },
      // Staff accounts see enrolment and release data: a second factor, by authenticator app only.
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      // Plus tier for threat protection (compromised credentials, risky sign-ins): staff are few,
      // so it costs little, and these accounts open enrolment data and analyst-tier files.
      featurePlan: cognito.FeaturePlan.PLUS,
      standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      removalPolicy,
    });
    // Sign-ins are audit events (who and when); the trigger logs, never fails, a write it cannot make.
    const root = (props.sourceRoot ?? fileURLToPath(new URL('../../', import.meta.url))).replace(/\/$/, '');
    this.postAuthenticationFunction = new TandemFunction(this, 'PostAuthentication', {
      entry: `${root}/${POST_AUTHENTICATION_HANDLER}`,
      depsLockFilePath: `${root}/package-lock.json`,
      projectRoot: root,
      description: `Tandem ${POST_AUTHENTICATION_HANDLER}`,
      timeout: Duration.seconds(5),
    }).bindTableReadWrite(this.table, []);
    this.userPool.addTrigger(cognito.UserPoolOperation.POST_AUTHENTICATION, this.postAuthenticationFunction);
    for (const role of STAFF_ROLES) {
      new cognito.CfnUserPoolGroup(this, `Group-${role}`, {
        userPoolId: this.userPool.userPoolId,
        groupName: role,
        description: `Tandem ${role}`,
      });
    }
    this.userPoolDomain = this.userPool.addDomain('Domain', {
      cognitoDomain: { domainPrefix: props.authDomainPrefix ?? `tandem-${this.account}` },
    });
    this.signInDomain = `${this.userPoolDomain.domainName}.auth.${this.region}.amazoncognito.com`;
    this.userPoolClient = this.userPool.addClient('DashboardClient', {
      generateSecret: false,
      authFlows: {},
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE],
        callbackUrls,
        logoutUrls: [...(props.logoutUrls ?? callbackUrls)],
      },
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      // The pages keep tokens in memory only; an hour of work per sign-in.
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
      readAttributes: new cognito.ClientAttributes()
        .withStandardAttributes({ email: true, emailVerified: true })
        .withCustomAttributes('sites'),
      writeAttributes: new cognito.ClientAttributes(),
    });

    // What an operator needs after a deploy (docs/deploy.md): where to create users, which table
    // and bucket the CLI should point at.
    new CfnOutput(this, 'UserPoolId', { value: this.userPool.userPoolId });
    new CfnOutput(this, 'SignInDomain', { value: this.signInDomain });
    new CfnOutput(this, 'TableName', { value: this.table.tableName });
    new CfnOutput(this, 'ReleaseBucketName', { value: this.releaseBucket.bucketName });
  }
}
