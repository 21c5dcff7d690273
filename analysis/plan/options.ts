import type { PlanInputs } from './types.ts';

// The options of `tandem plan` (DESIGN §7), their defaults and their checks. A problem is a value
// naming the option and what it received, so that the CLI prints it as its one-line error.

/** Every option but `--out`, as `tandem plan` spells it, with the PlanInputs field it sets. */
export const PLAN_OPTIONS = [
  'sites',
  'dyads',
  'sessions',
  'dropout',
  'r',
  'tau',
  'therapist-icc',
  'online',
  'interpreter',
  'k',
  'g',
  'sims',
  'seed',
] as const;

export type PlanOption = (typeof PLAN_OPTIONS)[number];

/** Defaults of options not given: a mid-sized multi-site alliance study, 500 studies per point. */
export const PLAN_DEFAULTS: Record<PlanOption, string> = {
  sites: '10',
  dyads: '20-40',
  sessions: '12',
  dropout: '0.1',
  r: '0.28',
  tau: '0.1',
  'therapist-icc': '0.07',
  online: '0.3',
  interpreter: '0.1',
  k: '5',
  g: '0.3',
  sims: '500',
  seed: '1',
};

/** Design points a sweep may hold. */
const MAX_POINTS = 100;

/** Parsed inputs, or the one-line problem with the first option that is wrong. */
export type PlanOptionsResult = { ok: true; inputs: PlanInputs } | { ok: false; problem: string };

class OptionProblem extends Error {}

const shown = (text: string): string => JSON.stringify(text);

function whole(name: PlanOption, text: string, min: number, max: number): number {
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max)
    throw new OptionProblem(
      `--${name} must be a whole number from ${min} to ${max} (received ${shown(text)})`,
    );
  return Number(text);
}

function decimal(name: PlanOption, text: string, min: number, max: number, what: string): number {
  const value = /^[-+]?(\d+\.?\d*|\.\d+)$/.test(text) ? Number(text) : Number.NaN;
  if (!(value >= min && value <= max))
    throw new OptionProblem(`--${name} must be ${what} (received ${shown(text)})`);
  return value;
}

/** `N`, or `A-B` stepping by 5, or `A-B:STEP`: the dyads per site of each design point. */
function dyadPoints(text: string): number[] {
  const single = /^\d+$/.exec(text);
  const range = /^(\d+)-(\d+)(?::(\d+))?$/.exec(text);
  const usage = `--dyads must be a number of dyads per site or a range A-B[:STEP] (received ${shown(text)})`;
  if (!single && !range) throw new OptionProblem(usage);
  const from = Number(range ? range[1] : text);
  const to = range ? Number(range[2]) : from;
  const step = range?.[3] === undefined ? 5 : Number(range[3]);
  if (from < 4)
    throw new OptionProblem(
      `--dyads must be at least 4 per site, the least a site can be pooled with (received ${shown(text)})`,
    );
  if (to > 100_000)
    throw new OptionProblem(`--dyads must be at most 100000 per site (received ${shown(text)})`);
  if (to < from)
    throw new OptionProblem(`--dyads range must not end below its start (received ${shown(text)})`);
  if (step < 1) throw new OptionProblem(`--dyads step must be at least 1 (received ${shown(text)})`);
  const points: number[] = [];
  for (let dyads = from; dyads <= to; dyads += step) points.push(dyads);
  // A range whose step skips its end still plans its end: the lead asked about it.
  if (points[points.length - 1] !== to) points.push(to);
  if (points.length > MAX_POINTS)
    throw new OptionProblem(
      `--dyads sweeps ${points.length} design points, at most ${MAX_POINTS} (received ${shown(text)})`,
    );
  return points;
}

/** The plan's inputs from option values (strings as given; defaults for those not given). */
export function planInputs(values: Partial<Record<PlanOption, string | undefined>>): PlanOptionsResult {
  const text = (name: PlanOption): string => values[name] ?? PLAN_DEFAULTS[name];
  const share = (name: PlanOption): number => decimal(name, text(name), 0, 1, 'between 0 and 1');
  try {
    const inputs: PlanInputs = {
      sites: whole('sites', text('sites'), 1, 1000),
      dyads: dyadPoints(text('dyads')),
      sessions: whole('sessions', text('sessions'), 2, 80),
      dropout: share('dropout'),
      r: decimal('r', text('r'), -0.95, 0.95, 'a correlation between -0.95 and 0.95'),
      tau: decimal('tau', text('tau'), 0, 1, 'an SD on Fisher z between 0 and 1'),
      therapistIcc: decimal('therapist-icc', text('therapist-icc'), 0, 0.5, 'between 0 and 0.5'),
      online: share('online'),
      interpreter: share('interpreter'),
      k: whole('k', text('k'), 1, 1000),
      g: decimal('g', text('g'), -3, 3, 'a Hedges g between -3 and 3'),
      sims: whole('sims', text('sims'), 10, 100_000),
      seed: whole('seed', text('seed'), 0, 2 ** 32 - 1),
    };
    return { ok: true, inputs };
  } catch (error) {
    if (error instanceof OptionProblem) return { ok: false, problem: error.message };
    throw error;
  }
}
