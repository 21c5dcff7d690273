import { fileURLToPath } from 'node:url';
import { CfnOutput, Duration, Stack, type StackProps, TimeZone } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as snsSubscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import { ROUTES, type RouteSpec } from '../../functions/routes.ts';
import { isTimeZone } from '../../shared/dates.ts';
import { TandemFunction, type TandemFunctionProps } from '../constructs/tandem-function.ts';
import { validate } from '../constructs/validate.ts';
import { SITE_INDEX } from './stateful.ts';

/** The repository root: ROUTES names handler modules relative to it. */
export const REPOSITORY_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The modules of the nightly job's three steps, relative to the repository root. */
export const NIGHTLY_HANDLERS = {
  listSites: 'functions/nightly/list-sites.ts',
  scoreSite: 'functions/nightly/score-site.ts',
  combine: 'functions/nightly/combine.ts',
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
   * Steady-state requests per second the API accepts before answering 429.
   * @default 50
   */
  readonly throttleRatePerSecond?: number;
  /**
   * Address that is told when a nightly run fails.
   * @default - no notification; the alarm still changes state
   */
  readonly alarmEmail?: string;
  /**
   * Folder that handler module paths are relative to, with the lock file (tests point it at a
   * tree of stand-ins).
   * @default REPOSITORY_ROOT
   */
  readonly sourceRoot?: string;
}

