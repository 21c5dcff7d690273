import * as z from 'zod/mini';
import { Study } from './schema.ts';

/** The JSON Schema of a study file as authors write it (defaults optional), for `docs/study.schema.json`. */
export function studyJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(Study, { io: 'input', target: 'draft-2020-12' }),
    title: 'Tandem study definition (study.json)',
  };
}

// `npx tsx shared/study/json-schema.ts > docs/study.schema.json && npx biome format --write docs/study.schema.json` regenerates it.
if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write(`${JSON.stringify(studyJsonSchema(), null, 2)}\n`);
}
