// The smallest valid study definition: one site, one instrument, one consent text. Tests of the
// study commands start from it and change what they are about.

/** A minimal `study.json` (DESIGN §4), as a file would hold it. */
export const MINIMAL_STUDY = {
  studyId: 'alliance-2027',
  version: 1,
  title: { en: 'Alliance' },
  languages: ['en'],
  defaultLanguage: 'en',
  timezone: 'Europe/Berlin',
  sites: [{ siteId: 'berlin-mitte', name: 'Berlin Mitte', timezone: 'Europe/Berlin', targetDyads: 40 }],
  instruments: ['alliance-client'],
  schedule: [{ instrument: 'alliance-client', role: 'client', sessions: '1-5' }],
  consent: [{ version: 1, text: { en: 'I agree.' } }],
} as const;
