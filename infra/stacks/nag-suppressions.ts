import { CfnElement, type Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import type { StatefulStack } from './stateful.ts';
import type { StatelessStack } from './stateless.ts';

/**
 * Acknowledges, with its reason, each AWS Solutions finding that does not fit Tandem, on the
 * construct it concerns and for the exact resource it names, so any new finding still fails synth.
 */
export function suppressNagFindings(stateful: StatefulStack, stateless: StatelessStack): void {
  acknowledge(stateful.pseudonymSecret, 'AwsSolutions-SMG4', [
    'The pseudonym key must stay the same for a release id to be rebuilt byte for byte (DESIGN §8); pseudonyms',
    'are unlinkable across releases already, because the release id is part of the HMAC input.',
  ]);
  acknowledge(stateful.attemptSecret, 'AwsSolutions-SMG4', [
    'The attempt key only keys address hashes in counter items that DynamoDB TTL removes within 20 minutes; a',
    'new value (put by hand, no rotation function needed) only restarts the counts, so there is nothing to rotate into.',
  ]);

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
  for (const fn of [...staffAndNightly, stateful.postAuthenticationFunction]) {
    for (const id of ['AwsSolutions-L1', 'CloudFormation-Validate::W2531']) {
      acknowledge(fn, id, [
        'Node 20 is the runtime the project is built, tested and measured on (DESIGN §11-12; bundles target',
        'node20). Lambda deprecated nodejs20.x on 2026-04-30 and stops creating such functions on 2027-02-01:',
        'moving to nodejs22.x or later is a project decision, recorded in docs/deploy.md.',
      ]);
    }
  }
  for (const fn of staffAndNightly) {
    for (const resource of objectPrefixes) {
      acknowledge(fn.role ?? fn, `AwsSolutions-IAM5[Resource::${resource}]`, [
        'An object-key prefix is the narrowest S3 resource there is; each function gets only the prefixes',
        'and the actions (GetObject, PutObject) it needs.',
      ]);
    }
  }

  const stateMachineRole = stateless.nightlyStateMachine.role;
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
