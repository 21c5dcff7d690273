import { ROLES } from '../shared/instruments/roles.ts';
import { parseSessions, type SessionTerm, scheduledUpTo } from '../shared/study/sessions.ts';
import type { SiteEnrolment } from './columns.ts';
import type { StudyData } from './load/study-data.ts';

interface DueEntry {
  instrument: number;
  role: number;
  terms: SessionTerm[];
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
    schedule.push({ instrument, role: ROLES.indexOf(entry.role), terms: parsed.terms });
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

  // Responses are grouped by dyad (canonical order), so each dyad's block is contiguous.
  let i = 0;
  for (let d = 0; d < dyads.count; d++) {
    const site = figures[dyads.site[d]!]!;
    site.dyads++;
    if (dyads.status[d] === 0) site.active++;
    else if (dyads.status[d] === 1) site.ended++;
    else site.withdrawn++;
    const answered = new Set<number>();
    let current = 0;
    while (i < r.count && r.dyad[i] === d) {
      answered.add((r.instrument[i]! * ROLES.length + r.role[i]!) * 65536 + r.session[i]!);
      current = Math.max(current, r.session[i]!);
      i++;
    }
    const last = dyads.lastSession[d]! > 0 ? dyads.lastSession[d]! : undefined;
    for (const entry of schedule) {
      if (ROLES[entry.role] === 'interpreter' && dyads.interpreter[d] !== 1) continue;
      const due = scheduledUpTo(entry.terms, current, last);
      // `last` is due once the dyad has ended, even beyond the sessions anyone reported.
      if (last !== undefined && last > current && entry.terms.some((term) => term.kind === 'last'))
        due.push(last);
      for (const session of due) {
        site.due++;
        if (answered.has((entry.instrument * ROLES.length + entry.role) * 65536 + session)) site.completed++;
      }
    }
  }
  for (const site of figures) site.responseRate = site.due > 0 ? site.completed / site.due : null;
  return figures;
}
