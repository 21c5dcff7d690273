import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES, STAFF_ROLES } from '../../functions/routes.ts';
import { POST_AUTHENTICATION_HANDLER, StatefulStack } from '../../infra/stacks/stateful.ts';
import { apiPathOf, LAMBDA_TRANSIENT_ERRORS, StatelessStack } from '../../infra/stacks/stateless.ts';
import { buildApp } from '../../infra/stacks/tandem-app.ts';
import { handlerStandIns } from './standins.ts';

// One synthesis for the whole file (it takes seconds): bundling is skipped (DESIGN §12) and the
// handler paths point at empty stand-ins, so the template does not wait for every handler to exist.
const sourceRoot = handlerStandIns();
const outdir = mkdtempSync(join(tmpdir(), 'tandem-cdk-'));
const context = {
  'aws:cdk:bundling-stacks': [],
  studyTimezone: 'America/Chicago',
  callbackUrls: 'https://tandem.example.org/signin,http://localhost:3000/signin',
  nightlyMaxConcurrency: '7',
};
let synthError: unknown;
let stateful: Template;
let stateless: Template;

beforeAll(() => {
  const app = new App({ outdir, context });
  buildApp(app, { sourceRoot });
  try {
    app.synth();
  } catch (error) {
    // Policy validation runs after the templates are written: they can still be checked.
    synthError = error;
  }
  const template = (stack: string) =>
    Template.fromJSON(JSON.parse(readFileSync(join(outdir, `${stack}.template.json`), 'utf8')));
  stateful = template('TandemStateful');
  stateless = template('TandemStateless');
}, 120_000);

afterAll(() => {
  for (const dir of [sourceRoot, outdir]) rmSync(dir, { recursive: true, force: true });
});

type Resource = { Type: string; Properties: Record<string, unknown> };
const resourcesOf = (template: Template, type: string): Record<string, Resource> =>
  template.findResources(type) as Record<string, Resource>;

