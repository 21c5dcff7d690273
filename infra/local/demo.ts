import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import {
  type DyadLinks,
  type EnrolmentDeps,
  issueDyadLinks,
  issueLink,
} from '../../shared/enrolment/deps.ts';
import { rotateLink } from '../../shared/enrolment/rotate-link.ts';
import type { Answers, Role } from '../../shared/instruments/schema.ts';
import {
  type Dyad,
  type Modality,
  ownerKeyOf,
  type StoredResponse,
  type TandemStore,
} from '../../shared/ports.ts';
import { studyInstruments } from '../../shared/study/instruments.ts';
import { Study, type StudyInput } from '../../shared/study/schema.ts';
import { parseSessions, scheduledUpTo } from '../../shared/study/sessions.ts';

/** A dyad as a raw export holds it (DESIGN §8). */
export interface DemoDyad {
  dyadId: string;
  siteId: string;
  therapistId: string;
  modality: Modality;
  interpreter: boolean;
  language: string;
  enrolledOn: string;
  status: Dyad['status'];
  lastSession?: number;
}

/** A response as a raw export holds it (DESIGN §8). */
export interface DemoResponse {
  responseId: string;
  siteId: string;
  therapistId: string;
  dyadId: string | null;
  role: Role;
  session: number;
  instrument: string;
  answers: Answers;
  submittedOn: string;
  language: string;
}

export interface DemoData {
  study: StudyInput;
  dyads: DemoDyad[];
  responses: DemoResponse[];
}

export interface SeedDeps {
  store: TandemStore;
  log: (line: string) => void;
  clock?: () => Date;
  publicUrl?: string;
}

/** The receipt a participant would have been handed for a stored response. */
export function receiptOf(responseId: string): string {
  return createHash('sha256').update(`receipt:${responseId}`).digest('base64url').slice(0, 16);
}

/** Runs `work` over `items`, `width` at a time. */
async function inBatches<T>(items: readonly T[], width: number, work: (item: T) => Promise<unknown>) {
  for (let i = 0; i < items.length; i += width) await Promise.all(items.slice(i, i + width).map(work));
}

/**
 * Writes a study and its people into the store as enrolment and submission would have: sites,
 * therapists and dyads under reserved codes, links stored only as hashes of fresh tokens (the
 * tokens are dropped), consents, and responses with receipts. The study definition goes last, so a
 * start that was interrupted half-way seeds again.
 */
export async function storeDemoData(deps: SeedDeps, data: DemoData): Promise<void> {
  const study = Study.parse(data.study);
  const { store } = deps;
  const enrolment: EnrolmentDeps = {
    store,
    clock: deps.clock ?? (() => new Date()),
    publicUrl: deps.publicUrl ?? 'http://localhost',
  };
  await inBatches(study.sites, 8, (site) => store.putSite(site));

  const therapists = new Map<string, { siteId: string; therapistId: string; enrolledOn: string }>();
  for (const dyad of data.dyads) {
    const known = therapists.get(dyad.therapistId);
    if (!known || dyad.enrolledOn < known.enrolledOn) {
      therapists.set(dyad.therapistId, {
        siteId: dyad.siteId,
        therapistId: dyad.therapistId,
        enrolledOn: dyad.enrolledOn,
      });
    }
  }
  await inBatches([...therapists.values()], 16, async (therapist) => {
    await store.reserveCode(therapist.therapistId);
    const link = await issueLink(
      enrolment,
      { kind: 'therapist', siteId: therapist.siteId, therapistId: therapist.therapistId, role: 'therapist' },
      study.defaultLanguage,
    );
    await store.putTherapist({ ...therapist, status: 'active', linkHash: link.tokenHash });
  });

  const byOwner = new Map<string, DemoResponse[]>();
  for (const response of data.responses) {
    const key =
      response.dyadId === null
        ? ownerKeyOf({ therapistId: response.therapistId })
        : ownerKeyOf({ dyadId: response.dyadId });
    byOwner.set(key, [...(byOwner.get(key) ?? []), response]);
  }
  const consentVersion = Math.max(...study.consent.map((consent) => consent.version));

  await inBatches(data.dyads, 16, async (dyad) => {
    await store.reserveCode(dyad.dyadId);
    const responses = byOwner.get(ownerKeyOf(dyad)) ?? [];
    const sessionDates: Record<string, string> = {};
    for (const response of responses) {
      const day = response.submittedOn.slice(0, 10);
      const key = String(response.session);
      if (sessionDates[key] === undefined || day < sessionDates[key]) sessionDates[key] = day;
    }
    const { linkHashes } = await issueDyadLinks(enrolment, dyad);
    await store.putDyad({
      ...dyad,
      currentSession: Math.max(0, ...responses.map((response) => response.session)),
      sessionDates,
      linkHashes,
    });
  });

  // Consents before responses: nobody answers before consenting.
  const consents = new Map<string, { ownerKey: string; role: Role; language: string; consentedOn: string }>();
  for (const [ownerKey, responses] of byOwner) {
    for (const response of responses) {
      const key = `${ownerKey}|${response.role}`;
      const day = response.submittedOn.slice(0, 10);
      const known = consents.get(key);
      if (!known || day < known.consentedOn) {
        consents.set(key, { ownerKey, role: response.role, language: response.language, consentedOn: day });
      }
    }
  }
  await inBatches([...consents.values()], 32, (consent) =>
    store.putConsent({ ...consent, version: consentVersion }),
  );

  await inBatches(data.responses, 32, (response) => {
    const stored: StoredResponse = {
      ...response,
      ownerKey:
        response.dyadId === null
          ? ownerKeyOf({ therapistId: response.therapistId })
          : ownerKeyOf({ dyadId: response.dyadId }),
      receipt: receiptOf(response.responseId),
    };
    return store.putResponse(stored);
  });
  await store.putStudy(study);
}

