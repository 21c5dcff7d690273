import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES, STAFF_ROLES } from '../../functions/routes.ts';
import { NIGHTLY_STEPS, POST_AUTHENTICATION } from '../../functions/uses.ts';
import { PERMISSIONS_DOC, permissionsTable, templatesIn } from '../../infra/permissions.ts';
import { POST_AUTHENTICATION_HANDLER, StatefulStack } from '../../infra/stacks/stateful.ts';
import {
  apiPathOf,
  LAMBDA_TRANSIENT_ERRORS,
  REPOSITORY_ROOT,
  StatelessStack,
} from '../../infra/stacks/stateless.ts';
import { buildApp, guardExemptions } from '../../infra/stacks/tandem-app.ts';
import { calledActions } from './calls.ts';
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
  alarmEmail: 'ops@example.org',
};
let synthError: unknown;
let stateful: Template;
let stateless: Template;
let waf: Template;
let templates: ReturnType<typeof templatesIn>;

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
  waf = template('TandemEdgeWaf');
  templates = templatesIn(outdir, ['TandemStateful', 'TandemStateless']);
}, 300_000);

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
  it('synthesizes with no finding of the three cdk-nag packs or of Guard left unacknowledged', () => {
    const reportPath = join(outdir, 'validation-report.json');
    const report = existsSync(reportPath)
      ? JSON.parse(readFileSync(reportPath, 'utf8'))
      : { pluginReports: [] };
    const findings = (report.pluginReports as { violations: { ruleName: string; severity: string }[] }[])
      .flatMap((plugin) => plugin.violations)
      .map((violation) => `${violation.ruleName} (${violation.severity})`);
    expect(findings).toEqual([]);
    expect(synthError).toBeUndefined();
  });

  it('turns off at most 15 Guard rules, each with its reason', () => {
    const exemptions = guardExemptions();
    expect(exemptions.length).toBeLessThanOrEqual(15);
    for (const exemption of exemptions) expect(exemption.reason.length).toBeGreaterThan(40);
  });

  it('runs every function of the stacks, CDK’s own included, on nodejs22.x or later', () => {
    for (const template of [stateful, stateless, waf]) {
      for (const fn of Object.values(resourcesOf(template, 'AWS::Lambda::Function'))) {
        const version = Number(/^nodejs(\d+)\.x$/.exec(String(fn.Properties.Runtime))?.[1]);
        expect(version, String(fn.Properties.Description)).toBeGreaterThanOrEqual(22);
      }
    }
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
              Match.stringLikeRegexp('^https://cognito-idp\\.'),
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
  it('runs every function on Node 24, arm64, bundled with the SDK', () => {
    const functions = Object.values(resourcesOf(stateless, 'AWS::Lambda::Function'));
    const modules = new Set([
      ...ROUTES.map((r) => r.handler),
      'nightly/list-sites',
      'nightly/score-site',
      'nightly/combine',
    ]);
    const ours = functions.filter((fn) => String(fn.Properties.Description).startsWith('Tandem '));
    expect(ours).toHaveLength(modules.size);
    for (const fn of ours) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs24.x',
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
        Variables: Match.objectLike({
          TANDEM_COGNITO_DOMAIN: {
            'Fn::Join': [
              '',
              Match.arrayWith([{ 'Fn::ImportValue': Match.stringLikeRegexp('UserPoolDomain') }]),
            ],
          },
          TANDEM_COGNITO_CLIENT_ID: { 'Fn::ImportValue': Match.stringLikeRegexp('UserPoolDashboardClient') },
        }),
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
          ServerSideEncryptionConfiguration: [
            Match.objectLike({
              ServerSideEncryptionByDefault: Match.objectLike({ SSEAlgorithm: 'aws:kms' }),
            }),
          ],
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
        key: data.key,
        postAuthenticationFunction: data.postAuthenticationFunction,
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

/** The data-plane actions granted to the role of the function built from `module` (`@index` for the site index). */
function grantedActions(template: Template, module: string): string[] {
  const functions = resourcesOf(template, 'AWS::Lambda::Function');
  const [, fn] =
    Object.entries(functions).find(([, f]) => f.Properties.Description === `Tandem ${module}`) ?? [];
  if (!fn) throw new Error(`no function for ${module}`);
  const role = JSON.stringify(fn.Properties.Role);
  const granted = new Set<string>();
  for (const [id, policy] of Object.entries(resourcesOf(template, 'AWS::IAM::Policy'))) {
    const roles = JSON.stringify(policy.Properties.Roles);
    if (
      !Object.keys(resourcesOf(template, 'AWS::IAM::Role')).some(
        (r) => role.includes(`"${r}"`) && roles.includes(`"${r}"`),
      )
    )
      continue;
    const statements = (
      policy.Properties.PolicyDocument as { Statement: { Action: string | string[]; Resource: unknown }[] }
    ).Statement;
    for (const statement of statements) {
      const onIndex = JSON.stringify(statement.Resource).includes('/index/');
      for (const action of [statement.Action].flat()) {
        expect(action, `${module} in ${id}`).not.toContain('*');
        if (/^(logs|kms):/.test(action)) continue;
        granted.add(`${action}${onIndex ? '@index' : ''}`);
      }
    }
  }
  return [...granted].sort();
}

/** What `uses` declares, as the actions the test expects to be granted. */
function declaredActions(uses: import('../../functions/uses.ts').Uses): string[] {
  const actions = new Set<string>();
  for (const op of uses.table ?? [])
    actions.add(op === 'QuerySiteIndex' ? 'dynamodb:Query@index' : `dynamodb:${op}`);
  for (const ops of Object.values(uses.objects ?? {})) for (const op of ops) actions.add(`s3:${op}`);
  if (uses.listBucket) actions.add('s3:ListBucket');
  if (uses.pseudonymSecret || uses.attemptSecret) actions.add('secretsmanager:GetSecretValue');
  if (uses.userGroups) actions.add('cognito-idp:AdminListGroupsForUser');
  return [...actions].sort();
}

const FUNCTIONS = [
  ...[...new Map(ROUTES.map((r) => [r.handler, r.uses])).entries()].map(([handler, uses]) => ({
    handler,
    uses,
    stack: 'stateless' as const,
  })),
  ...Object.values(NIGHTLY_STEPS).map((step) => ({ ...step, stack: 'stateless' as const })),
  { ...POST_AUTHENTICATION, stack: 'stateful' as const },
];

describe('least privilege', () => {
  let called: Map<string, string[]>;
  beforeAll(() => {
    called = calledActions(
      REPOSITORY_ROOT,
      FUNCTIONS.map((f) => f.handler),
    );
  }, 120_000);

  it.each(FUNCTIONS.map((f) => [f.handler, f] as const))(
    'grants %s exactly the operations it declares',
    (_handler, f) => {
      expect(grantedActions(f.stack === 'stateful' ? stateful : stateless, f.handler)).toEqual(
        declaredActions(f.uses),
      );
    },
  );

  it.each(FUNCTIONS.map((f) => [f.handler, f] as const))(
    'declares for %s exactly the operations its code calls',
    (handler, f) => {
      // Table queries of the site index are named by the query's `index`; S3 reads by their prefix.
      expect(
        declaredActions(f.uses),
        `functions/routes.ts or functions/uses.ts: the uses of ${handler}`,
      ).toEqual(called.get(handler));
    },
  );

  it('lets no role scan or batch, and only the withdrawing, submitting and sweeping ones delete items', () => {
    const mayDelete = new Set([
      'functions/participant/withdraw.ts',
      'functions/participant/submit.ts',
      'functions/coordinator/update-dyad.ts',
      ...Object.values(NIGHTLY_STEPS).map((s) => s.handler),
    ]);
    for (const f of FUNCTIONS) {
      const granted = grantedActions(f.stack === 'stateful' ? stateful : stateless, f.handler);
      expect(
        granted.filter((a) => /Scan|Batch/.test(a)),
        f.handler,
      ).toEqual([]);
      if (!mayDelete.has(f.handler)) expect(granted, f.handler).not.toContain('dynamodb:DeleteItem');
    }
  });

  it('keeps docs/permissions.md the table the templates give (npm run permissions writes it)', () => {
    const onDisk = readFileSync(join(REPOSITORY_ROOT, PERMISSIONS_DOC), 'utf8');
    expect(onDisk).toBe(permissionsTable(templates));
  });

  it('lets the combine step delete the staged partials it reads, and nothing else in the bucket', () => {
    const functions = resourcesOf(stateless, 'AWS::Lambda::Function');
    const [combineId] = Object.entries(functions)
      .filter(([, f]) => f.Properties.Description === `Tandem ${NIGHTLY_STEPS.combine.handler}`)
      .map(([id]) => id);
    const policies = Object.entries(resourcesOf(stateless, 'AWS::IAM::Policy')).filter(([id]) =>
      id.startsWith(String(combineId).replace(/[0-9A-F]{8}$/, '')),
    );
    const statements = policies.flatMap(
      ([, p]) =>
        (p.Properties.PolicyDocument as { Statement: { Action: string | string[]; Resource: unknown }[] })
          .Statement,
    );
    const deletes = statements.filter((s) => [s.Action].flat().includes('s3:DeleteObject'));
    expect(deletes).toHaveLength(1);
    expect(JSON.stringify(deletes[0]?.Resource)).toContain('/staging/*');
  });
});

describe('encryption', () => {
  it('keeps one customer-managed key with rotation for the table, the bucket and both secrets', () => {
    const keys = Object.keys(resourcesOf(stateful, 'AWS::KMS::Key'));
    expect(keys).toHaveLength(1);
    stateful.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    const key = { 'Fn::GetAtt': [keys[0], 'Arn'] };
    stateful.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
      Replicas: [Match.objectLike({ SSESpecification: { KMSMasterKeyId: key } })],
    });
    stateful.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          Match.objectLike({
            ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: key },
          }),
        ],
      },
    });
    const secrets = Object.entries(resourcesOf(stateful, 'AWS::SecretsManager::Secret'));
    expect(secrets.map(([id]) => id.replace(/[0-9A-F]{8}$/, '')).sort()).toEqual([
      'AttemptSecret',
      'PseudonymSecret',
    ]);
    for (const [id, secret] of secrets) expect(secret.Properties.KmsKeyId, id).toEqual(key);
  });

  it('encrypts every log group with that key and keeps it a year', () => {
    for (const template of [stateful, stateless]) {
      for (const [id, group] of Object.entries(resourcesOf(template, 'AWS::Logs::LogGroup'))) {
        expect(JSON.stringify(group.Properties.KmsKeyId), id).toMatch(/DataKey/);
        expect(group.Properties.RetentionInDays, id).toBe(365);
      }
    }
  });
});

