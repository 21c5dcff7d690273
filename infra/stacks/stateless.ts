import { fileURLToPath } from 'node:url';
import { CfnOutput, Duration, Stack, type StackProps, TimeZone } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import { ROUTES, type RouteSpec } from '../../functions/routes.ts';
import { NIGHTLY_STEPS, type Uses } from '../../functions/uses.ts';
import { isTimeZone } from '../../shared/dates.ts';
import { Monitoring } from '../constructs/monitoring.ts';
import {
  TandemFunction,
  type TandemFunctionProps,
  type TandemResources,
} from '../constructs/tandem-function.ts';
import { validate } from '../constructs/validate.ts';
import { SITE_INDEX } from './stateful.ts';

/** The repository root: ROUTES names handler modules relative to it. */
export const REPOSITORY_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The modules of the nightly job's three steps, relative to the repository root. */
export const NIGHTLY_HANDLERS = {
  listSites: NIGHTLY_STEPS.listSites.handler,
  scoreSite: NIGHTLY_STEPS.scoreSite.handler,
  combine: NIGHTLY_STEPS.combine.handler,
} as const;

/** Errors of the Lambda service itself (throttling, outages), retried patiently with backoff. */
export const LAMBDA_TRANSIENT_ERRORS = [
  'Lambda.TooManyRequestsException',
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
] as const;

export interface StatelessStackProps extends StackProps {
  readonly table: dynamodb.ITableV2;
  readonly releaseBucket: s3.IBucket;
  /** Prefix (with its trailing slash) where the nightly job keeps per-site partials. */
  readonly stagingPrefix: string;
  readonly pseudonymSecret: secretsmanager.ISecret;
  /** Key of the address hashes the participant functions' unknown-token limiter stores. */
  readonly attemptSecret: secretsmanager.ISecret;
  /** The customer-managed key of the table, bucket and secrets; it also encrypts the log groups. */
  readonly key: kms.IKey;
  /** The user pool's sign-in trigger (the stateful stack's one function), watched by the alarms here. */
  readonly postAuthenticationFunction: lambda.IFunction;
  /** Issuer of the staff JWTs. */
  readonly userPool: cognito.IUserPool;
  /** The dashboard pages' client: the authorizer accepts only tokens issued to it. */
  readonly userPoolClient: cognito.IUserPoolClient;
  /** Host of the hosted sign-in (`{prefix}.auth.{region}.amazoncognito.com`), for the pages. */
  readonly signInDomain: string;
  /**
   * IANA time zone of the study: the nightly job runs at 02:30 there.
   * @default 'Europe/Berlin'
   */
  readonly studyTimezone?: string;
  /**
   * How many sites the nightly job scores at once.
   * @default 10
   */
  readonly nightlyMaxConcurrency?: number;
  /**
   * Origin printed in participant links (cards, enrolment responses).
   * @default the HTTP API's own endpoint
   */
  readonly publicUrl?: string;
  /**
   * Steady-state requests per second each participant route (`/s/…`) accepts before answering 429.
   * @default 50
   */
  readonly participantThrottleRatePerSecond?: number;
  /**
   * Steady-state requests per second each staff route and static page accepts before answering 429;
   * a flood on the participant routes cannot use it up.
   * @default 20
   */
  readonly staffThrottleRatePerSecond?: number;
  /**
   * Address the alarm topic mails.
   * @default - no subscription; the topic and the alarms still exist
   */
  readonly alarmEmail?: string;
  /**
   * Folder that handler module paths are relative to, with the lock file (tests point it at a
   * tree of stand-ins).
   * @default REPOSITORY_ROOT
   */
  readonly sourceRoot?: string;
}

/** Builds the staff pages' assets into `web/` beside the function's bundle, where functions/web/assets.ts reads them. */
function webAssetsBundling(root: string): Partial<TandemFunctionProps> {
  return {
    bundling: {
      commandHooks: {
        beforeBundling: () => [],
        beforeInstall: () => [],
        afterBundling: (_inputDir: string, outputDir: string) => [
          `node "${root}/bin/tandem.js" build-web --out "${outputDir}/web"`,
        ],
      },
    },
  };
}