/** What a function may touch, derived from where its module lives and how its routes are used. */
interface FunctionAccess {
  readonly table?: 'read' | 'readWrite';
  /** Reads of released files (`releases/*`). */
  readonly releases?: true;
  /** Sets TANDEM_PUBLIC_URL, for functions that print participant links. */
  readonly printsLinks?: true;
  /** Sets the hosted sign-in variables, for the static pages. */
  readonly signsIn?: true;
  /** Carries the staff pages' built scripts and styles in its bundle (functions/web/assets.ts). */
  readonly servesWebAssets?: true;
  /** Reads the attempt secret (participant links: the unknown-token limiter). */
  readonly countsAttempts?: true;
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

// GET routes that still write: a release download is an audit event (DESIGN §5).
const AUDITED_READS = new Set(['functions/researcher/download.ts']);

function accessOf(handler: string, routes: readonly RouteSpec[]): FunctionAccess {
  const writes = routes.some((r) => r.method !== 'GET') || AUDITED_READS.has(handler);
  const table = writes ? 'readWrite' : 'read';
  if (handler.startsWith('functions/participant/')) return { table: 'readWrite', countsAttempts: true };
  if (handler.startsWith('functions/coordinator/')) return { table, printsLinks: true };
  if (handler.startsWith('functions/researcher/')) return { table, releases: true };
  if (handler === 'functions/web/pages.ts') return { signsIn: true, servesWebAssets: true };
  if (handler.startsWith('functions/web/')) return { signsIn: true };
  throw new Error(`no access rule for handler module ${handler}; add one to accessOf`);
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
  /** In alarm when a nightly run failed or timed out. */
  public readonly nightlyFailedAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    const studyTimezone = props.studyTimezone ?? 'Europe/Berlin';
    const maxConcurrency = props.nightlyMaxConcurrency ?? 10;
    const throttleRatePerSecond = props.throttleRatePerSecond ?? 50;
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
        condition: throttleRatePerSecond > 0,
        message: `throttleRatePerSecond must be positive, received ${throttleRatePerSecond}`,
      },
      {
        condition: props.stagingPrefix.endsWith('/') && !props.stagingPrefix.startsWith('/'),
        message: `stagingPrefix must be a key prefix ending in '/', received '${props.stagingPrefix}'`,
      },
    ]);
    const root = sourceRoot.replace(/\/$/, '');
    const fn = (fid: string, module: string, extra: Partial<TandemFunctionProps> = {}) =>
      new TandemFunction(this, fid, {
        entry: `${root}/${module}`,
        depsLockFilePath: `${root}/package-lock.json`,
        projectRoot: root,
        description: `Tandem ${module}`,
        ...extra,
      });

    // HTTP API -------------------------------------------------------------------------------
    this.httpApi = new apigwv2.HttpApi(this, 'HttpApi', {
      description: 'Tandem: participant pages, dashboards and the staff API',
      createDefaultStage: false,
    });
    const accessLogs = new logs.LogGroup(this, 'ApiAccessLogs', {
      retention: logs.RetentionDays.THREE_MONTHS,
    });
    this.httpApi.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: throttleRatePerSecond, burstLimit: throttleRatePerSecond * 2 },
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
    for (const [handler, routes] of routesByHandler) {
      const access = accessOf(handler, routes);
      const f = fn(constructIdOf(handler), handler, access.servesWebAssets ? webAssetsBundling(root) : {});
      if (access.table === 'readWrite') f.bindTableReadWrite(props.table, [SITE_INDEX]);
      if (access.table === 'read') f.bindTableRead(props.table, [SITE_INDEX]);
      if (access.releases) f.bindBucketRead(props.releaseBucket, 'releases/');
      if (access.countsAttempts) f.bindAttemptSecret(props.attemptSecret);
      if (access.printsLinks)
        f.addEnvironment('TANDEM_PUBLIC_URL', props.publicUrl ?? this.httpApi.apiEndpoint);
      if (access.signsIn) {
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
      }
    }
    this.routeFunctions = routeFunctions;
    this.publicRoutes = publicRoutes;
    new CfnOutput(this, 'ApiUrl', {
      value: this.httpApi.apiEndpoint,
      description: 'Origin of the participant links and dashboards; its /signin goes into callbackUrls',
    });

    // Nightly release pipeline ----------------------------------------------------------------
    const listSites = fn('NightlyListSites', NIGHTLY_HANDLERS.listSites, {
      timeout: Duration.seconds(30),
    }).bindTableRead(props.table, [SITE_INDEX]);
    const scoreSite = fn('NightlyScoreSite', NIGHTLY_HANDLERS.scoreSite, {
      timeout: Duration.minutes(5),
      memorySize: 1024,
    })
      .bindTableRead(props.table, [SITE_INDEX])
      .bindBucketPut(props.releaseBucket, props.stagingPrefix);
    const combine = fn('NightlyCombine', NIGHTLY_HANDLERS.combine, {
      timeout: Duration.minutes(15),
      memorySize: 2048,
    })
      .bindTableReadWrite(props.table, [SITE_INDEX])
      .bindBucketRead(props.releaseBucket, props.stagingPrefix)
      .bindBucketRead(props.releaseBucket, 'releases/')
      .bindBucketPut(props.releaseBucket, 'releases/')
      .bindPseudonymSecret(props.pseudonymSecret);

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
      retention: logs.RetentionDays.THREE_MONTHS,
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

    const failures = new cloudwatch.MathExpression({
      label: 'nightly runs failed or timed out',
      expression: 'FILL(failed, 0) + FILL(timedOut, 0)',
      usingMetrics: {
        failed: this.nightlyStateMachine.metricFailed({ statistic: 'Sum' }),
        timedOut: this.nightlyStateMachine.metricTimedOut({ statistic: 'Sum' }),
      },
      period: Duration.minutes(5),
    });
    this.nightlyFailedAlarm = failures.createAlarm(this, 'NightlyFailedAlarm', {
      alarmDescription:
        'A nightly release run failed; the previous release is still the latest. See the execution.',
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    new CfnOutput(this, 'NightlyStateMachineArn', { value: this.nightlyStateMachine.stateMachineArn });
    if (props.alarmEmail) {
      const topic = new sns.Topic(this, 'AlarmTopic', { displayName: 'Tandem alarms', enforceSSL: true });
      topic.addSubscription(new snsSubscriptions.EmailSubscription(props.alarmEmail));
      this.nightlyFailedAlarm.addAlarmAction(new cloudwatchActions.SnsAction(topic));
    }
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
