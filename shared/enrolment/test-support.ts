import { MemoryTandemStore } from '../adapters/memory/store.ts';
import { Study, type StudyInput } from '../study/schema.ts';
import type { EnrolmentDeps } from './deps.ts';

/** A small two-site study for the enrolment tests. */
export const TEST_STUDY: StudyInput = {
  studyId: 'alliance-test',
  title: { en: 'Alliance test study', de: 'Allianz-Teststudie' },
  languages: ['en', 'de', 'ar'],
  defaultLanguage: 'en',
  timezone: 'Europe/Berlin',
  sites: [
    { siteId: 'berlin', name: 'Berlin', targetDyads: 4 },
    { siteId: 'hamburg', name: 'Hamburg', targetDyads: 2 },
  ],
  instruments: [
    'alliance-client',
    'alliance-therapist',
    'alliance-interpreter',
    'phq9',
    'therapist-wellbeing',
  ],
  schedule: [
    { instrument: 'alliance-client', role: 'client', sessions: '1-3' },
    { instrument: 'phq9', role: 'client', sessions: 'first,last' },
    { instrument: 'alliance-therapist', role: 'therapist', sessions: '1-3' },
    { instrument: 'alliance-interpreter', role: 'interpreter', sessions: '1' },
  ],
  consent: [{ version: 1, text: { en: 'I agree.', de: 'Ich stimme zu.', ar: 'أوافق.' } }],
  overdueDays: 14,
};

/** A clock that stands still until moved. */
export function manualClock(start: string): { clock: () => Date; set: (iso: string) => void } {
  let now = new Date(start);
  return { clock: () => new Date(now), set: (iso) => (now = new Date(iso)) };
}

/** Memory store seeded with TEST_STUDY, and the deps the use cases take. */
export async function testDeps(start = '2027-03-01T09:00:00Z') {
  const store = new MemoryTandemStore();
  const study = Study.parse(TEST_STUDY);
  await store.putStudy(study);
  for (const site of study.sites) await store.putSite(site);
  const time = manualClock(start);
  const deps: EnrolmentDeps = { store, clock: time.clock, publicUrl: 'https://tandem.test/' };
  return { deps, store, study, time };
}
