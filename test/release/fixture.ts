import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { StudyInput } from '../../shared/study/schema.ts';

// A small, fully determined raw export for release tests: a few sites of unequal size, alliance
// from clients and therapists, PHQ-9 at the start and end, and therapist wellbeing.

/** The open-tier columns exactly as DESIGN §8 lists them, written out independently of columns.ts. */
export const DESIGN_OPEN_TIER_COLUMNS: Record<string, string> = {
  'site_session_summary.csv': 'site,session,role,instrument,scale,n,mean,sd,median,q1,q3,suppressed',
  'reliability.csv': 'instrument,role,scale,site,n,items,alpha,alpha_lo,alpha_hi,suppressed',
  'agreement.csv': 'site,n_pairs,r,mean_diff,sd_diff,suppressed',
  'icc.csv': 'model,level,variance,icc,n_groups,n_obs',
  'trajectories.csv': 'site,n_dyads,mean_slope,sd_slope,suppressed',
  'ruptures.csv':
    'site,threshold,n_dyads,n_dyads_rupture,rupture_rate,n_ruptures,n_repaired,repair_rate,suppressed',
  'alliance_outcome.csv':
    'row,site,method,k,n,r,z,vi,se,ci_lo,ci_hi,r_lo,r_hi,zval,pval,tau2,i2,q,q_p,pi_lo,pi_hi,suppressed',
  'moderators.csv': 'moderator,level,n,mean,sd,hedges_g,g_vi,g_lo,g_hi,suppressed',
  'therapist_wellbeing.csv': 'n_therapists,r,suppressed',
};

export interface FixtureDyad {
  dyadId: string;
  siteId: string;
  therapistId: string;
  modality: 'in_person' | 'online' | 'mixed';
  interpreter: boolean;
  language: string;
  enrolledOn: string;
  status: 'active' | 'ended' | 'withdrawn';
  lastSession?: number;
}

export interface FixtureResponse {
  responseId: string;
  siteId: string;
  therapistId: string;
  dyadId: string | null;
  role: 'client' | 'therapist' | 'interpreter';
  session: number;
  instrument: string;
  answers: Record<string, number | null>;
  submittedOn: string;
  language: string;
}

export interface Fixture {
  study: StudyInput;
  dyads: FixtureDyad[];
  responses: FixtureResponse[];
}

/** Park–Miller generator: the same numbers on every machine. */
function random(seed: number): () => number {
  let state = seed % 2147483647 || 1;
  return () => {
    state = (state * 48271) % 2147483647;
    return state / 2147483647;
  };
}

const addDays = (iso: string, days: number): string =>
  new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/** A study with `dyadsPerSite[i]` dyads at site i (two therapists per site). */
export function fixture(dyadsPerSite: readonly number[] = [8, 6, 2], seed = 7): Fixture {
  const next = random(seed);
  const pick = (min: number, max: number, centre: number): number =>
    Math.max(min, Math.min(max, Math.round(centre + (next() - 0.5) * 2)));
  // `count` item answers i1…iN drawn around `centre` (each draw advances the seeded stream).
  const items = (count: number, min: number, max: number, centre: number): Record<string, number | null> =>
    Object.fromEntries(Array.from({ length: count }, (_, i) => [`i${i + 1}`, pick(min, max, centre)]));
  const sites = dyadsPerSite.map((_, i) => ({
    siteId: `site-${String.fromCharCode(97 + i)}`,
    name: `Site ${i + 1}`,
    targetDyads: 10,
  }));
  const study: StudyInput = {
    studyId: 'fixture-study',
    title: { en: 'Fixture study' },
    timezone: 'Europe/Berlin',
    suppressionK: 3,
    sites,
    instruments: ['alliance-client', 'alliance-therapist', 'phq9', 'therapist-wellbeing'],
    schedule: [
      { instrument: 'alliance-client', role: 'client', sessions: '1-6' },
      { instrument: 'alliance-therapist', role: 'therapist', sessions: '1-6' },
      { instrument: 'phq9', role: 'client', sessions: 'first,every:5' },
      { instrument: 'therapist-wellbeing', role: 'therapist', every: 'month' },
    ],
    consent: [{ version: 1, text: { en: 'I agree.' } }],
  };
  const dyads: FixtureDyad[] = [];
  const responses: FixtureResponse[] = [];
  let responseNumber = 0;
  const respond = (r: Omit<FixtureResponse, 'responseId' | 'language'>): void => {
    responses.push({ ...r, responseId: `R-${++responseNumber}`, language: 'en' });
  };
  sites.forEach((site, s) => {
    const therapists = [`T-${s}A`, `T-${s}B`];
    for (const [t, therapistId] of therapists.entries()) {
      for (let month = 1; month <= 2; month++) {
        const level = 2 + t + next();
        respond({
          siteId: site.siteId,
          therapistId,
          dyadId: null,
          role: 'therapist',
          session: month,
          instrument: 'therapist-wellbeing',
          answers: items(6, 1, 5, level),
          submittedOn: addDays('2027-01-01', 30 * month),
        });
      }
    }
    for (let d = 0; d < dyadsPerSite[s]!; d++) {
      const therapistId = therapists[d % 2]!;
      const enrolledOn = addDays('2027-01-04', d * 3);
      const dyadId = `D-${s}${String(d).padStart(3, '0')}`;
      dyads.push({
        dyadId,
        siteId: site.siteId,
        therapistId,
        modality: (['in_person', 'online', 'mixed'] as const)[d % 3]!,
        interpreter: d % 4 === 1,
        language: 'en',
        enrolledOn,
        status: d % 5 === 4 ? 'ended' : 'active',
        ...(d % 5 === 4 ? { lastSession: 6 } : {}),
      });
      const alliance = 2.5 + next() * 2;
      for (let session = 1; session <= 6; session++) {
        const level = alliance + session * 0.1 + (session === 4 && d % 3 === 0 ? -1.5 : 0);
        const answers = items(12, 1, 5, level);
        if ((d + session) % 7 === 0) answers.i3 = null;
        const submittedOn = addDays(enrolledOn, session * 7 + (d % 3));
        const dyadRespond = (
          role: 'client' | 'therapist',
          instrument: string,
          given: FixtureResponse['answers'],
        ) =>
          respond({
            siteId: site.siteId,
            therapistId,
            dyadId,
            role,
            session,
            instrument,
            answers: given,
            submittedOn,
          });
        dyadRespond('client', 'alliance-client', answers);
        dyadRespond('therapist', 'alliance-therapist', items(12, 1, 5, level - 0.3));
        if (session === 1 || session === 5) {
          const severity = session === 1 ? 1.8 : 1.8 - (alliance - 2.5) * 0.6;
          dyadRespond('client', 'phq9', items(9, 0, 3, severity));
        }
      }
    }
  });
  return { study, dyads, responses };
}

const jsonLines = (values: readonly unknown[]): string =>
  values.map((value) => `${JSON.stringify(value)}\n`).join('');

/** Writes the fixture as a raw export folder (DESIGN §8). */
export async function writeFixture(
  dir: string,
  data: Fixture,
  extraResponseLines: readonly string[] = [],
): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'study.json'), JSON.stringify(data.study, null, 2));
  await writeFile(join(dir, 'dyads.jsonl'), jsonLines(data.dyads));
  await writeFile(
    join(dir, 'responses.jsonl'),
    jsonLines(data.responses) + extraResponseLines.map((line) => `${line}\n`).join(''),
  );
}
