/**
 * Session expressions of a study's schedule: comma-separated terms; `N` one session, `A-B` a range,
 * `every:N` sessions N, 2N, 3N, …, `first` = 1, `last` = the session given when the dyad is ended.
 */
export type SessionTerm =
  | { kind: 'one'; session: number }
  | { kind: 'range'; from: number; to: number }
  | { kind: 'every'; step: number }
  | { kind: 'last' };

export type ParsedSessions = { ok: true; terms: SessionTerm[] } | { ok: false; message: string };

const POSITIVE = /^[1-9][0-9]*$/;

/** Parses a session expression; a bad term yields a message naming it. */
export function parseSessions(expression: string): ParsedSessions {
  const terms: SessionTerm[] = [];
  for (const raw of expression.split(',')) {
    const term = raw.trim();
    if (term === 'first') terms.push({ kind: 'one', session: 1 });
    else if (term === 'last') terms.push({ kind: 'last' });
    else if (POSITIVE.test(term)) terms.push({ kind: 'one', session: Number(term) });
    else if (term.startsWith('every:')) {
      const step = term.slice(6).trim();
      if (!POSITIVE.test(step))
        return {
          ok: false,
          message: `"${term}": every:N needs a whole number N ≥ 1 (every:1 is every session)`,
        };
      terms.push({ kind: 'every', step: Number(step) });
    } else {
      const range = /^(0|[1-9][0-9]*)-(0|[1-9][0-9]*)$/.exec(term);
      if (!range) {
        return { ok: false, message: `"${term}" is not a session term (N, A-B, every:N, first or last)` };
      }
      const [from, to] = [Number(range[1]), Number(range[2])];
      if (from < 1) return { ok: false, message: `"${term}": sessions are numbered from 1` };
      if (from > to)
        return { ok: false, message: `"${term}": a range must rise (did you mean ${to}-${from}?)` };
      terms.push({ kind: 'range', from, to });
    }
  }
  return { ok: true, terms };
}

/** Whether `session` is scheduled by the terms; `last` matches only the dyad's ending session. */
export function isScheduled(terms: readonly SessionTerm[], session: number, lastSession?: number): boolean {
  return terms.some((term) => termMatches(term, session, lastSession));
}

function termMatches(term: SessionTerm, session: number, lastSession: number | undefined): boolean {
  switch (term.kind) {
    case 'one':
      return session === term.session;
    case 'range':
      return session >= term.from && session <= term.to;
    case 'every':
      return session % term.step === 0;
    case 'last':
      return lastSession !== undefined && session === lastSession;
  }
}

/** Every scheduled session from 1 up to `upTo` (inclusive), ascending. */
export function scheduledUpTo(terms: readonly SessionTerm[], upTo: number, lastSession?: number): number[] {
  const sessions: number[] = [];
  for (let session = 1; session <= upTo; session++)
    if (isScheduled(terms, session, lastSession)) sessions.push(session);
  return sessions;
}