/** `functions/coordinator/list-sites.ts` → `CoordinatorListSites`: a stable construct id. */
function constructIdOf(handler: string): string {
  return handler
    .replace(/^functions\//, '')
    .replace(/\.ts$/, '')
    .split(/[/-]/)
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');
}

/**
 * The route path API Gateway accepts: HTTP APIs refuse a trailing slash and route `/x/` to `/x`,
 * so `GET /coordinator/` is served by the route `GET /coordinator`.
 */
export function apiPathOf(route: RouteSpec): string {
  return route.path.length > 1 ? route.path.replace(/\/$/, '') : route.path;
}

/**
 * Everything that can be redeployed without losing data: one function per handler module, the HTTP
 * API with the Cognito JWT authorizer, and the nightly release pipeline.
 */
export class StatelessStack extends Stack {
  public readonly httpApi: apigwv2.HttpApi;
  /** One function per handler module named in ROUTES, by module path. */
  public readonly routeFunctions: ReadonlyMap<string, TandemFunction>;
  /** Routes without the JWT authorizer (`access: 'public'` in ROUTES). */
  public readonly publicRoutes: readonly apigwv2.HttpRoute[];
  /** The nightly job's steps: list sites, score one site, combine. */
  public readonly nightlyFunctions: readonly TandemFunction[];
  public readonly nightlyStateMachine: sfn.StateMachine;
  public readonly nightlySchedule: scheduler.Schedule;
  /** CloudFront with the WAF in front of the API, when the app has an edge. */
  public distribution?: cloudfront.Distribution;
  /** The alarm topic, the alarms and the dashboard. */
  public readonly monitoring: Monitoring;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    const studyTimezone = props.studyTimezone ?? 'Europe/Berlin';
    const maxConcurrency = props.nightlyMaxConcurrency ?? 10;
    const participantRate = props.participantThrottleRatePerSecond ?? 50;
    const staffRate = props.staffThrottleRatePerSecond ?? 20;
    const sourceRoot = props.sourceRoot ?? REPOSITORY_ROOT;
    validate([
      {
        condition: supportedTimeZone(studyTimezone),
        message: `studyTimezone must be an IANA time zone such as Europe/Berlin, received '${studyTimezone}'`,
      },
      {
        condition: Number.isInteger(maxConcurrency) && maxConcurrency >= 1 && maxConcurrency <= 1000,
        message: `nightlyMaxConcurrency must be a whole number from 1 to 1000, received ${maxConcurrency}`,
      },
      {
        condition: participantRate > 0,
        message: `participantThrottleRatePerSecond must be positive, received ${participantRate}`,
      },
      {
        condition: staffRate > 0,
        message: `staffThrottleRatePerSecond must be positive, received ${staffRate}`,
      },
      {
        condition: props.stagingPrefix.endsWith('/') && !props.stagingPrefix.startsWith('/'),
        message: `stagingPrefix must be a key prefix ending in '/', received '${props.stagingPrefix}'`,
      },
    ]);
    const root = sourceRoot.replace(/\/$/, '');
    const resources: TandemResources = {
      table: props.table,
      siteIndex: SITE_INDEX,
      bucket: props.releaseBucket,
      pseudonymSecret: props.pseudonymSecret,
      attemptSecret: props.attemptSecret,
      key: props.key,
    };
    // Every function knows the names of its table and bucket (config() refuses to start without
    // them in AWS); what it may do with them is only what its `uses` grant.
    const fn = (fid: string, module: string, uses: Uses, extra: Partial<TandemFunctionProps> = {}) =>
      new TandemFunction(this, fid, {
        entry: `${root}/${module}`,
        depsLockFilePath: `${root}/package-lock.json`,
        projectRoot: root,
        description: `Tandem ${module}`,
        logKey: props.key,
        environment: { TANDEM_TABLE: props.table.tableName, TANDEM_BUCKET: props.releaseBucket.bucketName },
        ...extra,
      }).grantUses(uses, resources);

    // HTTP API -------------------------------------------------------------------------------
    this.httpApi = new apigwv2.HttpApi(this, 'HttpApi', {
      description: 'Tandem: participant pages, dashboards and the staff API',
      createDefaultStage: false,
    });
    const accessLogs = new logs.LogGroup(this, 'ApiAccessLogs', {
      retention: logs.RetentionDays.ONE_YEAR,
      encryptionKey: props.key,
    });
    const stage = this.httpApi.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      // Each route gets its own limits below; this caps the API as a whole.
      throttle: { rateLimit: participantRate + staffRate, burstLimit: 2 * (participantRate + staffRate) },
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(accessLogs),
        // The route key, never the path: a participant's path holds their link token, which is
        // stored nowhere in clear. No source IP either: participants are anonymous.
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            time: '$context.requestTime',
            routeKey: '$context.routeKey',
            status: '$context.status',
            responseLength: '$context.responseLength',
            latencyMs: '$context.responseLatency',
            integrationError: '$context.integrationErrorMessage',
            authorizerError: '$context.authorizer.error',
            subject: '$context.authorizer.claims.sub',
          }),
        ),
      },
    });
    const authorizer = new HttpJwtAuthorizer(
      'CognitoAuthorizer',
      `https://cognito-idp.${this.region}.${this.urlSuffix}/${props.userPool.userPoolId}`,
      {
        jwtAudience: [props.userPoolClient.userPoolClientId],
        identitySource: ['$request.header.Authorization'],
      },
    );

    const routesByHandler = new Map<string, RouteSpec[]>();
    for (const route of ROUTES)
      routesByHandler.set(route.handler, [...(routesByHandler.get(route.handler) ?? []), route]);
    const routeFunctions = new Map<string, TandemFunction>();
    const publicRoutes: apigwv2.HttpRoute[] = [];
    const allRoutes: apigwv2.HttpRoute[] = [];
    for (const [handler, routes] of routesByHandler) {
      const uses = routes[0]?.uses ?? {};
      validate(
        routes.map((route) => ({
          condition: JSON.stringify(route.uses) === JSON.stringify(uses),
          message: `routes of one handler must declare the same uses: ${route.method} ${route.path} (${handler}) declares ${JSON.stringify(route.uses)}, another ${JSON.stringify(uses)}`,
        })),
      );
      // The pages function carries the staff pages' built scripts and styles (functions/web/assets.ts).
      const bundling = handler === 'functions/web/pages.ts' ? webAssetsBundling(root) : {};
      const f = fn(constructIdOf(handler), handler, uses, bundling);
      if (handler.startsWith('functions/coordinator/'))
        f.addEnvironment('TANDEM_PUBLIC_URL', props.publicUrl ?? this.httpApi.apiEndpoint);
      if (handler.startsWith('functions/web/')) {
        f.addEnvironment('TANDEM_COGNITO_DOMAIN', props.signInDomain);
        f.addEnvironment('TANDEM_COGNITO_CLIENT_ID', props.userPoolClient.userPoolClientId);
      }
      routeFunctions.set(handler, f);
      const integration = new HttpLambdaIntegration(`${constructIdOf(handler)}Integration`, f, {
        scopePermissionToRoute: false,
      });
      for (const route of routes) {
        const added = this.httpApi.addRoutes({
          path: apiPathOf(route),
          methods: [apigwv2.HttpMethod[route.method]],
          integration,
          ...(route.access === 'public' ? {} : { authorizer }),
        });
        if (route.access === 'public') publicRoutes.push(...added);
        allRoutes.push(...added);
      }
    }
    // Separate limits per route: participants' and staff's requests never draw on one budget.
    // RouteSettings is a JSON map in CloudFormation: its keys are written as CloudFormation spells them.
    const limits = (rate: number) => ({ ThrottlingRateLimit: rate, ThrottlingBurstLimit: 2 * rate });
    const cfnStage = stage.node.defaultChild as apigwv2.CfnStage;
    cfnStage.routeSettings = Object.fromEntries(
      ROUTES.map((route) => [
        `${route.method} ${apiPathOf(route)}`,
        limits(route.participant ? participantRate : staffRate),
      ]),
    );
    // Route settings name route keys, which must exist when the stage is created.
    for (const route of allRoutes)
      cfnStage.addResourceDependency(route.node.defaultChild as apigwv2.CfnRoute);
    this.routeFunctions = routeFunctions;
    this.publicRoutes = publicRoutes;
    new CfnOutput(this, 'ApiUrl', {
      value: this.httpApi.apiEndpoint,
      description: 'Origin of the participant links and dashboards; its /signin goes into callbackUrls',
    });

    // Nightly release pipeline ----------------------------------------------------------------
    const listSites = fn('NightlyListSites', NIGHTLY_STEPS.listSites.handler, NIGHTLY_STEPS.listSites.uses, {
      timeout: Duration.seconds(30),
    });
    const scoreSite = fn('NightlyScoreSite', NIGHTLY_STEPS.scoreSite.handler, NIGHTLY_STEPS.scoreSite.uses, {
      timeout: Duration.minutes(5),
      memorySize: 1024,
    });
    const combine = fn('NightlyCombine', NIGHTLY_STEPS.combine.handler, NIGHTLY_STEPS.combine.uses, {
      timeout: Duration.minutes(15),
      memorySize: 2048,
    });

    this.nightlyFunctions = [listSites, scoreSite, combine];

    const step = (sid: string, lambdaFunction: TandemFunction, comment: string) =>
      withRetries(
        new tasks.LambdaInvoke(this, sid, {
          lambdaFunction,
          comment,
          payloadResponseOnly: true,
          retryOnServiceExceptions: false,
        }),
      );
    const scoreEachSite = new sfn.Map(this, 'ScoreEachSite', {
      comment: 'one task per element of $.sites; results gathered in $.partials',
      itemsPath: '$.sites',
      maxConcurrency,
      resultPath: '$.partials',
    }).itemProcessor(step('ScoreSite', scoreSite, 'score one site, write its partial under staging/'));
    const definition = step('ListSites', listSites, 'which sites to score, and the release id')
      .next(scoreEachSite)
      .next(step('Combine', combine, 'statistics across sites, files, manifest, latest.json'));

    const stateMachineLogs = new logs.LogGroup(this, 'NightlyLogs', {
      retention: logs.RetentionDays.ONE_YEAR,
      encryptionKey: props.key,
    });
    this.nightlyStateMachine = new sfn.StateMachine(this, 'Nightly', {
      comment: 'Tandem nightly release: list sites, score each site, combine and publish',
      definitionBody: sfn.DefinitionBody.fromChainable(definition),
      timeout: Duration.hours(2),
      tracingEnabled: true,
      // Execution data stays out of the logs: it names sites and release ids, nothing more, but
      // nothing about the study needs to leave the table and the bucket.
      logs: { destination: stateMachineLogs, level: sfn.LogLevel.ALL, includeExecutionData: false },
    });

    this.nightlySchedule = new scheduler.Schedule(this, 'NightlySchedule', {
      description: `Tandem nightly release, 02:30 ${studyTimezone}`,
      schedule: scheduler.ScheduleExpression.cron({
        minute: '30',
        hour: '2',
        timeZone: TimeZone.of(studyTimezone),
      }),
      target: new schedulerTargets.StepFunctionsStartExecution(this.nightlyStateMachine, {
        input: scheduler.ScheduleTargetInput.fromObject({ trigger: 'schedule' }),
        retryAttempts: 3,
      }),
    });

    new CfnOutput(this, 'NightlyStateMachineArn', { value: this.nightlyStateMachine.stateMachineArn });
    const functions = new Map<string, lambda.IFunction>();
    for (const [handler, f] of routeFunctions) functions.set(constructIdOf(handler), f);
    functions.set('NightlyListSites', listSites);
    functions.set('NightlyScoreSite', scoreSite);
    functions.set('NightlyCombine', combine);
    functions.set('PostAuthentication', props.postAuthenticationFunction);
    this.monitoring = new Monitoring(this, 'Monitoring', {
      httpApi: this.httpApi,
      functions,
      table: props.table,
      nightly: this.nightlyStateMachine,
      key: props.key,
      ...(props.alarmEmail ? { alarmEmail: props.alarmEmail } : {}),
    });
  }

  /**
   * Serves the API through `distribution` (the edge): participant links printed from now on point
   * at it, unless the deployment names its own public URL.
   */
  useDistribution(distribution: cloudfront.Distribution, publicUrl: string | undefined): void {
    this.distribution = distribution;
    const origin = publicUrl ?? `https://${distribution.distributionDomainName}`;
    for (const [handler, f] of this.routeFunctions)
      if (handler.startsWith('functions/coordinator/')) f.addEnvironment('TANDEM_PUBLIC_URL', origin);
    new CfnOutput(this, 'DistributionUrl', {
      value: `https://${distribution.distributionDomainName}`,
      description: 'The edge (CloudFront and WAF) in front of the API; its /signin goes into callbackUrls',
    });
  }
}

/**
 * Retries for a Lambda step: the Lambda service's own errors (throttling above all, when many
 * sites run at once) patiently with jittered backoff; any other failure once more, later.
 */
function withRetries<T extends sfn.TaskStateBase>(task: T): T {
  task
    .addRetry({
      errors: [...LAMBDA_TRANSIENT_ERRORS],
      interval: Duration.seconds(2),
      backoffRate: 2,
      maxAttempts: 6,
      maxDelay: Duration.minutes(1),
      jitterStrategy: sfn.JitterType.FULL,
    })
    .addRetry({
      errors: ['States.TaskFailed'],
      interval: Duration.seconds(30),
      backoffRate: 2,
      maxAttempts: 2,
    });
  return task;
}

/** An IANA zone with a region (or UTC): EventBridge Scheduler refuses bare abbreviations. */
function supportedTimeZone(zone: string): boolean {
  return isTimeZone(zone) && (zone.includes('/') || zone === 'UTC');
}
