import type { AuditEvent } from '../ports.ts';
import type { EnrolmentDeps } from './deps.ts';

/** Audit events from `from` to `to` (UTC days, inclusive), oldest first; at most 366 days at once. */
export async function listAudit(
  deps: Pick<EnrolmentDeps, 'store'>,
  range: { from: string; to: string },
): Promise<AuditEvent[]> {
  const events = await deps.store.listAudit(range.from, range.to);
  return events.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.id < b.id ? -1 : 1));
}
