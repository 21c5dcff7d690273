import { type GenerateOptions, streamStudy } from '../demo/generate.ts';
import { StudyDataBuilder } from '../load/study-data.ts';
import { type ScoredResponses, scoreResponses } from '../score.ts';
import { clientAlliance, type DyadScores } from '../tables.ts';

/** Instruments the plan's statistics read; the generator emits no others for a plan. */
export const PLAN_INSTRUMENTS = ['alliance-client', 'phq9'] as const;

/** A drawn study, loaded by the release's builder and scored, with its client alliance series. */
export interface ScoredStudy {
  scored: ScoredResponses;
  client: DyadScores;
}

/** Draws a study in memory (plan instruments only) and loads and scores it as a release would. */
export function drawScoredStudy(options: Omit<GenerateOptions, 'instruments'>): ScoredStudy {
  const generated = streamStudy({ ...options, instruments: PLAN_INSTRUMENTS });
  const builder = new StudyDataBuilder(generated.study);
  let line = 0;
  for (const dyad of generated.dyads) builder.addDyad(dyad, 'dyads', ++line);
  line = 0;
  for (const response of generated.responses) builder.addResponse(response, 'responses', ++line);
  const scored = scoreResponses(builder.finish());
  return { scored, client: clientAlliance(scored) };
}
