import { describe, expect, it } from 'vitest';
import { Study } from '../../shared/study/schema.ts';
import { ruptures } from '../stats/ruptures.ts';
import { generateStudy, streamStudy } from './generate.ts';
import { observeStructure } from './observed.ts';

const small = generateStudy({ sites: 3, dyads: 60, seed: 7 });

describe('generateStudy', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    const again = generateStudy({ sites: 3, dyads: 60, seed: 7 });
    expect(again).toEqual(small);
    const other = generateStudy({ sites: 3, dyads: 60, seed: 8 });
    expect(other.responses.map((r) => r.responseId)).not.toEqual(small.responses.map((r) => r.responseId));
  });

  it('writes a study definition that the study schema accepts, with consent in en, de and ar', () => {
    const parsed = Study.safeParse(small.study);
    expect(parsed.success).toBe(true);
    expect(Object.keys(small.study.consent[0]!.text).sort()).toEqual(['ar', 'de', 'en']);
    expect(small.study.suppressionK).toBe(5);
    expect(small.study.schedule.map((entry) => entry.instrument)).toEqual([
      'alliance-client',
      'alliance-therapist',
      'alliance-interpreter',
      'phq9',
      'session-rating',
      'therapist-wellbeing',
    ]);
  });

  it('enrols the requested dyads at the requested sites, each under a therapist of its site', () => {
    expect(small.dyads).toHaveLength(60);
    expect(new Set(small.dyads.map((d) => d.siteId)).size).toBe(3);
    const therapistSite = new Map(small.therapists.map((t) => [t.therapistId, t.siteId]));
    for (const dyad of small.dyads) expect(therapistSite.get(dyad.therapistId)).toBe(dyad.siteId);
    expect(new Set(small.dyads.map((d) => d.dyadId)).size).toBe(60);
    for (const dyad of small.dyads) expect(dyad.dyadId).toMatch(/^D-[23456789ABCDEFGHJKMNPQRSTVWXYZ]{6}$/);
  });

  it('gives withdrawn dyads no responses and ended dyads a last session', () => {
    const withResponses = new Set(small.responses.map((r) => r.dyadId));
    for (const dyad of small.dyads) {
      if (dyad.status === 'withdrawn') expect(withResponses.has(dyad.dyadId)).toBe(false);
      if (dyad.status === 'ended') expect(dyad.lastSession).toBeGreaterThan(0);
    }
  });

  it('keeps every answer within its scale, with some items skipped', () => {
    const ranges: Record<string, [number, number]> = {
      'alliance-client': [1, 5],
      'alliance-therapist': [1, 5],
      'alliance-interpreter': [1, 5],
      phq9: [0, 3],
      'session-rating': [0, 10],
      'therapist-wellbeing': [1, 5],
    };
    let skipped = 0;
    for (const response of small.responses) {
      const [min, max] = ranges[response.instrument]!;
      for (const value of Object.values(response.answers)) {
        if (value === null) skipped++;
        else expect(value >= min && value <= max && Number.isInteger(value)).toBe(true);
      }
    }
    expect(skipped).toBeGreaterThan(0);
  });

  it('has interpreter and online dyads, and interpreters answer only for interpreter dyads', () => {
    const interpreterDyads = new Set(small.dyads.filter((d) => d.interpreter).map((d) => d.dyadId));
    expect(interpreterDyads.size).toBeGreaterThan(0);
    expect(small.dyads.some((d) => d.modality === 'online')).toBe(true);
    for (const response of small.responses) {
      if (response.role === 'interpreter') expect(interpreterDyads.has(response.dyadId!)).toBe(true);
    }
  });
});

describe('streamStudy', () => {
  it('emits exactly the cap when asked for a number of responses', () => {
    const stream = streamStudy({ sites: 2, dyads: 40, responses: 500, seed: 3 });
    let count = 0;
    for (const _ of stream.responses) count++;
    expect(count).toBe(500);
  });

  it('yields the same responses on every pass', () => {
    const stream = streamStudy({ sites: 2, dyads: 10, seed: 3 });
    expect([...stream.responses]).toEqual([...stream.responses]);
  });

  it('rejects fewer dyads than sites', () => {
    expect(() => streamStudy({ sites: 3, dyads: 2 })).toThrow(/at least one per site/);
  });
});

describe('the synthetic structure (3 sites × 200 dyads)', () => {
  const study = generateStudy({ sites: 3, dyads: 600, seed: 1 });
  const observed = observeStructure(study.dyads, study.responses);

  it('gives alpha about .85–.92 on first administrations', () => {
    expect(observed.alphaClient).toBeGreaterThanOrEqual(0.85);
    expect(observed.alphaClient).toBeLessThanOrEqual(0.92);
    expect(observed.alphaTherapist).toBeGreaterThanOrEqual(0.82);
    expect(observed.alphaTherapist).toBeLessThanOrEqual(0.92);
  });

  it('gives client–therapist agreement r about .35, with therapists rating lower', () => {
    expect(observed.agreementR).toBeGreaterThan(0.25);
    expect(observed.agreementR).toBeLessThan(0.45);
    expect(observed.meanDiff).toBeGreaterThan(0);
  });

  it('gives a pooled alliance–outcome r about .28', () => {
    expect(observed.pooledOutcomeR).toBeGreaterThan(0.15);
    expect(observed.pooledOutcomeR).toBeLessThan(0.4);
  });

  it('puts a modest share of alliance variance at the therapist level', () => {
    const therapist = observed.icc.find((row) => row.model === 'therapist' && row.level === 'therapist');
    expect(therapist?.icc).toBeGreaterThan(0.01);
    expect(therapist?.icc).toBeLessThan(0.2);
  });

  it('has ruptures, deep ones rarer than shallow ones, and many repaired', () => {
    const series = new Map<string, number[]>();
    for (const r of study.responses) {
      if (r.instrument !== 'alliance-client') continue;
      const values = Object.values(r.answers);
      if (values.some((v) => v === null)) continue;
      const list = series.get(r.dyadId!) ?? [];
      list.push((values as number[]).reduce((a, b) => a + b, 0));
      series.set(r.dyadId!, list);
    }
    const shallow = ruptures(series.values(), '1sd');
    const deep = ruptures(series.values(), '2sd');
    expect(deep.n_ruptures).toBeGreaterThan(0);
    expect(deep.rupture_rate).toBeLessThan(shallow.rupture_rate!);
    // Under the DESIGN §9 definition noise makes "ruptures" too; the simulated ones mostly return.
    expect(shallow.repair_rate).toBeGreaterThan(0.45);
  });
});
