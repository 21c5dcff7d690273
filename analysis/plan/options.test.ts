import { describe, expect, it } from 'vitest';
import { PLAN_DEFAULTS, planInputs } from './options.ts';

describe('planInputs', () => {
  it('fills every option left out with its default', () => {
    const parsed = planInputs({});
    expect(parsed).toEqual({
      ok: true,
      inputs: {
        sites: 10,
        dyads: [20, 25, 30, 35, 40],
        sessions: 12,
        dropout: 0.1,
        r: 0.28,
        tau: 0.1,
        therapistIcc: 0.07,
        online: 0.3,
        interpreter: 0.1,
        k: 5,
        g: 0.3,
        sims: 500,
        seed: 1,
      },
    });
    expect(PLAN_DEFAULTS.sims).toBe('500');
  });

  it('sweeps a range by 5, or by its :STEP, and keeps an end the step skips', () => {
    const dyads = (text: string) => {
      const parsed = planInputs({ dyads: text });
      return parsed.ok ? parsed.inputs.dyads : parsed.problem;
    };
    expect(dyads('25')).toEqual([25]);
    expect(dyads('20-30')).toEqual([20, 25, 30]);
    expect(dyads('20-26:3')).toEqual([20, 23, 26]);
    expect(dyads('20-27:5')).toEqual([20, 25, 27]);
    expect(dyads('10-10')).toEqual([10]);
  });

  it.each([
    [{ dropout: '1.5' }, '--dropout must be between 0 and 1 (received "1.5")'],
    [{ dropout: 'half' }, '--dropout must be between 0 and 1 (received "half")'],
    [{ online: '-0.1' }, '--online must be between 0 and 1 (received "-0.1")'],
    [{ interpreter: '2' }, '--interpreter must be between 0 and 1 (received "2")'],
    [{ r: '1' }, '--r must be a correlation between -0.95 and 0.95 (received "1")'],
    [{ tau: '-0.1' }, '--tau must be an SD on Fisher z between 0 and 1 (received "-0.1")'],
    [{ 'therapist-icc': '0.9' }, '--therapist-icc must be between 0 and 0.5 (received "0.9")'],
    [{ g: '1e3' }, '--g must be a Hedges g between -3 and 3 (received "1e3")'],
    [{ sites: '0' }, '--sites must be a whole number from 1 to 1000 (received "0")'],
    [{ sessions: '1' }, '--sessions must be a whole number from 2 to 80 (received "1")'],
    [{ sims: '2.5' }, '--sims must be a whole number from 10 to 100000 (received "2.5")'],
    [{ k: '' }, '--k must be a whole number from 1 to 1000 (received "")'],
    [{ seed: '-1' }, '--seed must be a whole number from 0 to 4294967295 (received "-1")'],
    [
      { dyads: '3' },
      '--dyads must be at least 4 per site, the least a site can be pooled with (received "3")',
    ],
    [{ dyads: '40-20' }, '--dyads range must not end below its start (received "40-20")'],
    [{ dyads: '20-40:0' }, '--dyads step must be at least 1 (received "20-40:0")'],
    [
      { dyads: '20..40' },
      '--dyads must be a number of dyads per site or a range A-B[:STEP] (received "20..40")',
    ],
    [{ dyads: '4-1000:1' }, '--dyads sweeps 997 design points, at most 100 (received "4-1000:1")'],
  ])('refuses %o with one line naming the option', (values, problem) => {
    expect(planInputs(values)).toEqual({ ok: false, problem });
  });
});