describe('monitoring', () => {
  const alarms = () => Object.values(resourcesOf(stateless, 'AWS::CloudWatch::Alarm'));
  const metricNames = (alarm: Resource): string[] =>
    JSON.stringify(alarm.Properties)
      .match(/"MetricName":"[^"]+"/g)
      ?.map((m) => m.slice(14, -1)) ?? [];

  it('sends every alarm, in and out of alarm, to the one topic, which the context e-mail subscribes to', () => {
    const [topicId] = Object.keys(resourcesOf(stateless, 'AWS::SNS::Topic'));
    expect(topicId).toBeDefined();
    for (const alarm of alarms()) {
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topicId }]);
      expect(alarm.Properties.OKActions).toEqual([{ Ref: topicId }]);
    }
    stateless.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.org',
    });
  });

  it('alarms on the 5xx rate, DynamoDB throttling, failed runs, an overdue release and unwritten audit events', () => {
    const watched = alarms().flatMap(metricNames);
    for (const name of [
      '5xx',
      'ReadThrottleEvents',
      'WriteThrottleEvents',
      'ExecutionsFailed',
      'ReleasesPublished',
      'AuditWriteFailures',
    ])
      expect(watched).toContain(name);
    const overdue = alarms().find((a) => metricNames(a).includes('ReleasesPublished'));
    expect(overdue?.Properties).toMatchObject({
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
    });
    const hours = (Number(overdue?.Properties.EvaluationPeriods) * Number(overdue?.Properties.Period)) / 3600;
    expect(hours).toBe(26);
  });

  it('alarms on the errors and the throttles of every function', () => {
    const perFunction = alarms().filter((a) =>
      ['Errors', 'Throttles'].includes(String(a.Properties.MetricName)),
    );
    expect(perFunction).toHaveLength(2 * FUNCTIONS.length);
  });

  it('has one dashboard', () => {
    stateless.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
  });
});