/** The demo study: from the statistics engineer's generator (analysis/demo/generate.ts) — 3 sites, about 60 dyads. */
export async function demoData(): Promise<DemoData> {
  const generator = new URL('../../analysis/demo/generate.ts', import.meta.url);
  if (existsSync(generator)) {
    const { generateStudy } = (await import(generator.href)) as {
      generateStudy: (options: { sites: number; dyads: number; seed?: number }) => DemoData;
    };
    return generateStudy({ sites: 3, dyads: 60, seed: 1 });
  }
  return temporaryDemoData();
}

/**
 * Seeds the store when it holds no study yet: the given study definition alone (tests enrol their
 * own dyads), or the whole demo study. Returns whether it seeded.
 */
export async function seedDemo(deps: SeedDeps, options: { study?: StudyInput } = {}): Promise<boolean> {
  if (await deps.store.getStudy()) return false;
  if (options.study !== undefined) {
    await storeDemoData(deps, { study: options.study, dyads: [], responses: [] });
    return true;
  }
  deps.log('First start: seeding the demo study …');
  const data = await demoData();
  await storeDemoData(deps, data);
  deps.log(
    `Seeded ${data.dyads.length} dyads and ${data.responses.length} responses at ${Study.parse(data.study).sites.length} sites.`,
  );
  return true;
}

/** The client questionnaires of a dyad that are due now: scheduled up to its current session and not answered. */
export function clientDue(
  study: Study,
  dyad: Pick<Dyad, 'currentSession' | 'lastSession' | 'status'>,
  answered: ReadonlyArray<Pick<StoredResponse, 'role' | 'session' | 'instrument'>>,
): Array<{ instrument: string; session: number }> {
  const done = new Set(
    answered.filter((r) => r.role === 'client').map((r) => `${r.session}|${r.instrument}`),
  );
  const known = studyInstruments(study);
  const due: Array<{ instrument: string; session: number }> = [];
  for (const entry of study.schedule) {
    if (entry.role !== 'client' || !('sessions' in entry) || !known.has(entry.instrument)) continue;
    const parsed = parseSessions(entry.sessions);
    if (!parsed.ok) continue;
    const upTo =
      dyad.status === 'ended' && dyad.lastSession !== undefined ? dyad.lastSession : dyad.currentSession;
    for (const session of scheduledUpTo(parsed.terms, upTo, dyad.lastSession)) {
      if (!done.has(`${session}|${entry.instrument}`)) due.push({ instrument: entry.instrument, session });
    }
  }
  return due;
}

export interface RotatedDemo {
  dyad: Dyad;
  links: DyadLinks;
  due: Array<{ instrument: string; session: number }>;
}

/**
 * Gives one active demo dyad whose client has a questionnaire due new links (the old ones stop
 * working), so `tandem dev` can print working links: tokens are never stored, so they cannot be
 * shown again otherwise. Prefers the dyad with the most recent session due.
 */
