import { randomBytes } from 'node:crypto';
import type { AuditEvent, TandemStore } from './ports.ts';

/** What an audit event records; every name is an action a person took, never the content of an answer. */
export const AUDIT_ACTIONS = [
  'therapist.add',
  'therapist.link.rotate',
  'dyad.enrol',
  'dyad.end',
  'dyad.withdraw',
  'dyad.link.rotate',
  'dyad.card',
  'dyad.follow-up.close',
  'signin',
  'release.download',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditInput {
  /** Who acted: the JWT subject (a staff member), never a participant's token. */
  actor: string;
  action: AuditAction;
  siteId?: string;
  /** The pseudonymous code or release file acted on (`D-93XHM4`, `2027-03-01/report.html`). */
  target?: string;
  /** Small facts about the act (a role, a last session, a tier); never answers or free text. */
  detail?: Record<string, string | number | boolean>;
}

export interface AuditDeps {
  store: Pick<TandemStore, 'putAudit'>;
  clock: () => Date;
}

/** Writes one audit event (who, what, when, which site) and returns it as stored. */
export async function audit(deps: AuditDeps, input: AuditInput): Promise<AuditEvent> {
  const event: AuditEvent = {
    at: deps.clock().toISOString(),
    id: randomBytes(6).toString('hex'),
    actor: input.actor,
    action: input.action,
  };
  if (input.siteId !== undefined) event.siteId = input.siteId;
  if (input.target !== undefined) event.target = input.target;
  if (input.detail !== undefined) event.detail = input.detail;
  await deps.store.putAudit(event);
  return event;
}

/** Records a staff member's sign-in as the subject and, when known, the roles: nothing else. */
export function auditSignIn(
  deps: AuditDeps,
  subject: string,
  roles: readonly string[] | undefined,
): Promise<AuditEvent> {
  return audit(deps, {
    actor: subject,
    action: 'signin',
    ...(roles === undefined ? {} : { detail: { roles: roles.join(',') } }),
  });
}
