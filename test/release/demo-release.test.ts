import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateStudy } from '../../analysis/demo/generate.ts';
import { writeRawExport } from '../../analysis/demo/write.ts';
import { aggregate } from '../../analysis/publish.ts';
import { DESIGN_OPEN_TIER_COLUMNS } from './fixture.ts';

type Record_ = Record<string, string>;

function parse(csv: string): Record_[] {
  const [header, ...lines] = csv.trimEnd().split('\n');
  const names = header!.split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((cell, i) => [names[i]!, cell])));
}

describe('a release from a generated demo study', () => {
  it('holds every open-tier CSV with DESIGN columns and rows, and plausible alliance statistics', async () => {
    const from = await mkdtemp(join(tmpdir(), 'tandem-demo-'));
    await writeRawExport(from, generateStudy({ sites: 6, dyads: 900, seed: 11 }));
    const out = await mkdtemp(join(tmpdir(), 'tandem-demo-out-'));
    const { manifest, problems } = await aggregate({
      from,
      out,
      releaseId: '2027-05-01',
      secret: 'demo-secret',
      clock: () => new Date('2027-05-01T02:00:00Z'),
    });
    expect(problems).toEqual([]);
    const dir = join(out, 'releases', manifest.releaseId);
    const names = await readdir(dir);
    const tables: Record<string, Record_[]> = {};
    for (const [name, header] of Object.entries(DESIGN_OPEN_TIER_COLUMNS)) {
      expect(names, name).toContain(name);
      const csv = await readFile(join(dir, name), 'utf8');
      expect(csv.split('\n')[0], name).toBe(header);
      tables[name] = parse(csv);
      expect(tables[name]!.length, name).toBeGreaterThan(0);
    }
    expect(names).toContain('scores_long.csv');

    const allAlpha = tables['reliability.csv']!.find(
      (row) => row.instrument === 'alliance-client' && row.scale === 'total' && row.site === 'ALL',
    )!;
    expect(Number(allAlpha.alpha)).toBeGreaterThan(0.8);
    expect(Number(allAlpha.alpha)).toBeLessThan(0.95);
    const agreementAll = tables['agreement.csv']!.find((row) => row.site === 'ALL')!;
    expect(Number(agreementAll.r)).toBeGreaterThan(0.15);
    expect(Number(agreementAll.r)).toBeLessThan(0.55);
    const pooled = tables['alliance_outcome.csv']!.find(
      (row) => row.row === 'pooled' && row.method === 'REML',
    )!;
    expect(Number(pooled.r)).toBeGreaterThan(0.1);
    expect(Number(pooled.r)).toBeLessThan(0.45);
    expect(tables['icc.csv']!.map((row) => `${row.model}/${row.level}`)).toEqual([
      'therapist/therapist',
      'therapist/residual',
      'site/therapist/site',
      'site/therapist/therapist',
      'site/therapist/residual',
    ]);
    // Every summary row either carries its statistics or is marked suppressed with them empty.
    for (const row of tables['site_session_summary.csv']!) {
      if (row.suppressed === 'true') expect([row.n, row.mean]).toEqual(['', '']);
      else expect(Number(row.n)).toBeGreaterThanOrEqual(5);
    }
  }, 60_000);
});
