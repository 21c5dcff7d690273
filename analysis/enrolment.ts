import { ROLES } from '../shared/instruments/roles.ts';
import { parseSessions, type SessionTerm, scheduledUpTo } from '../shared/study/sessions.ts';
import type { SiteEnrolment } from './columns.ts';
import type { StudyData } from './load/study-data.ts';

interface DueEntry {
  instrument: number;
  role: number;
  terms: SessionTerm[];
  /**
   * The sessions due, by (current session, last session): dyads share a few such pairs, and
   * working them out per dyad (every session up to the current against every term) took about
   * 0.1 s of the release's serial end at 1M responses (20k dyads).
   */
  due: Map<number, number[]>;
}

/**
 * Enrolment and response figures per site for the report: dyads by status, therapists, responses,
 * and, for the dyad-level schedule, how many administrations were due by each dyad's current
 * session (the highest any member reported; `last` once ended) and how many of those were answered.
 */
export function siteEnrolment(data: StudyData): SiteEnrolment[] {
  const { dyads, responses: r } = data;
  const instrumentIndex = new Map(data.instruments.map((def, index) => [def.id, index]));
  const schedule: DueEntry[] = [];
  for (const entry of data.study.schedule) {
    if (!('sessions' in entry)) continue;
    const instrument = instrumentIndex.get(entry.instrument);
    const parsed = parseSessions(entry.sessions);
    if (instrument === undefined || !parsed.ok || data.instruments[instrument]!.level !== 'dyad') continue;
    schedule.push({ instrument, role: ROLES.indexOf(entry.role), terms: parsed.terms, due: new Map() });
  }

  const figures = data.sites.map(
    (site): SiteEnrolment => ({
      siteId: site.siteId,
      name: site.name,
      targetDyads: site.targetDyads,
      dyads: 0,
      active: 0,
      ended: 0,
      withdrawn: 0,
      therapists: 0,
      responses: 0,
      due: 0,
      completed: 0,
      responseRate: null,
    }),
  );
  for (let t = 0; t < data.therapists.length; t++) figures[data.therapistSite[t]!]!.therapists++;
  for (let i = 0; i < r.count; i++) figures[r.site[i]!]!.responses++;

  // Which dyad last answered each (instrument, role, session), as dyad + 1: a dyad's answers are
  // marked without clearing the marks of the dyad before (no Set per dyad).
  let maxSession = 0;
  for (let i = 0; i < r.count; i++) if (r.session[i]! > maxSession) maxSession = r.session[i]!;
  const stride = maxSession + 1;
  const answeredBy = new Int32Array(data.instruments.length * ROLES.length * stride);
  const slot = (instrument: number, role: number, session: number): number =>
    (instrument * ROLES.length + role) * stride + session;
  // Responses are grouped by dyad (canonical order), so each dyad's block is contiguous.
  let i = 0;
  for (let d = 0; d < dyads.count; d++) {
    const site = figures[dyads.site[d]!]!;
    site.dyads++;
    if (dyads.status[d] === 0) site.active++;
    else if (dyads.status[d] === 1) site.ended++;
    else site.withdrawn++;
    let current = 0;
    while (i < r.count && r.dyad[i] === d) {
      answeredBy[slot(r.instrument[i]!, r.role[i]!, r.session[i]!)] = d + 1;
      current = Math.max(current, r.session[i]!);
      i++;
    }
    const last = dyads.lastSession[d]! > 0 ? dyads.lastSession[d]! : undefined;
    for (const entry of schedule) {
      if (ROLES[entry.role] === 'interpreter' && dyads.interpreter[d] !== 1) continue;
      const key = current * 65536 + (last ?? 0);
      let due = entry.due.get(key);
      if (due === undefined) {
        due = scheduledUpTo(entry.terms, current, last);
        // `last` is due once the dyad has ended, even beyond the sessions anyone reported.
        if (last !== undefined && last > current && entry.terms.some((term) => term.kind === 'last'))
          due.push(last);
        entry.due.set(key, due);
      }
      for (const session of due) {
        site.due++;
        if (session <= maxSession && answeredBy[slot(entry.instrument, entry.role, session)] === d + 1)
          site.completed++;
      }
    }
  }
  for (const site of figures) site.responseRate = site.due > 0 ? site.completed / site.due : null;
  return figures;
}
