import { type App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { suppressNagFindings } from './nag-suppressions.ts';
import { StatefulStack } from './stateful.ts';
import { StatelessStack } from './stateless.ts';

const CROSS_STACK_REFERENCES = '@aws-cdk/core:defaultCrossStackReferences';

/** Settings a deployment chooses with `-c key=value` (or `context` in cdk.json). */
export interface TandemAppSettings {
  readonly studyTimezone?: string;
  readonly callbackUrls?: readonly string[];
  readonly authDomainPrefix?: string;
  readonly nightlyMaxConcurrency?: number;
  readonly publicUrl?: string;
  readonly alarmEmail?: string;
}

/** Builds the Tandem CDK app: the stateful and the stateless stack, checked by cdk-nag's AWS Solutions rules. */
export function buildApp(
  app: App,
  options: { readonly sourceRoot?: string } = {},
): { stateful: StatefulStack; stateless: StatelessStack } {
  // Classic CloudFormation exports between the two stacks (CDK warns until a strength is chosen).
  if (app.node.tryGetContext(CROSS_STACK_REFERENCES) === undefined)
    app.node.setContext(CROSS_STACK_REFERENCES, 'strong');
  const settings = settingsFrom(app);
  // The CLI sets these from the deploying credentials; without them the stacks are environment-agnostic.
  const { CDK_DEFAULT_ACCOUNT: account, CDK_DEFAULT_REGION: region } = process.env;
  const env = { ...(account ? { account } : {}), ...(region ? { region } : {}) };
  const stateful = new StatefulStack(app, 'TandemStateful', {
    env,
    description: 'Tandem: study table, release bucket, pseudonym key, staff user pool',
    ...(settings.callbackUrls ? { callbackUrls: settings.callbackUrls } : {}),
    ...(settings.authDomainPrefix ? { authDomainPrefix: settings.authDomainPrefix } : {}),
    ...(options.sourceRoot ? { sourceRoot: options.sourceRoot } : {}),
  });
  const stateless = new StatelessStack(app, 'TandemStateless', {
    env,
    description: 'Tandem: functions, HTTP API, nightly release pipeline',
    table: stateful.table,
    releaseBucket: stateful.releaseBucket,
    stagingPrefix: stateful.stagingPrefix,
    pseudonymSecret: stateful.pseudonymSecret,
    attemptSecret: stateful.attemptSecret,
    userPool: stateful.userPool,
    userPoolClient: stateful.userPoolClient,
    signInDomain: stateful.signInDomain,
    ...(settings.studyTimezone ? { studyTimezone: settings.studyTimezone } : {}),
    ...(settings.nightlyMaxConcurrency ? { nightlyMaxConcurrency: settings.nightlyMaxConcurrency } : {}),
    ...(settings.publicUrl ? { publicUrl: settings.publicUrl } : {}),
    ...(settings.alarmEmail ? { alarmEmail: settings.alarmEmail } : {}),
    ...(options.sourceRoot ? { sourceRoot: options.sourceRoot } : {}),
  });
  suppressNagFindings(stateful, stateless);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { stateful, stateless };
}

function settingsFrom(app: App): TandemAppSettings {
  const text = (key: string): string | undefined => {
    const value: unknown = app.node.tryGetContext(key);
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  const callbackUrls: unknown = app.node.tryGetContext('callbackUrls');
  const concurrency: unknown = app.node.tryGetContext('nightlyMaxConcurrency');
  const settings: { -readonly [K in keyof TandemAppSettings]: TandemAppSettings[K] } = {};
  const put = <K extends keyof TandemAppSettings>(key: K, value: TandemAppSettings[K] | undefined) => {
    if (value !== undefined) settings[key] = value;
  };
  put('studyTimezone', text('studyTimezone'));
  // `-c callbackUrls=a,b` arrives as a string; cdk.json may hold a list.
  put(
    'callbackUrls',
    Array.isArray(callbackUrls)
      ? callbackUrls.map(String)
      : typeof callbackUrls === 'string'
        ? callbackUrls.split(',').map((url) => url.trim())
        : undefined,
  );
  put('authDomainPrefix', text('authDomainPrefix'));
  put('nightlyMaxConcurrency', concurrency === undefined ? undefined : Number(concurrency));
  put('publicUrl', text('publicUrl'));
  put('alarmEmail', text('alarmEmail'));
  return settings;
}