/** The state machine's definition as JSON, with each CloudFormation expression replaced by a marker. */
function stateMachineDefinition(): { StartAt: string; States: Record<string, Record<string, unknown>> } {
  const [machine] = Object.values(resourcesOf(stateless, 'AWS::StepFunctions::StateMachine'));
  if (!machine) throw new Error('no state machine in the stateless stack');
  const join = (machine.Properties.DefinitionString as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
  const text = join[1]
    .map((part) => (typeof part === 'string' ? part : JSON.stringify(part).replace(/"/g, "'")))
    .join('');
  return JSON.parse(text);
}

describe('the CDK app', () => {
  it('synthesizes with no cdk-nag AwsSolutions error left unacknowledged', () => {
    const reportPath = join(outdir, 'validation-report.json');
    const report = existsSync(reportPath)
      ? JSON.parse(readFileSync(reportPath, 'utf8'))
      : { pluginReports: [] };
    const errors = (report.pluginReports as { violations: { ruleName: string; severity: string }[] }[])
      .flatMap((plugin) => plugin.violations)
      .filter((violation) => violation.severity === 'error')
      .map((violation) => violation.ruleName);
    expect(errors).toEqual([]);
    expect(synthError).toBeUndefined();
  });
});

describe('StatelessStack HTTP API', () => {
  it('has one route per ROUTES entry, with its method and path, and nothing else', () => {
    const keys = Object.values(resourcesOf(stateless, 'AWS::ApiGatewayV2::Route')).map(
      (r) => r.Properties.RouteKey,
    );
    expect(keys.sort()).toEqual(ROUTES.map((r) => `${r.method} ${apiPathOf(r)}`).sort());
  });

  it.each(ROUTES.map((r) => [`${r.method} ${r.path}`, r] as const))(
    'puts the JWT authorizer on %s exactly when the route is not public',
    (_key, route) => {
      stateless.hasResourceProperties('AWS::ApiGatewayV2::Route', {
        RouteKey: `${route.method} ${apiPathOf(route)}`,
        AuthorizationType: route.access === 'public' ? 'NONE' : 'JWT',
        AuthorizerId: route.access === 'public' ? Match.absent() : Match.anyValue(),
      });
    },
  );

  it('serves GET /coordinator/ from the route GET /coordinator, as HTTP APIs refuse a trailing slash', () => {
    const coordinator = ROUTES.find((r) => r.path === '/coordinator/');
    expect(coordinator && apiPathOf(coordinator)).toBe('/coordinator');
  });

  it('sends each route to the function built from its handler module', () => {
    const functions = resourcesOf(stateless, 'AWS::Lambda::Function');
    const integrations = resourcesOf(stateless, 'AWS::ApiGatewayV2::Integration');
    for (const route of ROUTES) {
      const [, found] = Object.entries(resourcesOf(stateless, 'AWS::ApiGatewayV2::Route')).find(
        ([, r]) => r.Properties.RouteKey === `${route.method} ${apiPathOf(route)}`,
      ) ?? [undefined, undefined];
      const target = JSON.stringify(found?.Properties.Target);
      const integrationId = Object.keys(integrations).find((id) => target.includes(`"${id}"`)) ?? '';
      const uri = JSON.stringify(integrations[integrationId]?.Properties.IntegrationUri);
      const functionId = Object.keys(functions).find((id) => uri.includes(`"${id}"`)) ?? '';
      expect(functions[functionId]?.Properties.Description, route.path).toBe(`Tandem ${route.handler}`);
    }
  });

  it('checks Cognito JWTs from the Authorization header, for the dashboard client only', () => {
    stateless.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: {
        Audience: [{ 'Fn::ImportValue': Match.stringLikeRegexp('UserPoolDashboardClient') }],
        Issuer: {
          'Fn::Join': [
            '',
            Match.arrayWith([
              'https://cognito-idp.',
              { 'Fn::ImportValue': Match.stringLikeRegexp('UserPool') },
            ]),
          ],
        },
      },
    });
  });

  it('logs route keys, never paths, so no link token reaches the access log', () => {
    const [stage] = Object.values(resourcesOf(stateless, 'AWS::ApiGatewayV2::Stage'));
    expect(stage).toBeDefined();
    const format = (stage!.Properties.AccessLogSettings as { Format: string }).Format;
    expect(format).toContain('$context.routeKey');
    expect(format).not.toMatch(/\$context\.(path|resourcePath|identity\.sourceIp)/);
  });
});

describe('StatelessStack functions', () => {
  it('runs every function on Node 20, arm64, bundled with the SDK', () => {
    const functions = Object.values(resourcesOf(stateless, 'AWS::Lambda::Function'));
    const modules = new Set([
      ...ROUTES.map((r) => r.handler),
      'nightly/list-sites',
      'nightly/score-site',
      'nightly/combine',
    ]);
    expect(functions).toHaveLength(modules.size);
    for (const fn of functions) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs20.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
      });
    }
  });

  it('lets participant functions use the table and the attempt key, nothing in the bucket nor the pseudonym key', () => {
    const policies = Object.entries(resourcesOf(stateless, 'AWS::IAM::Policy')).filter(([id]) =>
      id.startsWith('ParticipantSubmit'),
    );
    expect(policies).toHaveLength(1);
    const actions = JSON.stringify(policies[0]?.[1].Properties.PolicyDocument);
    expect(actions).toContain('dynamodb:PutItem');
    expect(actions).toContain('secretsmanager:GetSecretValue');
    expect(actions).toMatch(/AttemptSecret/);
    expect(actions).not.toMatch(/s3:|PseudonymSecret|dynamodb:\*/);
  });

  it('lets researcher functions read released files but not the staging area', () => {
    const [, policy] = Object.entries(resourcesOf(stateless, 'AWS::IAM::Policy')).find(([id]) =>
      id.startsWith('ResearcherListReleases'),
    ) ?? [undefined, undefined];
    const document = JSON.stringify(policy?.Properties.PolicyDocument);
    expect(document).toContain('s3:GetObject');
    expect(document).toContain('/releases/*');
    expect(document).not.toMatch(/staging|s3:PutObject|dynamodb:PutItem/);
  });

  it('tells the static pages where the hosted sign-in is, through the variables config() reads', () => {
    stateless.hasResourceProperties('AWS::Lambda::Function', {
      Description: 'Tandem functions/web/pages.ts',
      Environment: {
        Variables: {
          TANDEM_COGNITO_DOMAIN: {
            'Fn::Join': [
              '',
              Match.arrayWith([{ 'Fn::ImportValue': Match.stringLikeRegexp('UserPoolDomain') }]),
            ],
          },
          TANDEM_COGNITO_CLIENT_ID: { 'Fn::ImportValue': Match.stringLikeRegexp('UserPoolDashboardClient') },
        },
      },
    });
  });

  it('tells functions their table and bucket through the variables config() reads', () => {
    stateless.hasResourceProperties('AWS::Lambda::Function', {
      Description: 'Tandem functions/nightly/combine.ts',
      Environment: {
        Variables: Match.objectLike({
          TANDEM_TABLE: Match.anyValue(),
          TANDEM_BUCKET: Match.anyValue(),
          TANDEM_PSEUDONYM_SECRET_ARN: Match.anyValue(),
        }),
      },
    });
  });
});

