import { readFileSync } from 'node:fs';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { type App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks } from 'cdk-nag';
import { EdgeWafStack, edgeDistribution, WAF_REGION } from './edge.ts';
import { suppressNagFindings } from './nag-suppressions.ts';
import { StatefulStack } from './stateful.ts';
import { StatelessStack } from './stateless.ts';

const CROSS_STACK_REFERENCES = '@aws-cdk/core:defaultCrossStackReferences';

/** The Guard rules turned off for the whole app, each with why it cannot apply (DESIGN §12). */
export const GUARD_EXEMPTIONS_FILE = new URL('../guard-exemptions.json', import.meta.url);

export interface GuardExemption {
  readonly rule: string;
  readonly reason: string;
}

/** The exemptions of infra/guard-exemptions.json, checked: a rule name and a reason each, at most 15. */
export function guardExemptions(): GuardExemption[] {
  const parsed: unknown = JSON.parse(readFileSync(GUARD_EXEMPTIONS_FILE, 'utf8'));
  const valid =
    Array.isArray(parsed) &&
    parsed.every(
      (e: unknown) =>
        typeof e === 'object' &&
        e !== null &&
        'rule' in e &&
        'reason' in e &&
        typeof e.rule === 'string' &&
        /^ct-[a-z0-9]+-pr-\d+$/.test(e.rule) &&
        typeof e.reason === 'string' &&
        e.reason.length >= 20,
    );
  if (!valid) throw new Error('infra/guard-exemptions.json must be [{rule: "ct-…-pr-N", reason: "…"}]');
  if (parsed.length > 15) throw new Error(`at most 15 Guard exemptions, received ${parsed.length}`);
  return parsed as GuardExemption[];
}

/** Settings a deployment chooses with `-c key=value` (or `context` in cdk.json). */
export interface TandemAppSettings {
  readonly studyTimezone?: string;
  readonly callbackUrls?: readonly string[];
  readonly authDomainPrefix?: string;
  readonly nightlyMaxConcurrency?: number;
  readonly publicUrl?: string;
  readonly alarmEmail?: string;
  /** CloudFront and WAF in front of the API (context `edge`, default on; `-c edge=false` turns it off). */
  readonly edge: boolean;
  /** Region of the stacks when the CLI does not say (`-c region=…`); the edge needs one. */
  readonly region?: string;
}

export interface TandemStacks {
  stateful: StatefulStack;
  stateless: StatelessStack;
  waf?: EdgeWafStack;
}

/**
 * Builds the Tandem CDK app: the stateful and the stateless stack (and with `edge`, the us-east-1
 * WAF stack and the distribution), checked at synth by cdk-nag's AWS Solutions, HIPAA Security
 * and NIST 800-53 rev 5 packs and by CloudFormation Guard with AWS Control Tower's rules.
 */
export function buildApp(app: App, options: { readonly sourceRoot?: string } = {}): TandemStacks {
  // Classic CloudFormation exports between the two stacks (CDK warns until a strength is chosen).
  if (app.node.tryGetContext(CROSS_STACK_REFERENCES) === undefined)
    app.node.setContext(CROSS_STACK_REFERENCES, 'strong');
  const settings = settingsFrom(app);
  // The CLI sets these from the deploying credentials; without them the stacks are environment-agnostic.
  const { CDK_DEFAULT_ACCOUNT: account, CDK_DEFAULT_REGION: cliRegion } = process.env;
  // A cross-region reference (the WAF's ARN) needs stacks in a known region.
  const region = cliRegion ?? settings.region ?? (settings.edge ? 'eu-central-1' : undefined);
  const env = { ...(account ? { account } : {}), ...(region ? { region } : {}) };
  const stateful = new StatefulStack(app, 'TandemStateful', {
    env,
    description: 'Tandem: study table, release bucket, pseudonym key, staff user pool',
    ...(settings.callbackUrls ? { callbackUrls: settings.callbackUrls } : {}),
    ...(settings.authDomainPrefix ? { authDomainPrefix: settings.authDomainPrefix } : {}),
    ...(options.sourceRoot ? { sourceRoot: options.sourceRoot } : {}),
  });
  const waf = settings.edge
    ? new EdgeWafStack(app, 'TandemEdgeWaf', {
        env: { ...(account ? { account } : {}), region: WAF_REGION },
        description: 'Tandem: the WAF of the CloudFront distribution (CloudFront web ACLs live in us-east-1)',
        crossRegionReferences: true,
      })
    : undefined;
  const stateless = new StatelessStack(app, 'TandemStateless', {
    env,
    description: 'Tandem: functions, HTTP API, nightly release pipeline, alarms',
    ...(waf ? { crossRegionReferences: true } : {}),
    table: stateful.table,
    releaseBucket: stateful.releaseBucket,
    stagingPrefix: stateful.stagingPrefix,
    pseudonymSecret: stateful.pseudonymSecret,
    key: stateful.key,
    postAuthenticationFunction: stateful.postAuthenticationFunction,
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
  if (waf) {
    stateless.addStackDependency(waf);
    const distribution = edgeDistribution(stateless, 'Distribution', {
      apiDomain: `${stateless.httpApi.apiId}.execute-api.${stateless.region}.${stateless.urlSuffix}`,
      webAclArn: waf.webAcl.attrArn,
    });
    stateless.useDistribution(distribution, settings.publicUrl);
  }
  suppressNagFindings({ stateful, stateless, ...(waf ? { waf } : {}) });
  Validations.of(app).addPlugins(
    new AwsSolutionsChecks(app),
    new HIPAASecurityChecks(app),
    new NIST80053R5Checks(app),
    new CfnGuardValidator({
      controlTowerRulesEnabled: true,
      disabledRules: guardExemptions().map((e) => e.rule),
    }),
  );
  return { stateful, stateless, ...(waf ? { waf } : {}) };
}

function settingsFrom(app: App): TandemAppSettings {
  const text = (key: string): string | undefined => {
    const value: unknown = app.node.tryGetContext(key);
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  const callbackUrls: unknown = app.node.tryGetContext('callbackUrls');
  const concurrency: unknown = app.node.tryGetContext('nightlyMaxConcurrency');
  const edge: unknown = app.node.tryGetContext('edge');
  const settings: { -readonly [K in keyof TandemAppSettings]: TandemAppSettings[K] } = {
    // `-c edge=false` arrives as a string, cdk.json may hold a boolean.
    edge: !(edge === false || edge === 'false'),
  };
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
  put('region', text('region'));
  return settings;
}
