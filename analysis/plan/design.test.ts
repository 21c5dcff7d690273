import { describe, expect, it } from 'vitest';
import { generateStudy } from '../demo/generate.ts';
import { allianceOutcomeSites, moderatorTable } from '../release.ts';
import { iccTherapist } from '../stats/icc.ts';
import { poolCorrelations } from '../stats/meta.ts';
import { allianceOutcomeSiteRows, dyadAllianceMeans, poolableSites } from '../tables.ts';
import { calibrate, studyDesign } from './design.ts';
import { drawScoredStudy } from './draw.ts';
import type { PlanInputs } from './types.ts';

// The design's population quantities mean what PlanInputs says, measured by the release's own
// statistics on one large simulated study (40 sites × 250 dyads).

const inputs: PlanInputs = {
  sites: 40,
  dyads: [250],
  sessions: 12,
  dropout: 0,
  r: 0.3,
  tau: 0.15,
  therapistIcc: 0.1,
  online: 0.3,
  interpreter: 0.1,
  k: 5,
  g: 0.4,
  sims: 1,
  seed: 1,
};

describe('studyDesign', () => {
  const design = studyDesign(inputs, calibrate(inputs));
  const { scored, client } = drawScoredStudy({ sites: 40, dyads: 40 * 250, seed: 5, design });
  const sites = allianceOutcomeSites(allianceOutcomeSiteRows(scored, client), inputs.k);
  const pooled = poolCorrelations(poolableSites(sites), 'REML');

  it('gives the planned observed alliance–outcome r (early-alliance mean vs PHQ-9 improvement)', () => {
    // SE of the pooled r here is about 0.03 (τ over 40 sites dominates).
    expect(pooled.k).toBe(40);
    expect(Math.abs(pooled.r! - inputs.r)).toBeLessThan(0.06);
  });

  it('spreads the sites’ true Fisher z by about τ', () => {
    // REML τ from 40 sites of about 225 analysed dyads: SE about 0.025.
    expect(Math.abs(Math.sqrt(pooled.tau2!) - inputs.tau)).toBeLessThan(0.06);
  });

  it('gives the planned therapist ICC of dyad-mean client alliance (within 0.03)', () => {
    const means = dyadAllianceMeans(scored, client);
    const icc = iccTherapist(means.y, means.therapist).find((row) => row.level === 'therapist')!.icc!;
    expect(Math.abs(icc - inputs.therapistIcc)).toBeLessThan(0.03);
  });

  it('gives the planned online-vs-in-person Hedges g (within 0.1)', () => {
    const online = moderatorTable(scored, client, inputs.k).find((row) => row.level === 'online')!;
    expect(Math.abs((online.hedges_g as number) - inputs.g)).toBeLessThan(0.1);
  });

  it('with τ = 0 gives every site the same true correlation', () => {
    const flat = studyDesign({ ...inputs, tau: 0 }, calibrate(inputs));
    expect(flat.outcome).toMatchObject({ zSd: 0, zMean: Math.atanh(inputs.r) });
  });

  it('refuses an r that measurement noise cannot show, naming the option', () => {
    expect(() => studyDesign({ ...inputs, r: 0.9 }, calibrate(inputs))).toThrow(
      /^--r 0.9 .* caps the observed r/,
    );
  });
});

describe('generateStudy with a design', () => {
  it('gives every dyad the planned sessions and no withdrawals when nobody drops out', () => {
    const study = generateStudy({ sites: 2, dyads: 40, seed: 3, design: { sessions: 7, dropout: 0 } });
    for (const dyad of study.dyads) {
      expect(dyad.status).toBe('ended');
      expect(dyad.lastSession).toBe(7);
    }
    const sites = new Map<string, number>();
    for (const dyad of study.dyads) sites.set(dyad.siteId, (sites.get(dyad.siteId) ?? 0) + 1);
    expect([...sites.values()]).toEqual([20, 20]);
  });

  it('stops dropouts before their last session, without a final PHQ-9', () => {
    const study = generateStudy({ sites: 1, dyads: 400, seed: 3, design: { sessions: 10, dropout: 0.5 } });
    const stopped = study.dyads.filter((dyad) => dyad.lastSession! < 10);
    expect(stopped.length / study.dyads.length).toBeGreaterThan(0.4);
    expect(stopped.length / study.dyads.length).toBeLessThan(0.6);
    const lastPhq = new Set(
      study.responses
        .filter((r) => r.instrument === 'phq9' && r.session !== 1 && r.session % 5 !== 0)
        .map((r) => r.dyadId),
    );
    for (const dyad of stopped) expect(lastPhq.has(dyad.dyadId)).toBe(false);
  });

  it('emits only the instruments asked for', () => {
    const study = generateStudy({ sites: 1, dyads: 20, seed: 3, instruments: ['phq9'] });
    expect(new Set(study.responses.map((r) => r.instrument))).toEqual(new Set(['phq9']));
  });

  it('refuses a design share outside 0–1', () => {
    expect(() => generateStudy({ sites: 1, dyads: 5, design: { dropout: 1.5 } })).toThrow(/design.dropout/);
  });
});
