import * as z from 'zod/mini';
import { InstrumentDefinition, LocalizedText, Role } from '../instruments/schema.ts';

const IsoDate = z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/, 'expected an ISO date YYYY-MM-DD'));
const Slug = z.string().check(z.regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'expected a lower-case slug'));

export const Site = z.object({
  siteId: Slug,
  name: z.string().check(z.minLength(1)),
  timezone: z.optional(z.string()),
  targetDyads: z._default(z.int().check(z.nonnegative()), 0),
});
export type Site = z.infer<typeof Site>;

export const ScheduleEntry = z.union([
  z.object({ instrument: z.string(), role: Role, sessions: z.string() }),
  z.object({ instrument: z.string(), role: Role, every: z.literal('month') }),
]);
export type ScheduleEntry = z.infer<typeof ScheduleEntry>;

/** The study's own office, shown on consent and thank-you pages and written into release metadata. */
export const StudyContact = z.object({
  name: z.string().check(z.minLength(1)),
  email: z.optional(z.email()),
  phone: z.optional(z.string().check(z.minLength(1))),
});
export type StudyContact = z.infer<typeof StudyContact>;

export const ConsentVersion = z.object({ version: z.int().check(z.gte(1)), text: LocalizedText });

export const Study = z.object({
  studyId: Slug,
  version: z._default(z.int().check(z.gte(1)), 1),
  title: LocalizedText,
  languages: z._default(z.array(z.string()).check(z.minLength(1)), ['en']),
  defaultLanguage: z._default(z.string(), 'en'),
  timezone: z._default(z.string(), 'UTC'),
  // gte(1), not positive(): the message then names the least value allowed ("at least 1").
  suppressionK: z._default(z.int().check(z.gte(1)), 5),
  sites: z.array(Site).check(z.minLength(1)),
  instruments: z._default(z.array(z.union([z.string(), InstrumentDefinition])), []),
  schedule: z._default(z.array(ScheduleEntry), []),
  consent: z.array(ConsentVersion).check(z.minLength(1)),
  safety: z._default(z.object({ crisisText: LocalizedText, notifySite: z._default(z.boolean(), true) }), {
    crisisText: {
      en: 'If you are in danger or thinking of harming yourself, call your local emergency number now.',
    },
    notifySite: true,
  }),
  overdueDays: z._default(z.int().check(z.gte(1)), 14),
  contact: z.optional(StudyContact),
  /** An SPDX licence id for the released data (`CC-BY-4.0`), written into `datapackage.json`. */
  licence: z.optional(
    z.string().check(z.regex(/^[A-Za-z0-9.+-]+$/, 'expected an SPDX licence id such as CC-BY-4.0')),
  ),
});
export type Study = z.infer<typeof Study>;
export type StudyInput = z.input<typeof Study>;

export { IsoDate };