describe('StatelessStack nightly pipeline', () => {
  it('starts the state machine at 02:30 in the study time zone', () => {
    const [machineId] = Object.keys(resourcesOf(stateless, 'AWS::StepFunctions::StateMachine'));
    stateless.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(30 2 * * ? *)',
      ScheduleExpressionTimezone: 'America/Chicago',
      State: 'ENABLED',
      Target: { Arn: { Ref: machineId } },
    });
  });

  it('lists sites, maps over them with bounded concurrency, then combines', () => {
    const definition = stateMachineDefinition();
    expect(definition.StartAt).toBe('ListSites');
    expect(definition.States.ListSites).toMatchObject({ Type: 'Task', Next: 'ScoreEachSite' });
    expect(definition.States.ScoreEachSite).toMatchObject({
      Type: 'Map',
      ItemsPath: '$.sites',
      MaxConcurrency: 7,
      ResultPath: '$.partials',
      Next: 'Combine',
      ItemProcessor: { StartAt: 'ScoreSite', States: { ScoreSite: { Type: 'Task', End: true } } },
    });
    expect(definition.States.Combine).toMatchObject({ Type: 'Task', End: true });
  });

  it('retries Lambda throttling with jittered backoff, and other failures once', () => {
    const definition = stateMachineDefinition();
    const map = definition.States.ScoreEachSite as {
      ItemProcessor: { States: Record<string, Record<string, unknown>> };
    };
    for (const task of [
      definition.States.ListSites,
      map.ItemProcessor.States.ScoreSite,
      definition.States.Combine,
    ]) {
      expect(task?.Retry).toEqual([
        expect.objectContaining({
          ErrorEquals: [...LAMBDA_TRANSIENT_ERRORS],
          BackoffRate: 2,
          MaxAttempts: 6,
          JitterStrategy: 'FULL',
        }),
        expect.objectContaining({ ErrorEquals: ['States.TaskFailed'], MaxAttempts: 2 }),
      ]);
    }
  });

  it('alarms when a run fails', () => {
    stateless.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Threshold: 1,
      Metrics: Match.arrayWith([
        Match.objectLike({
          MetricStat: Match.objectLike({
            Metric: Match.objectLike({ MetricName: 'ExecutionsFailed', Namespace: 'AWS/States' }),
          }),
        }),
      ]),
    });
  });

  it('logs every state transition and traces runs', () => {
    stateless.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      LoggingConfiguration: Match.objectLike({ Level: 'ALL', IncludeExecutionData: false }),
      TracingConfiguration: { Enabled: true },
    });
  });
});

