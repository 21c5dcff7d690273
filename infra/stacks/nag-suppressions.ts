import { CfnElement, type Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import type { EdgeWafStack } from './edge.ts';
import type { StatefulStack } from './stateful.ts';
import type { StatelessStack } from './stateless.ts';

/**
 * Acknowledges, with its reason, each finding of the AWS Solutions, HIPAA Security and NIST 800-53
 * rev 5 packs that does not fit Tandem, on the construct it concerns and for the exact resource it
 * names, so any new finding still fails synth.
 */
export function suppressNagFindings(stacks: {
  stateful: StatefulStack;
  stateless: StatelessStack;
  waf?: EdgeWafStack;
}): void {
  const { stateful, stateless } = stacks;
  for (const id of [
    'AwsSolutions-SMG4',
    'HIPAA.Security-SecretsManagerRotationEnabled',
    'NIST.800.53.R5-SecretsManagerRotationEnabled',
  ]) {
    acknowledge(stateful.pseudonymSecret, id, [
      'The pseudonym key must stay the same for a release id to be rebuilt byte for byte (DESIGN §8); pseudonyms',
      'already change with every release, because the release id is part of the HMAC input (rows can still be',
      'matched by content: docs/security.md). docs/deploy.md says how to rotate it by hand between releases.',
    ]);
  }
  for (const id of [
    'AwsSolutions-SMG4',
    'HIPAA.Security-SecretsManagerRotationEnabled',
    'NIST.800.53.R5-SecretsManagerRotationEnabled',
  ]) {
    acknowledge(stateful.attemptSecret, id, [
      'The attempt key only keys address hashes in counter items that DynamoDB TTL removes within 20 minutes; a',
      'new value (put by hand, no rotation function needed) only restarts the counts, so there is nothing to rotate into.',
    ]);
  }

  const accessLogBucket = stateful.node.findChild('AccessLogBucket');
  for (const pack of ['HIPAA.Security', 'NIST.800.53.R5']) {
    acknowledge(accessLogBucket, `${pack}-S3DefaultEncryptionKMS`, [
      'S3 delivers server access logs only to a bucket encrypted with SSE-S3; the logs name keys (release file',
      'names), never content.',
    ]);
    for (const bucket of [accessLogBucket, stateful.releaseBucket]) {
      acknowledge(bucket, `${pack}-S3BucketReplicationEnabled`, [
        'Study data stays in the one region its data-protection approval names; versioning and, for the table,',
        'point-in-time recovery are the backups. A study that may replicate adds a replication rule.',
      ]);
    }
  }

  // Every function of the app, each by the reason that fits it.
  const functions = [
    ...stateless.routeFunctions.values(),
    ...stateless.nightlyFunctions,
    stateful.postAuthenticationFunction,
  ];
  for (const fn of functions) {
    for (const pack of ['HIPAA.Security', 'NIST.800.53.R5']) {
      acknowledge(fn, `${pack}-LambdaInsideVPC`, [
        'The function reaches only AWS APIs (DynamoDB, S3, Secrets Manager, Cognito) over TLS with its own role;',
        'a VPC would add NAT or endpoints and no boundary the data needs.',
      ]);
      acknowledge(fn, `${pack}-LambdaDLQ`, [
        'Invoked synchronously only (API Gateway, Step Functions with retries, Cognito): a failure goes back to',
        "the caller and raises the function's error alarm; there is no asynchronous event to keep.",
      ]);
      acknowledge(fn, `${pack}-LambdaConcurrency`, [
        'The API stage throttles each route (participant and staff routes apart) and the nightly Map state bounds',
        "its concurrency; reserving concurrency for every function would exceed a new account's limit.",
      ]);
      const policies = fn.role?.node.children.filter((c) => c.node.id === 'DefaultPolicy') ?? [];
      const own = fn.node.tryFindChild('UserGroups');
      for (const policy of [...policies, ...(own ? [own] : [])]) {
        acknowledge(policy, `${pack}-IAMNoInlinePolicy`, [
          "The policy belongs to this function's own role and holds exactly the operations its route-table entry",
          'declares (docs/permissions.md); a managed policy could be attached to other roles as well.',
        ]);
      }
    }
  }

  for (const route of stateless.publicRoutes) {
    acknowledge(route, 'AwsSolutions-APIG4', [
      'Public by design: participants are anonymous and hold a personal link token (>= 128 bits, stored only as',
      'its SHA-256) that the handler checks; the static sign-in and dashboard pages and /healthz hold no data.',
    ]);
  }

  // CDK names a cross-stack value by its export; asking for the export gives that same name.
  const bucketArn = importName(stateful, stateful.releaseBucket.bucketArn);
  const objectPrefixes = [`${bucketArn}/releases/*`, `${bucketArn}/${stateful.stagingPrefix}*`];
  const staffAndNightly = [...stateless.routeFunctions.values(), ...stateless.nightlyFunctions];
  for (const fn of staffAndNightly) {
    for (const resource of objectPrefixes) {
      acknowledge(fn.role ?? fn, `AwsSolutions-IAM5[Resource::${resource}]`, [
        'An object-key prefix is the narrowest S3 resource there is; each function gets only the prefixes',
        'and the actions its route-table entry or nightly step declares (docs/permissions.md).',
      ]);
    }
  }

  const distribution = stateless.distribution;
  if (distribution) {
    acknowledge(distribution, 'AwsSolutions-CFR1', [
      'Participants answer from wherever they are (travel, relocation); a study that must restrict countries',
      'adds a geo restriction.',
    ]);
    acknowledge(distribution, 'AwsSolutions-CFR3', [
      'CloudFront access logs keep each request path, and a participant path holds the link token, stored',
      'nowhere in clear (DESIGN §1); the API access log keeps route keys instead.',
    ]);
    acknowledge(distribution, 'AwsSolutions-CFR4', [
      "Without a study domain the distribution uses CloudFront's default certificate, for which CloudFront",
      'fixes the protocol versions; TLSv1.2_2021 applies once a study adds its domain (docs/deploy.md).',
    ]);
  }
  if (stacks.waf) {
    for (const id of ['NIST.800.53.R5-WAFv2LoggingEnabled', 'HIPAA.Security-WAFv2LoggingEnabled']) {
      acknowledge(stacks.waf.webAcl, id, [
        'A WAF log keeps every client address and request line; participants are anonymous (DESIGN §1) and',
        "their paths hold link tokens. The rules' CloudWatch metrics count what is blocked.",
      ]);
    }
  }

  const stateMachineRole = stateless.nightlyStateMachine.role;
  const schedulerRoles = stateless.node.children.filter((c) =>
    c.node.id.startsWith('SchedulerRoleForTarget'),
  );
  for (const role of [stateMachineRole, ...schedulerRoles]) {
    const policy = role.node.tryFindChild('DefaultPolicy');
    if (!policy) continue;
    for (const pack of ['HIPAA.Security', 'NIST.800.53.R5']) {
      acknowledge(policy, `${pack}-IAMNoInlinePolicy`, [
        'The policy belongs to the role of the nightly state machine or of its schedule alone and grants what',
        'CDK derives from its targets (invoke the three steps; start the one state machine).',
      ]);
    }
  }
  for (const fn of stateless.nightlyFunctions) {
    const logicalId = logicalIdOf(stateless, fn.node.defaultChild);
    acknowledge(stateMachineRole, `AwsSolutions-IAM5[Resource::<${logicalId}.Arn>:*]`, [
      "The function's versions and aliases, as Step Functions grants them to invoke a Lambda step.",
    ]);
  }
  acknowledge(stateMachineRole, 'AwsSolutions-IAM5[Resource::*]', [
    'X-Ray tracing and CloudWatch Logs log delivery, which the state machine needs, have no resource-level',
    'permissions.',
  ]);
}

function acknowledge(scope: IConstruct, id: string, reason: readonly string[]): void {
  Validations.of(scope).acknowledge({ id, reason: reason.join(' ') });
}

function importName(producer: Stack, value: string): string {
  const resolved: unknown = producer.resolve(producer.exportValue(value));
  if (typeof resolved === 'object' && resolved !== null && 'Fn::ImportValue' in resolved) {
    return String(resolved['Fn::ImportValue']);
  }
  throw new Error(`expected an import of ${value}, received ${JSON.stringify(resolved)}`);
}

function logicalIdOf(stack: Stack, element: IConstruct | undefined): string {
  if (!CfnElement.isCfnElement(element))
    throw new Error(`expected a CloudFormation resource, received ${element}`);
  return stack.getLogicalId(element);
}
