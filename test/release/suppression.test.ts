import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { aggregate } from '../../analysis/publish.ts';
import { type Fixture, fixture, writeFixture } from './fixture.ts';

// DESIGN §8 complementary suppression, tried as an attacker would: in site_session_summary, the ALL
// row minus the visible site rows gives n, mean and SD of the suppressed sites together. Before the
// rule counted the dyads the suppressed rows hold, two suppressed sites of 1 and 2 dyads (k = 5)
// were recovered exactly this way.

type CsvRow = Record<string, string>;
const K = 5;

function parse(csv: string): CsvRow[] {
  const [header, ...lines] = csv.trimEnd().split('\n');
  const names = header!.split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((cell, i) => [names[i]!, cell])));
}

/** The study with `dyadsPerSite`, at k = 5. */
function study(dyadsPerSite: number[]): Fixture {
  const data = fixture(dyadsPerSite);
  return { ...data, study: { ...data.study, suppressionK: K } };
}

/** Only the dyads (and their therapists' answers) of these sites. */
function only(data: Fixture, sites: string[]): Fixture {
  return {
    study: data.study,
    dyads: data.dyads.filter((dyad) => sites.includes(dyad.siteId)),
    responses: data.responses.filter((response) => sites.includes(response.siteId)),
  };
}

async function releaseTable(data: Fixture, name: string, k?: number): Promise<CsvRow[]> {
  const from = await mkdtemp(join(tmpdir(), 'tandem-suppression-'));
  await writeFixture(from, data);
  const out = await mkdtemp(join(tmpdir(), 'tandem-suppression-out-'));
  const { manifest } = await aggregate({
    from,
    out,
    releaseId: '2027-06-01',
    ...(k === undefined ? {} : { k }),
    secret: 'suppression-test',
    clock: () => new Date('2027-06-01T02:00:00Z'),
  });
  return parse(await readFile(join(out, 'releases', manifest.releaseId, name), 'utf8'));
}

interface Described {
  n: number;
  mean: number;
  sd: number;
}

/** ALL minus the visible site rows: what the suppressed sites of one group hold together. */
function differenced(all: CsvRow, visible: CsvRow[]): Described {
  const sum = (row: CsvRow) => Number(row.n) * Number(row.mean);
  const squares = (row: CsvRow) =>
    (Number(row.n) - 1) * Number(row.sd) ** 2 + Number(row.n) * Number(row.mean) ** 2;
  let n = Number(all.n);
  let total = sum(all);
  let totalSquares = squares(all);
  for (const row of visible) {
    n -= Number(row.n);
    total -= sum(row);
    totalSquares -= squares(row);
  }
  const mean = total / n;
  return { n, mean, sd: Math.sqrt((totalSquares - n * mean ** 2) / (n - 1)) };
}

const groupKey = (row: CsvRow) => `${row.session}|${row.role}|${row.instrument}|${row.scale}`;
const allianceTotals = (rows: CsvRow[]) =>
  rows.filter(
    (row) => row.instrument === 'alliance-client' && row.role === 'client' && row.scale === 'total',
  );

/**
 * Runs the differencing attack on every client alliance total group and returns, per session, what
 * it recovers next to the truth (the small sites' own figures, from a release of them alone at k = 1).
 */
async function attack(dyadsPerSite: number[], small: string[], hiddenAfterFix: string[]) {
  const data = study(dyadsPerSite);
  const released = allianceTotals(await releaseTable(data, 'site_session_summary.csv'));
  const truth = allianceTotals(await releaseTable(only(data, small), 'site_session_summary.csv', 1));
  const together = allianceTotals(
    await releaseTable(only(data, hiddenAfterFix), 'site_session_summary.csv', 1),
  );
  const groups = new Map<string, CsvRow[]>();
  for (const row of released) groups.set(groupKey(row), [...(groups.get(groupKey(row)) ?? []), row]);
  return [...groups.values()].map((rows) => {
    const all = rows.find((row) => row.site === 'ALL')!;
    const sites = rows.filter((row) => row.site !== 'ALL');
    const hidden = sites.filter((row) => row.suppressed === 'true').map((row) => row.site);
    const real = truth.find((row) => row.site === 'ALL' && groupKey(row) === groupKey(all))!;
    const hiddenSites = together.find((row) => row.site === 'ALL' && groupKey(row) === groupKey(all))!;
    return {
      all,
      hidden,
      recovered: differenced(
        all,
        sites.filter((row) => row.suppressed === 'false'),
      ),
      truth: { n: Number(real.n), mean: Number(real.mean), sd: Number(real.sd) },
      hiddenSites: { n: Number(hiddenSites.n), mean: Number(hiddenSites.mean), sd: Number(hiddenSites.sd) },
    };
  });
}

