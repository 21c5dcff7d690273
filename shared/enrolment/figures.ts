import { isoDateIn, siteTimeZone } from '../dates.ts';
import { type AnsweredKey, monthlyAdministration, monthlyInstruments } from '../participation/due.ts';
import { type Dyad, ownerKeyOf } from '../ports.ts';
import { currentStudy, type EnrolmentDeps, siteOf } from './deps.ts';
import type { EnrolmentFigures, OpenFollowUp, OverdueDyad, ScheduleFigure } from './figure-types.ts';
import { answeredKeys, dyadDue } from './list-dyads.ts';

export type { EnrolmentFigures, OpenFollowUp, OverdueDyad, ScheduleFigure } from './figure-types.ts';

const DAY_MS = 86_400_000;
const daysFrom = (from: string, to: string) =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);

/** Months `YYYY-MM` from `first` to `last` inclusive. */
function monthsBetween(first: string, last: string): string[] {
  const index = (month: string) => Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1;
  const months: string[] = [];
  for (let i = index(first); i <= index(last); i++) {
    months.push(`${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`);
  }
  return months;
}

/**
 * The enrolment figures of a site, from its dyads, therapists and the natural keys of its responses
 * (read through the GSI; answers are dropped on reading and never leave this function).
 */
export async function enrolmentFigures(deps: EnrolmentDeps, siteId: string): Promise<EnrolmentFigures> {
  const study = await currentStudy(deps.store);
  const site = siteOf(study, siteId);
  const [dyads, therapists, responses] = await Promise.all([
    deps.store.listDyads(siteId),
    deps.store.listTherapists(siteId),
    deps.store.listSiteResponses(siteId),
  ]);
  const answered = answeredKeys(responses);
  const now = deps.clock();
  const asOf = isoDateIn(siteTimeZone(study, site.siteId), now);

  const rows = new Map<string, ScheduleFigure>();
  const count = (row: Omit<ScheduleFigure, 'due' | 'completed' | 'responseRate'>, completed: boolean) => {
    const key = `${row.level}#${row.role}#${row.session}#${row.instrument}`;
    const figure = rows.get(key) ?? { ...row, due: 0, completed: 0, responseRate: null };
    figure.due += 1;
    if (completed) figure.completed += 1;
    rows.set(key, figure);
  };

  const overdue: OverdueDyad[] = [];
  for (const dyad of dyads) {
    if (dyad.status === 'withdrawn') continue;
    const keys = answered.get(ownerKeyOf(dyad)) ?? [];
    for (const key of keys) count({ ...key, level: 'dyad' }, true);
    const due = dyadDue(study, dyad, keys, now);
    const late: OverdueDyad['items'] = [];
    for (const roleDue of Object.values(due)) {
      for (const item of roleDue.items) {
        count({ instrument: item.instrument, role: item.role, session: item.session, level: 'dyad' }, false);
        if (item.overdue) {
          const daysDue = item.dueSince === null ? null : daysFrom(item.dueSince, asOf);
          late.push({
            role: item.role,
            instrument: item.instrument,
            session: item.session,
            dueSince: item.dueSince,
            daysDue,
          });
        }
      }
    }
    if (late.length > 0) overdue.push({ dyadId: dyad.dyadId, therapistId: dyad.therapistId, items: late });
  }

  // Therapist-level instruments: every monthly administration since enrolment has come due.
  const monthly = monthlyInstruments(study, 'therapist');
  for (const therapist of therapists) {
    if (therapist.status === 'withdrawn' || monthly.length === 0) continue;
    const done = new Set(
      (answered.get(ownerKeyOf(therapist)) ?? []).map((k: AnsweredKey) => `${k.session}#${k.instrument}`),
    );
    const { session: current } = monthlyAdministration(study, therapist, now);
    for (let session = 1; session <= current; session++) {
      for (const instrument of monthly) {
        count(
          { instrument, role: 'therapist', session, level: 'therapist' },
          done.has(`${session}#${instrument}`),
        );
      }
    }
  }

  const schedule = [...rows.values()]
    .map((row) => ({ ...row, responseRate: row.due === 0 ? null : row.completed / row.due }))
    .sort(
      (a, b) =>
        a.level.localeCompare(b.level) ||
        a.session - b.session ||
        a.role.localeCompare(b.role) ||
        a.instrument.localeCompare(b.instrument),
    );

  const enrolledByMonth = new Map<string, number>();
  for (const dyad of dyads) {
    const month = dyad.enrolledOn.slice(0, 7);
    enrolledByMonth.set(month, (enrolledByMonth.get(month) ?? 0) + 1);
  }
  const firstMonth = [...enrolledByMonth.keys()].sort()[0];
  let cumulative = 0;
  const byMonth = firstMonth
    ? monthsBetween(firstMonth, asOf.slice(0, 7)).map((month) => {
        const enrolled = enrolledByMonth.get(month) ?? 0;
        cumulative += enrolled;
        return { month, enrolled, cumulative };
      })
    : [];

  const status = (value: string) => dyads.filter((dyad) => dyad.status === value).length;
  return {
    siteId: site.siteId,
    name: site.name,
    targetDyads: site.targetDyads,
    asOf,
    dyads: {
      enrolled: dyads.length,
      active: status('active'),
      ended: status('ended'),
      withdrawn: status('withdrawn'),
    },
    therapists: {
      total: therapists.length,
      active: therapists.filter((therapist) => therapist.status === 'active').length,
    },
    byMonth,
    schedule,
    overdue,
    safetyFollowUps: openFollowUps(dyads),
  };
}

