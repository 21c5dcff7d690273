import { BUILTIN_INSTRUMENTS } from '../instruments/builtins.ts';
import type { InstrumentDefinition } from '../instruments/schema.ts';
import type { Study } from './schema.ts';

/** Every instrument a study knows: the built-ins, plus (and overriding) its own definitions. */
export function studyInstruments(study: Pick<Study, 'instruments'>): Map<string, InstrumentDefinition> {
  const known = new Map(BUILTIN_INSTRUMENTS);
  for (const entry of study.instruments) if (typeof entry !== 'string') known.set(entry.id, entry);
  return known;
}