describe('complementary suppression against ALL minus the visible sites', () => {
  it.each([
    { suppressed: 2, dyadsPerSite: [1, 2, 9, 10], small: ['site-a', 'site-b'], alsoHidden: 'site-c' },
    {
      suppressed: 3,
      dyadsPerSite: [1, 1, 2, 9, 10],
      small: ['site-a', 'site-b', 'site-c'],
      alsoHidden: 'site-d',
    },
  ])(
    'hides $suppressed small sites of one group: the difference describes k or more dyads',
    async ({ dyadsPerSite, small, alsoHidden }) => {
      const groups = await attack(dyadsPerSite, small, [...small, alsoHidden]);
      expect(groups).toHaveLength(6);
      for (const { all, hidden, recovered, truth, hiddenSites } of groups) {
        expect(all.suppressed).toBe('false');
        // The smallest large site is suppressed too, and no more.
        expect(hidden).toEqual([...small, alsoHidden]);
        expect(truth.n).toBeLessThan(K);
        expect(recovered.n).toBeGreaterThanOrEqual(K);
        expect(recovered.n).not.toBe(truth.n);
        expect(Math.abs(recovered.mean - truth.mean)).toBeGreaterThan(1e-6);
        // The attack itself works (before the fix it gave the small sites' n, mean and SD to 1e-9):
        // what it recovers now is the small sites and the complementary one together.
        expect(recovered.n).toBe(hiddenSites.n);
        expect(recovered.mean).toBeCloseTo(hiddenSites.mean, 9);
        expect(recovered.sd).toBeCloseTo(hiddenSites.sd, 9);
      }
    },
  );

  it('adds nothing when the suppressed sites already hold k dyads together', async () => {
    const data = study([2, 3, 9]);
    const rows = allianceTotals(await releaseTable(data, 'site_session_summary.csv'));
    const hidden = rows.filter((row) => row.suppressed === 'true').map((row) => `${row.session}:${row.site}`);
    expect(hidden.sort()).toEqual(
      [1, 2, 3, 4, 5, 6].flatMap((session) => [`${session}:site-a`, `${session}:site-b`]).sort(),
    );
  });

  it('applies to agreement, trajectories and ruptures too, and leaves alliance_outcome site rows to primary suppression', async () => {
    const data = study([1, 2, 9, 10]);
    for (const name of ['agreement.csv', 'trajectories.csv', 'ruptures.csv']) {
      const rows = await releaseTable(data, name);
      const hidden = [...new Set(rows.filter((row) => row.suppressed === 'true').map((row) => row.site))];
      expect(hidden, name).toEqual(['site-a', 'site-b', 'site-c']);
    }
    const outcome = await releaseTable(data, 'alliance_outcome.csv');
    const siteRows = outcome.filter((row) => row.row === 'site');
    expect(siteRows.map((row) => [row.site, row.suppressed])).toEqual([
      ['site-a', 'true'],
      ['site-b', 'true'],
      ['site-c', 'false'],
      ['site-d', 'false'],
    ]);
    // Pooled over the two sites that are shown and have n ≥ 4; a pooled row names no site.
    for (const pooled of outcome.filter((row) => row.row === 'pooled')) {
      expect(pooled.site).toBe('');
      expect(pooled.k).toBe('2');
      expect(Number(pooled.n)).toBe(Number(siteRows[2]!.n) + Number(siteRows[3]!.n));
    }
  });
});
