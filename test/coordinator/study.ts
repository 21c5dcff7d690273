import type { StudyInput } from '../../shared/study/schema.ts';

/** Two sites, client/therapist/interpreter alliance and PHQ-9 (with `last`): small enough to count by hand. */
export const COORDINATOR_STUDY: StudyInput = {
  studyId: 'coordinator-test',
  title: { en: 'Coordinator test study' },
  languages: ['en', 'de', 'ar'],
  defaultLanguage: 'en',
  timezone: 'UTC',
  suppressionK: 1,
  sites: [
    { siteId: 'berlin', name: 'Berlin', targetDyads: 4 },
    { siteId: 'hamburg', name: 'Hamburg', targetDyads: 2 },
  ],
  instruments: ['alliance-client', 'alliance-therapist', 'alliance-interpreter', 'phq9'],
  schedule: [
    { instrument: 'alliance-client', role: 'client', sessions: '1-3' },
    { instrument: 'phq9', role: 'client', sessions: 'first,last' },
    { instrument: 'alliance-therapist', role: 'therapist', sessions: '1-3' },
    { instrument: 'alliance-interpreter', role: 'interpreter', sessions: '1' },
  ],
  consent: [{ version: 1, text: { en: 'I agree.', de: 'Ich stimme zu.', ar: 'أوافق.' } }],
  overdueDays: 14,
};

export const alliance = (value: number) =>
  Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`i${i + 1}`, value]));
export const phq9 = (item9: number) => ({
  i1: 1,
  i2: 1,
  i3: 0,
  i4: 0,
  i5: 0,
  i6: 0,
  i7: 0,
  i8: 0,
  i9: item9,
});

/** The path of a participant link (`/s/{token}`), to request it from the test stack. */
export const linkPath = (url: string) => new URL(url).pathname;