describe('StatefulStack', () => {
  it('keeps the study in one on-demand table with the per-site GSI and point-in-time recovery', () => {
    stateful.hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        GlobalSecondaryIndexes: [
          Match.objectLike({
            IndexName: 'gsi1',
            KeySchema: [
              { AttributeName: 'gsi1pk', KeyType: 'HASH' },
              { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
            ],
          }),
        ],
        Replicas: [
          Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }),
        ],
      }),
    });
  });

  it('encrypts the release bucket, blocks public access, versions it and expires staging', () => {
    stateful.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        VersioningConfiguration: { Status: 'Enabled' },
        LifecycleConfiguration: {
          Rules: [Match.objectLike({ Prefix: 'staging/', Status: 'Enabled', ExpirationInDays: 7 })],
        },
      }),
    });
  });

  it('refuses every request to the buckets that is not over TLS', () => {
    const policies = Object.values(resourcesOf(stateful, 'AWS::S3::BucketPolicy'));
    expect(policies).toHaveLength(2);
    for (const policy of policies) {
      expect(policy.Properties.PolicyDocument).toMatchObject({
        Statement: expect.arrayContaining([
          expect.objectContaining({
            Effect: 'Deny',
            Action: 's3:*',
            Principal: { AWS: '*' },
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      });
    }
  });

  it('has a Cognito group per staff role, a mutable custom:sites attribute and no self sign-up', () => {
    const groups = Object.values(resourcesOf(stateful, 'AWS::Cognito::UserPoolGroup')).map(
      (g) => g.Properties.GroupName,
    );
    expect(groups.sort()).toEqual([...STAFF_ROLES].sort());
    stateful.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      Schema: Match.arrayWith([
        Match.objectLike({ Name: 'sites', AttributeDataType: 'String', Mutable: true }),
      ]),
      MfaConfiguration: 'ON',
    });
    stateful.resourceCountIs('AWS::Cognito::UserPoolDomain', 1);
  });

  it('writes a sign-in audit event through a post-authentication trigger that may write the table', () => {
    const functions = resourcesOf(stateful, 'AWS::Lambda::Function');
    const [triggerId] = Object.entries(functions)
      .filter(([, fn]) => JSON.stringify(fn.Properties.Description).includes(POST_AUTHENTICATION_HANDLER))
      .map(([id]) => id);
    expect(triggerId).toBeDefined();
    stateful.hasResourceProperties('AWS::Cognito::UserPool', {
      LambdaConfig: { PostAuthentication: { 'Fn::GetAtt': [triggerId, 'Arn'] } },
    });
    stateful.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'cognito-idp.amazonaws.com',
      FunctionName: { 'Fn::GetAtt': [triggerId, 'Arn'] },
    });
    const policies = Object.values(resourcesOf(stateful, 'AWS::IAM::Policy')).map((p) =>
      JSON.stringify(p.Properties.PolicyDocument),
    );
    expect(policies.some((doc) => doc.includes('dynamodb:PutItem'))).toBe(true);
    stateful.hasResourceProperties('AWS::Lambda::Function', {
      Description: `Tandem ${POST_AUTHENTICATION_HANDLER}`,
      Environment: { Variables: Match.objectLike({ TANDEM_TABLE: Match.anyValue() }) },
    });
  });

  it('gives the dashboard pages a public PKCE client that returns only to the configured URLs', () => {
    stateful.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      CallbackURLs: ['https://tandem.example.org/signin', 'http://localhost:3000/signin'],
    });
  });
});

describe('stack props validation', () => {
  it('names the received value of every bad prop', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const data = new StatefulStack(app, 'Data');
    const build = () =>
      new StatelessStack(app, 'Logic', {
        table: data.table,
        releaseBucket: data.releaseBucket,
        stagingPrefix: 'staging',
        pseudonymSecret: data.pseudonymSecret,
        attemptSecret: data.attemptSecret,
        userPool: data.userPool,
        userPoolClient: data.userPoolClient,
        signInDomain: 'tandem-test.auth.eu-central-1.amazoncognito.com',
        studyTimezone: 'Mars/Olympus',
        nightlyMaxConcurrency: 0,
        sourceRoot,
      });
    expect(build).toThrow(
      /studyTimezone .* received 'Mars\/Olympus'.*nightlyMaxConcurrency .* received 0.*stagingPrefix .* received 'staging'/,
    );
  });
});
