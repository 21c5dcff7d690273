import type { InstrumentDefinition } from '../shared/instruments/schema.ts';
import { keyedAnswer, PRORATE_MIN_SHARE, scaleItems } from '../shared/instruments/score.ts';
import { releaseScaleNames } from './columns.ts';
import { sharedFloat64, sharedInt32 } from './load/grow.ts';
import { NO_ANSWER, type StudyData } from './load/study-data.ts';

// Every response scored as shared/instruments/score.ts defines it, column by column: the scale
// item lists come from scaleItems, reverse keying from keyedAnswer (tabulated once per item) and
// prorating from PRORATE_MIN_SHARE, so the fast path cannot drift from the participant-facing one.

/** Week of a response without a dyad (therapist-level instruments). */
export const NO_WEEK = -1;

/** One scale of one instrument, ready for the columnar loop. */
export interface ScalePlan {
  name: string;
  /** Index into ScoredResponses.scaleNames / scales. */
  column: number;
  /** Item positions within the instrument's answers. */
  positions: Int32Array;
}

/** How to score one instrument: its scales and the keyed value of each (item, raw answer). */
export interface InstrumentPlan {
  def: InstrumentDefinition;
  scales: ScalePlan[];
  /** keyed[position * width + (answer − min)]. */
  keyed: Float64Array;
  width: number;
}

export interface ScoredResponses {
  data: StudyData;
  /** Scale columns: the built-in names, then any a study adds (scores_long order). */
  scaleNames: string[];
  /** Per scale name, the score of every response; NaN when missing or not a scale of its instrument. */
  scales: Float64Array[];
  /** Whole weeks from the dyad's enrolment to submission; NO_WEEK for therapist-level responses. */
  week: Int32Array;
  plans: InstrumentPlan[];
}

/** The scoring plan of an instrument for the given scale columns. */
export function planInstrument(def: InstrumentDefinition, scaleNames: readonly string[]): InstrumentPlan {
  const positionOf = new Map(def.items.map((item, index) => [item.id, index]));
  const width = def.scale.max - def.scale.min + 1;
  const keyed = new Float64Array(def.items.length * width);
  def.items.forEach((item, position) => {
    for (let answer = def.scale.min; answer <= def.scale.max; answer++)
      keyed[position * width + answer - def.scale.min] = keyedAnswer(def, item.id, answer);
  });
  const scales = Object.entries(scaleItems(def)).map(([name, itemIds]) => ({
    name,
    column: scaleNames.indexOf(name),
    positions: Int32Array.from(itemIds, (id) => positionOf.get(id) ?? -1),
  }));
  return { def, scales, keyed, width };
}

/** Every response's scale scores and week since enrolment, as typed-array columns. */
export function scoreResponses(data: StudyData): ScoredResponses {
  const scaleNames = releaseScaleNames(data.instruments);
  const plans = data.instruments.map((def) => planInstrument(def, scaleNames));
  const { responses, dyads } = data;
  const n = responses.count;
  // On shared memory: the scores_long worker reads them without a copy.
  const scales = scaleNames.map(() => sharedFloat64(n).fill(Number.NaN));
  const week = sharedInt32(n);
  const { answers, answerStart, instrument, dyad, day } = responses;
  for (let i = 0; i < n; i++) {
    const plan = plans[instrument[i]!]!;
    const start = answerStart[i]!;
    const min = plan.def.scale.min;
    for (const scale of plan.scales) {
      let sum = 0;
      let answered = 0;
      const positions = scale.positions;
      for (let j = 0; j < positions.length; j++) {
        const position = positions[j]!;
        if (position < 0) continue;
        const answer = answers[start + position]!;
        if (answer === NO_ANSWER) continue;
        sum += plan.keyed[position * plan.width + answer - min]!;
        answered++;
      }
      const count = positions.length;
      const score =
        answered === 0 || answered < PRORATE_MIN_SHARE * count
          ? Number.NaN
          : answered === count
            ? sum
            : (sum / answered) * count;
      scales[scale.column]![i] = score;
    }
    const d = dyad[i]!;
    week[i] = d < 0 ? NO_WEEK : Math.floor((day[i]! - dyads.enrolledDay[d]!) / 7);
  }
  return { data, scaleNames, scales, week, plans };
}

/** The scores of one scale column, by name; undefined when no instrument has that scale. */
export function scaleColumn(scored: ScoredResponses, name: string): Float64Array | undefined {
  const index = scored.scaleNames.indexOf(name);
  return index < 0 ? undefined : scored.scales[index];
}
