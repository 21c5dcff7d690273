import { describe, expect, it } from 'vitest';
import { type PooledCorrelation, poolCorrelations, type SiteCorrelation, siteCorrelation } from './meta.ts';
import { expectClose, readReference } from './reference.ts';

type Expected<T> = { [K in keyof Omit<T, 'reason' | 'method'>]: number | null };
interface Case {
  sites: { x: (number | null)[]; y: (number | null)[] }[];
  expected: {
    sites: Expected<SiteCorrelation>[];
    DL: Expected<PooledCorrelation>;
    REML: Expected<PooledCorrelation>;
    FE: Expected<PooledCorrelation>;
  };
}
const cases = readReference<Record<string, Case>>('meta');

function complete(site: Case['sites'][number]): [number[], number[]] {
  const x: number[] = [];
  const y: number[] = [];
  site.x.forEach((value, i) => {
    const other = site.y[i];
    if (value !== null && other !== null && other !== undefined) {
      x.push(value);
      y.push(other);
    }
  });
  return [x, y];
}

const SITE_KEYS = ['r', 'z', 'vi', 'se', 'ci_lo', 'ci_hi', 'r_lo', 'r_hi', 'zval', 'pval'] as const;
const POOLED_KEYS = [...SITE_KEYS, 'tau2', 'i2', 'q', 'q_p', 'pi_lo', 'pi_hi'] as const;

describe('siteCorrelation', () => {
  for (const [name, c] of Object.entries(cases)) {
    it(`matches R's per-site r, Fisher z, vi and interval on ${name}`, () => {
      c.sites.forEach((site, i) => {
        const actual = siteCorrelation(...complete(site));
        const expected = c.expected.sites[i]!;
        expect(actual.n).toBe(expected.n);
        // A site of fewer than four dyads has r and z but no sampling variance (R gives Inf).
        const keys = (expected.n ?? 0) < 4 ? (['r', 'z'] as const) : SITE_KEYS;
        for (const key of keys) expectClose(actual[key], expected[key]);
      });
    });
  }
  it('returns nulls with a reason for a site with one dyad', () => {
    expect(siteCorrelation([40], [3])).toMatchObject({
      n: 1,
      r: null,
      z: null,
      reason: 'fewer than two pairs',
    });
  });
  it('returns no z with a reason when r is ±1', () => {
    const result = siteCorrelation([1, 2, 3, 4, 5], [2, 4, 6, 8, 10]);
    expect(result).toMatchObject({ r: 1, z: null, reason: 'r = ±1: Fisher z is infinite' });
  });
});

describe('poolCorrelations', () => {
  for (const [name, c] of Object.entries(cases)) {
    for (const method of ['DL', 'REML', 'FE'] as const) {
      it(`matches metafor::rma(method = "${method}") on ${name}`, () => {
        const sites = c.sites.map((site) => siteCorrelation(...complete(site)));
        const pooled = poolCorrelations(sites, method);
        const expected = c.expected[method];
        expect(pooled.k).toBe(expected.k);
        expect(pooled.n).toBe(expected.n);
        for (const key of POOLED_KEYS) expectClose(pooled[key], expected[key]);
      });
    }
  }
  it('returns nulls with a reason for fewer than two sites', () => {
    const pooled = poolCorrelations([{ n: 40, z: 0.3, vi: 1 / 37 }], 'REML');
    expect(pooled).toMatchObject({ k: 1, z: null, tau2: null, reason: 'fewer than two sites to pool' });
  });
});