export async function rotateDemoLinks(deps: EnrolmentDeps): Promise<RotatedDemo | undefined> {
  const study = await deps.store.getStudy();
  if (!study) return undefined;
  let best: { dyad: Dyad; due: RotatedDemo['due'] } | undefined;
  for (const site of study.sites) {
    for (const dyad of await deps.store.listDyads(site.siteId)) {
      if (dyad.status !== 'active') continue;
      const due = clientDue(study, dyad, await deps.store.listResponses(ownerKeyOf(dyad)));
      const latest = Math.max(0, ...due.map((item) => item.session));
      const bestLatest = best ? Math.max(0, ...best.due.map((item) => item.session)) : -1;
      if (!best || latest > bestLatest) best = { dyad, due };
    }
    if (best && best.due.length > 0) break;
  }
  if (!best) return undefined;
  const actor = 'tandem-dev';
  const roles: Role[] = best.dyad.interpreter
    ? ['client', 'therapist', 'interpreter']
    : ['client', 'therapist'];
  const issued: Partial<Record<Role, { url: string; token: string }>> = {};
  for (const role of roles) {
    const { link } = await rotateLink(deps, {
      actor,
      siteId: best.dyad.siteId,
      dyadId: best.dyad.dyadId,
      role,
    });
    issued[role] = link;
  }
  const links: DyadLinks = { client: issued.client!, therapist: issued.therapist! };
  if (issued.interpreter) links.interpreter = issued.interpreter;
  const dyad = (await deps.store.getDyad(best.dyad.siteId, best.dyad.dyadId)) ?? best.dyad;
  return { dyad, links, due: best.due };
}

// ---------------------------------------------------------------------------------------------
// Temporary: a small deterministic study used only until analysis/demo/generate.ts lands.

function temporaryDemoData(): DemoData {
  let state = 20271;
  const random = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)] as T;
  const sites = ['north', 'central', 'south'];
  const study: StudyInput = {
    studyId: 'alliance-demo',
    title: { en: 'Alliance demo study', de: 'Allianz-Demostudie' },
    languages: ['en', 'de', 'ar'],
    defaultLanguage: 'en',
    timezone: 'Europe/Berlin',
    suppressionK: 5,
    sites: sites.map((siteId) => ({
      siteId,
      name: `Clinic ${siteId}`,
      timezone: 'Europe/Berlin',
      targetDyads: 25,
    })),
    instruments: ['alliance-client', 'alliance-therapist', 'phq9'],
    schedule: [
      { instrument: 'alliance-client', role: 'client', sessions: '1-5,every:5' },
      { instrument: 'alliance-therapist', role: 'therapist', sessions: '1-5,every:5' },
      { instrument: 'phq9', role: 'client', sessions: 'first,every:5,last' },
    ],
    consent: [
      { version: 1, text: { en: 'I agree to take part.', de: 'Ich stimme zu.', ar: 'أوافق على المشاركة.' } },
    ],
  };
  const dyads: DemoDyad[] = [];
  const responses: DemoResponse[] = [];
  const code = (prefix: string, n: number) => `${prefix}-${String(n).padStart(6, '2')}`;
  let responseCount = 0;
  sites.forEach((siteId, s) => {
    for (let d = 0; d < 20; d++) {
      const dyadId = code('D', s * 100 + d);
      const therapistId = code('T', s * 10 + (d % 4));
      const sessions = 1 + Math.floor(random() * 8);
      const enrolled = new Date(Date.UTC(2026, 5, 1 + d));
      const dyad: DemoDyad = {
        dyadId,
        siteId,
        therapistId,
        modality: pick(['in_person', 'online', 'mixed'] as const),
        interpreter: random() < 0.15,
        language: pick(['en', 'de', 'ar']),
        enrolledOn: enrolled.toISOString().slice(0, 10),
        status: 'active',
      };
      dyads.push(dyad);
      const alliance = 3 + random();
      for (let session = 1; session <= sessions; session++) {
        const day = new Date(enrolled.getTime() + (session - 1) * 7 * 86_400_000).toISOString();
        const answer = (
          instrument: string,
          role: Role,
          items: number,
          min: number,
          max: number,
          mean: number,
        ) => {
          const answers: Answers = {};
          for (let i = 1; i <= items; i++) {
            answers[`i${i}`] = Math.min(max, Math.max(min, Math.round(mean + (random() - 0.5) * 2)));
          }
          responses.push({
            responseId: `R${++responseCount}`,
            siteId,
            therapistId,
            dyadId,
            role,
            session,
            instrument,
            answers,
            submittedOn: day,
            language: dyad.language,
          });
        };
        // The latest session is often still open for the client, so that something is due.
        const clientAnswered = session < sessions || random() < 0.3;
        if (session <= 5 || session % 5 === 0) {
          if (clientAnswered) answer('alliance-client', 'client', 12, 1, 5, alliance + session * 0.05);
          answer('alliance-therapist', 'therapist', 12, 1, 5, alliance - 0.3);
        }
        if ((session === 1 || session % 5 === 0) && clientAnswered) answer('phq9', 'client', 9, 0, 3, 1.5);
      }
    }
  });
  return { study, dyads, responses };
}
