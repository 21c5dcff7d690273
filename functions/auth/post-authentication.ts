import {
  AdminListGroupsForUserCommand,
  CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import type { Context, PostAuthenticationTriggerEvent } from 'aws-lambda';
import { type AuditDeps, auditSignIn } from '../../shared/audit.ts';
import { config } from '../../shared/config.ts';
import { METRIC_NAMES } from '../runtime/metric-names.ts';
import { countMetric, observed, writeLog } from '../runtime/observability.ts';
import { store } from '../runtime/store.ts';

/**
 * Cognito's post-authentication event. AWS documents no groups on it, so the trigger looks them up;
 * a `groupConfiguration` (as on token-generation events) is used when the lookup is not possible.
 */
export type PostAuthenticationEvent = PostAuthenticationTriggerEvent & {
  request: { groupConfiguration?: { groupsToOverride?: string[] } };
};

export interface SignInDeps extends AuditDeps {
  /** The user's groups (their roles) in the user pool. */
  groupsOf?: (userPoolId: string, userName: string) => Promise<string[]>;
}

type Log = (entry: Record<string, unknown>) => void;

/**
 * A post-authentication trigger that writes a `signin` audit event for the user (their `sub`, and
 * their roles) and returns the event unchanged. It never throws: Cognito refuses the sign-in when
 * the trigger fails, and a missing audit event must not lock staff out; a failed write is logged
 * and counted (the audit-write alarm watches the count).
 */
export function postAuthentication(
  deps: () => SignInDeps,
  log: Log = writeLog,
): (event: PostAuthenticationEvent) => Promise<PostAuthenticationEvent> {
  return async (event) => {
    const subject = event.request.userAttributes.sub;
    try {
      if (!subject) throw new Error('the event carries no sub');
      const d = deps();
      const roles = d.groupsOf
        ? await d.groupsOf(event.userPoolId, event.userName)
        : event.request.groupConfiguration?.groupsToOverride;
      await auditSignIn(d, subject, roles === undefined ? undefined : [...roles].sort());
    } catch (error) {
      countMetric(METRIC_NAMES.auditWriteFailed);
      log({
        level: 'error',
        message: 'sign-in audit event not written',
        userPoolId: event.userPoolId,
        subject,
        error: error instanceof Error ? error.message : String(error),
      });
    }
    return event;
  };
}

let cognito: CognitoIdentityProviderClient | undefined;

/** A user's groups through the Cognito SDK client (every page of them). */
export async function cognitoGroupsOf(userPoolId: string, userName: string): Promise<string[]> {
  cognito ??= new CognitoIdentityProviderClient({ region: config().AWS_REGION });
  const groups: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await cognito.send(
      new AdminListGroupsForUserCommand({
        UserPoolId: userPoolId,
        Username: userName,
        ...(nextToken ? { NextToken: nextToken } : {}),
      }),
    );
    for (const group of page.Groups ?? []) if (group.GroupName) groups.push(group.GroupName);
    nextToken = page.NextToken;
  } while (nextToken);
  return groups;
}

const trigger = postAuthentication(() => ({
  store: store(),
  clock: () => new Date(),
  groupsOf: cognitoGroupsOf,
}));

/** The Lambda handler: audit events go to the study table (TANDEM_TABLE), roles from the user pool. */
export const handler = (event: PostAuthenticationEvent, context?: Context) =>
  observed(context, () => trigger(event));
