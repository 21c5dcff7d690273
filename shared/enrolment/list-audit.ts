import { ValidationError } from '../errors.ts';
import type { AuditEvent } from '../ports.ts';
import type { EnrolmentDeps } from './deps.ts';

/** Days the audit log shows when no range is asked for: today and the six before (UTC). */
export const DEFAULT_AUDIT_DAYS = 7;
const DAY_MS = 86_400_000;

/**
 * Audit events from `from` to `to` (UTC days, inclusive), oldest first; at most 366 days at once.
 * Without `to` the range ends today; without `from` it starts six days before its end.
 */
export async function listAudit(
  deps: Pick<EnrolmentDeps, 'store' | 'clock'>,
  range: { from?: string | undefined; to?: string | undefined },
): Promise<AuditEvent[]> {
  const to = range.to ?? deps.clock().toISOString().slice(0, 10);
  const from = range.from ?? daysBefore(to, DEFAULT_AUDIT_DAYS - 1);
  const events = await deps.store.listAudit(from, to);
  return events.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.id < b.id ? -1 : 1));
}

/** The ISO day `days` before `to`; 400 naming `to` when it is no calendar day. */
function daysBefore(to: string, days: number): string {
  const ms = Date.parse(`${to}T00:00:00Z`);
  if (Number.isNaN(ms) || !new Date(ms).toISOString().startsWith(to)) {
    throw new ValidationError('invalid audit date range', {
      details: [{ path: 'to', message: 'expected an ISO date YYYY-MM-DD', received: to }],
    });
  }
  return new Date(ms - days * DAY_MS).toISOString().slice(0, 10);
}