/** The open safety follow-ups of these dyads, whatever their status, oldest first. */
function openFollowUps(dyads: readonly Dyad[]): OpenFollowUp[] {
  return dyads
    .flatMap((dyad) =>
      (dyad.safetyFollowUps ?? [])
        .filter((followUp) => followUp.closedAt === undefined)
        .map(({ id, role, openedOn }) => ({
          id,
          dyadId: dyad.dyadId,
          therapistId: dyad.therapistId,
          role,
          openedOn,
        })),
    )
    .sort((a, b) => a.openedOn.localeCompare(b.openedOn) || a.dyadId.localeCompare(b.dyadId));
}

const CSV_COLUMNS = ['site', 'figure', 'month', 'instrument', 'role', 'session', 'value'] as const;
type CsvRow = Partial<Record<(typeof CSV_COLUMNS)[number], string | number>>;

const csvCell = (value: string | number | undefined): string => {
  if (value === undefined) return '';
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/** The figures as one long CSV (`site, figure, month, instrument, role, session, value`), LF line ends. */
export function figuresCsv(figures: EnrolmentFigures): string {
  const site = figures.siteId;
  const rows: CsvRow[] = [
    { figure: 'target_dyads', value: figures.targetDyads },
    { figure: 'dyads_enrolled', value: figures.dyads.enrolled },
    { figure: 'dyads_active', value: figures.dyads.active },
    { figure: 'dyads_ended', value: figures.dyads.ended },
    { figure: 'dyads_withdrawn', value: figures.dyads.withdrawn },
    { figure: 'therapists', value: figures.therapists.total },
    { figure: 'therapists_active', value: figures.therapists.active },
    { figure: 'dyads_overdue', value: figures.overdue.length },
    { figure: 'safety_follow_ups', value: figures.safetyFollowUps.length },
    ...figures.byMonth.map((m) => ({
      figure: 'dyads_enrolled_cumulative',
      month: m.month,
      value: m.cumulative,
    })),
    ...figures.schedule.flatMap((row) => {
      const key = { instrument: row.instrument, role: row.role, session: row.session };
      const rate = row.responseRate === null ? undefined : row.responseRate;
      return [
        { figure: `${row.level}_due`, ...key, value: row.due },
        { figure: `${row.level}_completed`, ...key, value: row.completed },
        { figure: `${row.level}_response_rate`, ...key, ...(rate === undefined ? {} : { value: rate }) },
      ];
    }),
  ];
  const lines = [CSV_COLUMNS.join(',')];
  for (const row of rows)
    lines.push(CSV_COLUMNS.map((column) => csvCell(column === 'site' ? site : row[column])).join(','));
  return `${lines.join('\n')}\n`;
}
