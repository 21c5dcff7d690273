import * as z from 'zod/mini';
import { ROLES } from './roles.ts';

/** Text in several languages, keyed by BCP-47 language code (`en`, `de`, `ar`). */
export const LocalizedText = z.record(z.string(), z.string());
export type LocalizedText = z.infer<typeof LocalizedText>;

export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

const ItemId = z.string().check(z.regex(/^i[1-9][0-9]*$/));

export const InstrumentItem = z.object({
  id: ItemId,
  text: LocalizedText,
  reverse: z.optional(z.boolean()),
});

export const Flag = z.object({
  item: z.optional(ItemId),
  scale: z.optional(z.string()),
  op: z.enum(['<', '<=', '>=', '>']),
  value: z.number(),
  label: LocalizedText,
  /** A safety flag shows the study's crisis text and, with `notifySite`, a follow-up for the site. */
  safety: z.optional(z.boolean()),
});
export type Flag = z.infer<typeof Flag>;

export const InstrumentDefinition = z.object({
  id: z.string().check(z.regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/)),
  title: LocalizedText,
  level: z.enum(['dyad', 'therapist']),
  roles: z.array(Role).check(z.minLength(1)),
  items: z.array(InstrumentItem).check(z.minLength(1)),
  scale: z.object({
    min: z.int(),
    max: z.int(),
    /** Anchor labels per language, one per scale point from min to max (or just the two ends). */
    labels: z.optional(z.record(z.string(), z.array(z.string()))),
  }),
  subscales: z.optional(z.record(z.string(), z.array(ItemId))),
  total: z.enum(['sum', 'none']),
  bands: z.optional(z.array(z.object({ from: z.number(), label: LocalizedText }))),
  flags: z.optional(z.array(Flag)),
  wording: z.enum(['demo', 'licensed']),
});
export type InstrumentDefinition = z.infer<typeof InstrumentDefinition>;

/** Answers as submitted: item id to a scale point, or null for a skipped item. */
export type Answers = Record<string, number | null>;