describe('edge', () => {
  it('throttles participant and staff routes separately', () => {
    const [stage] = Object.values(resourcesOf(stateless, 'AWS::ApiGatewayV2::Stage'));
    const settings = stage?.Properties.RouteSettings as Record<string, { ThrottlingRateLimit: number }>;
    for (const route of ROUTES) {
      expect(settings[`${route.method} ${apiPathOf(route)}`]?.ThrottlingRateLimit).toBe(
        route.participant ? 50 : 20,
      );
    }
  });

  it('puts CloudFront with the us-east-1 WAF, HSTS and no access log in front of the API', () => {
    const [aclId] = Object.keys(resourcesOf(waf, 'AWS::WAFv2::WebACL'));
    waf.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'CLOUDFRONT',
      Rules: [
        Match.objectLike({
          Statement: {
            ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesCommonRuleSet' },
          },
        }),
        Match.objectLike({
          Statement: {
            ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesKnownBadInputsRuleSet' },
          },
        }),
        Match.objectLike({
          Action: { Block: {} },
          Statement: {
            RateBasedStatement: Match.objectLike({
              ScopeDownStatement: {
                ByteMatchStatement: Match.objectLike({
                  SearchString: '/s/',
                  PositionalConstraint: 'STARTS_WITH',
                }),
              },
            }),
          },
        }),
      ],
    });
    expect(aclId).toBeDefined();
    expect(
      JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8')).artifacts.TandemEdgeWaf.environment,
    ).toMatch(/us-east-1$/);
    stateless.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({ WebACLId: Match.anyValue(), Logging: Match.absent() }),
    });
    stateless.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
      ResponseHeadersPolicyConfig: Match.objectLike({
        SecurityHeadersConfig: Match.objectLike({
          StrictTransportSecurity: Match.objectLike({
            AccessControlMaxAgeSec: 63072000,
            IncludeSubdomains: true,
          }),
          ContentTypeOptions: { Override: true },
        }),
      }),
    });
  });

  it('keeps no log of paths: no WAF log, no CloudFront log, route keys in the API log', () => {
    expect(Object.keys(resourcesOf(waf, 'AWS::WAFv2::LoggingConfiguration'))).toEqual([]);
    for (const template of [stateful, stateless, waf])
      expect(JSON.stringify(template.toJSON())).not.toMatch(/\$context\.(path|resourcePath)|"Logging":\{/);
  });
});

describe('Cognito', () => {
  it('lets the dashboard client use only the flows hosted sign-in needs', () => {
    stateful.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'],
    });
  });
});
