import { MemoryTandemStore } from '../adapters/memory/store.ts';
import { hashToken, newToken } from '../ids.ts';
import type { Role } from '../instruments/schema.ts';
import type { Dyad, Therapist } from '../ports.ts';
import { Study, type StudyInput } from '../study/schema.ts';
import type { ParticipationDeps } from './deps.ts';
import { type OpenLink, openLink } from './open-link.ts';

// Test support for the participation use cases (not a test itself): a memory store holding one
// study, one therapist and one dyad with an interpreter, and a clock the test can move.

export const studyInput: StudyInput = {
  studyId: 'alliance-test',
  title: { en: 'Alliance test', de: 'Allianztest', ar: 'اختبار التحالف' },
  languages: ['en', 'de', 'ar'],
  timezone: 'Europe/Berlin',
  sites: [{ siteId: 'berlin', name: 'Berlin', targetDyads: 10 }],
  schedule: [
    { instrument: 'alliance-client', role: 'client', sessions: '1-5,every:5' },
    { instrument: 'phq9', role: 'client', sessions: 'first,every:5,last' },
    { instrument: 'alliance-therapist', role: 'therapist', sessions: '1-5' },
    { instrument: 'alliance-interpreter', role: 'interpreter', sessions: 'every:2' },
    { instrument: 'therapist-wellbeing', role: 'therapist', every: 'month' },
  ],
  consent: [{ version: 1, text: { en: 'I agree.', de: 'Ich stimme zu.', ar: 'أوافق.' } }],
  safety: {
    crisisText: { en: 'Call 112.', de: 'Rufen Sie 112 an.', ar: 'اتصل بالرقم 112.' },
    notifySite: true,
  },
};

export interface World {
  deps: ParticipationDeps;
  store: MemoryTandemStore;
  /** Moves the clock. */
  setNow(iso: string): void;
  tokens: { client: string; therapist: string; interpreter: string; therapistLink: string };
  dyadId: string;
  therapistId: string;
  /** Opens a token, failing the test when it does not open. */
  open(token: string): Promise<OpenLink>;
}

/** A fresh world; `study` overrides parts of the test study. */
export async function world(
  study: Partial<StudyInput> = {},
  store: MemoryTandemStore = new MemoryTandemStore(),
): Promise<World> {
  let now = new Date('2027-03-10T10:00:00Z');
  const deps: ParticipationDeps = {
    store,
    clock: () => now,
    attemptSecret: async () => 'test-attempt-secret',
  };
  await store.putStudy(Study.parse({ ...studyInput, ...study }));
  const tokens = {
    client: newToken(),
    therapist: newToken(),
    interpreter: newToken(),
    therapistLink: newToken(),
  };
  const therapist: Therapist = {
    siteId: 'berlin',
    therapistId: 'T-AAAAAA',
    enrolledOn: '2027-01-15',
    status: 'active',
    linkHash: hashToken(tokens.therapistLink),
  };
  const dyad: Dyad = {
    siteId: 'berlin',
    dyadId: 'D-BBBBBB',
    therapistId: therapist.therapistId,
    modality: 'in_person',
    interpreter: true,
    language: 'de',
    enrolledOn: '2027-02-01',
    status: 'active',
    currentSession: 0,
    sessionDates: {},
    linkHashes: {},
  };
  for (const role of ['client', 'therapist', 'interpreter'] as Role[]) {
    dyad.linkHashes[role] = hashToken(tokens[role]);
    await store.putLink({
      tokenHash: hashToken(tokens[role]),
      owner: {
        kind: 'dyad',
        siteId: 'berlin',
        dyadId: dyad.dyadId,
        therapistId: therapist.therapistId,
        role,
      },
      language: 'de',
      createdAt: now.toISOString(),
    });
  }
  await store.putLink({
    tokenHash: therapist.linkHash!,
    owner: { kind: 'therapist', siteId: 'berlin', therapistId: therapist.therapistId, role: 'therapist' },
    language: 'en',
    createdAt: now.toISOString(),
  });
  await store.putTherapist(therapist);
  await store.putDyad(dyad);
  return {
    deps,
    store,
    setNow: (iso) => {
      now = new Date(iso);
    },
    tokens,
    dyadId: dyad.dyadId,
    therapistId: therapist.therapistId,
    open: async (token) => {
      const result = await openLink(deps, { token });
      if (result.outcome !== 'open') throw new Error(`token did not open: ${result.outcome}`);
      return result;
    },
  };
}

/** Answers i1…iN all `value`. */
export function answersAll(n: number, value: number): Record<string, number> {
  return Object.fromEntries(Array.from({ length: n }, (_, index) => [`i${index + 1}`, value]));
}
