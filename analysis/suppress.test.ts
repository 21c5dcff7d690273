import { describe, expect, it } from 'vitest';
import { agreement, moderators } from './columns.ts';
import { type CountedRow, suppressRows } from './suppress.ts';

const site = (siteId: string, units: number): CountedRow => ({
  row: { site: siteId, n_pairs: units * 2, r: 0.5, mean_diff: 1, sd_diff: 2 },
  units,
});

describe('suppressRows', () => {
  it('suppresses a row with fewer than k distinct dyads and empties its counts and statistics', () => {
    const [small, large] = suppressRows(agreement, [site('a', 4), site('b', 5)], {
      k: 5,
      complementary: false,
    });
    expect(small).toEqual({
      site: 'a',
      n_pairs: null,
      r: null,
      mean_diff: null,
      sd_diff: null,
      suppressed: true,
    });
    expect(large).toEqual({ site: 'b', n_pairs: 10, r: 0.5, mean_diff: 1, sd_diff: 2, suppressed: false });
  });

  it('also suppresses the site with the next fewest dyads when one suppressed site holds fewer than k', () => {
    const rows = suppressRows(agreement, [site('a', 2), site('b', 9), site('c', 7), site('ALL', 18)], {
      k: 5,
      complementary: true,
    });
    expect(rows.map((row) => [row.site, row.suppressed])).toEqual([
      ['a', true],
      ['b', false],
      ['c', true],
      ['ALL', false],
    ]);
  });

  it('breaks a tie for the complementary site by site id', () => {
    const rows = suppressRows(agreement, [site('d', 7), site('a', 2), site('c', 7), site('b', 9)], {
      k: 5,
      complementary: true,
    });
    expect(rows.filter((row) => row.suppressed).map((row) => row.site)).toEqual(['a', 'c']);
  });

  it('suppresses more sites while the suppressed ones together hold fewer than k dyads', () => {
    // a + b hold 3 dyads: ALL minus c and d would describe them, so c (the smaller) goes too.
    const rows = suppressRows(agreement, [site('a', 2), site('b', 1), site('c', 7), site('d', 9)], {
      k: 5,
      complementary: true,
    });
    expect(rows.filter((row) => row.suppressed).map((row) => row.site)).toEqual(['a', 'b', 'c']);
  });

  it('keeps suppressing until the suppressed sites hold at least k dyads', () => {
    // a, b, c hold 3 dyads; d (1 more, 4 in all) is still too few, so e follows it.
    const rows = suppressRows(
      agreement,
      [site('a', 1), site('b', 1), site('c', 1), site('d', 6), site('e', 6), site('f', 9)],
      { k: 10, complementary: true },
    );
    // a, b, c are under 10 by themselves; d, e, f are under 10 too: every site is suppressed.
    expect(rows.every((row) => row.suppressed)).toBe(true);
    const looser = suppressRows(
      agreement,
      [site('a', 1), site('b', 1), site('c', 1), site('d', 6), site('e', 6), site('f', 9)],
      { k: 5, complementary: true },
    );
    expect(looser.filter((row) => row.suppressed).map((row) => row.site)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('adds nothing when the suppressed sites together hold k or more dyads', () => {
    const rows = suppressRows(agreement, [site('a', 2), site('b', 3), site('c', 7)], {
      k: 5,
      complementary: true,
    });
    expect(rows.filter((row) => row.suppressed).map((row) => row.site)).toEqual(['a', 'b']);
  });

  it('never suppresses the ALL row to complement a site', () => {
    const rows = suppressRows(agreement, [site('a', 2), site('ALL', 12)], { k: 5, complementary: true });
    expect(rows.map((row) => row.suppressed)).toEqual([true, false]);
  });

  it('groups complementary suppression by every key column but site', () => {
    const file = { ...agreement, keyColumns: ['site', 'threshold'] };
    const row = (siteId: string, threshold: string, units: number): CountedRow => ({
      row: { site: siteId, threshold, n_pairs: units, r: 0, mean_diff: 0, sd_diff: 0 },
      units,
    });
    const rows = suppressRows(
      file,
      [row('a', '1sd', 2), row('b', '1sd', 8), row('a', '2sd', 6), row('b', '2sd', 8)],
      {
        k: 5,
        complementary: true,
      },
    );
    expect(rows.map((r) => r.suppressed)).toEqual([true, true, false, false]);
  });

  it('keeps the key columns and the columns asked for on suppressed rows', () => {
    const [row] = suppressRows(
      moderators,
      [{ row: { moderator: 'modality', level: 'online', n: 2, mean: 40, sd: 3 }, units: 2 }],
      { k: 5, complementary: false, keep: ['sd'] },
    );
    expect(row).toMatchObject({
      moderator: 'modality',
      level: 'online',
      n: null,
      mean: null,
      sd: 3,
      suppressed: true,
    });
  });

  it('does not suppress a row with k or more dyads', () => {
    const [row] = suppressRows(agreement, [site('a', 5)], { k: 5, complementary: true });
    expect(row?.suppressed).toBe(false);
  });
});
