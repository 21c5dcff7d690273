import type { PostAuthenticationTriggerEvent } from 'aws-lambda';
import { type AuditDeps, auditSignIn } from '../../shared/audit.ts';
import { store } from '../runtime/store.ts';

/**
 * Cognito's post-authentication event. AWS documents no groups on it; when a `groupConfiguration`
 * is present (as on token-generation events) its groups are recorded as the roles.
 */
export type PostAuthenticationEvent = PostAuthenticationTriggerEvent & {
  request: { groupConfiguration?: { groupsToOverride?: string[] } };
};

type Log = (entry: Record<string, unknown>) => void;

/**
 * A post-authentication trigger that writes a `signin` audit event for the user (their `sub`, and
 * roles when the event carries groups) and returns the event unchanged. It never throws: Cognito
 * refuses the sign-in when the trigger fails, and a missing audit event must not lock staff out.
 */
export function postAuthentication(
  deps: () => AuditDeps,
  log: Log = (entry) => console.error(JSON.stringify(entry)),
): (event: PostAuthenticationEvent) => Promise<PostAuthenticationEvent> {
  return async (event) => {
    const subject = event.request.userAttributes.sub;
    try {
      if (!subject) throw new Error('the event carries no sub');
      await auditSignIn(deps(), subject, event.request.groupConfiguration?.groupsToOverride);
    } catch (error) {
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

/** The Lambda handler: audit events go to the study table (TANDEM_TABLE). */
export const handler = postAuthentication(() => ({ store: store(), clock: () => new Date() }));
