import type { Answers, InstrumentDefinition, LocalizedText } from './schema.ts';

/** Share of a scale's items that must be answered for it to be scored (prorated). */
export const PRORATE_MIN_SHARE = 0.75;

export interface FiredFlag {
  label: LocalizedText;
  safety: boolean;
  /** null when the flag's item or scale is missing. */
  fired: boolean | null;
}

export interface InstrumentScore {
  /** Subscale names and `total` (when the instrument has one) to unrounded scores; null = missing. */
  scales: Record<string, number | null>;
  /** The band of the total, when the instrument has bands and the total is present. */
  band: LocalizedText | null;
  flags: FiredFlag[];
}

/** The scale names an instrument scores, in codebook order: subscales first, then `total`. */
export function scaleNames(def: InstrumentDefinition): string[] {
  const names = Object.keys(def.subscales ?? {});
  if (def.total === 'sum') names.push('total');
  return names;
}

/** Item ids making up each scale of the instrument. */
export function scaleItems(def: InstrumentDefinition): Record<string, string[]> {
  const out: Record<string, string[]> = { ...(def.subscales ?? {}) };
  if (def.total === 'sum') out.total = def.items.map((item) => item.id);
  return out;
}

/** The answer as it counts towards a scale: reverse items become min + max − x. */
export function keyedAnswer(def: InstrumentDefinition, itemId: string, answer: number): number {
  const item = def.items.find((candidate) => candidate.id === itemId);
  return item?.reverse ? def.scale.min + def.scale.max - answer : answer;
}

/**
 * Sum of the keyed answers of the scale's items; with at least 75% answered, the mean of those
 * answered times the item count (prorating); otherwise null.
 */
export function scoreScale(
  def: InstrumentDefinition,
  itemIds: readonly string[],
  answers: Answers,
): number | null {
  let sum = 0;
  let answered = 0;
  for (const id of itemIds) {
    const value = answers[id];
    if (value === null || value === undefined) continue;
    sum += keyedAnswer(def, id, value);
    answered++;
  }
  if (answered === 0 || answered < PRORATE_MIN_SHARE * itemIds.length) return null;
  return answered === itemIds.length ? sum : (sum / answered) * itemIds.length;
}

function compare(op: '<' | '<=' | '>=' | '>', left: number, right: number): boolean {
  switch (op) {
    case '<':
      return left < right;
    case '<=':
      return left <= right;
    case '>=':
      return left >= right;
    case '>':
      return left > right;
  }
}

/** Scores one administration: every scale, the band of the total and each flag. */
export function scoreInstrument(def: InstrumentDefinition, answers: Answers): InstrumentScore {
  const scales: Record<string, number | null> = {};
  for (const [name, items] of Object.entries(scaleItems(def))) scales[name] = scoreScale(def, items, answers);

  let band: LocalizedText | null = null;
  const total = scales.total;
  if (def.bands && total !== null && total !== undefined) {
    for (const candidate of def.bands) if (candidate.from <= total) band = candidate.label;
  }

  const flags = (def.flags ?? []).map((flag): FiredFlag => {
    const value =
      flag.item !== undefined ? answers[flag.item] : flag.scale !== undefined ? scales[flag.scale] : null;
    return {
      label: flag.label,
      safety: flag.safety === true,
      fired: value === null || value === undefined ? null : compare(flag.op, value, flag.value),
    };
  });
  return { scales, band, flags };
}
