import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { aggregate } from '../../analysis/publish.ts';
import type { Manifest } from '../../analysis/release.ts';
import { type Fixture, fixture, writeFixture } from '../release/fixture.ts';

// changes.md on two crafted consecutive releases (k = 5). Between them site-a enrols 5 dyads,
// site-b one (its 6 dyads become 7: the case where differencing would single one dyad out), and
// site-c none; every therapist answers the monthly questionnaire once more.

const K = 5;
const NEW_DYADS = new Set(['D-0003', 'D-0004', 'D-0005', 'D-0006', 'D-0007', 'D-1005']);
const CUT = '2027-03-01';
const addDays = (iso: string, days: number): string =>
  new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/** The full study (second release) and the part of it the first release saw. */
function releases(): { first: Fixture; second: Fixture } {
  const base = fixture([8, 7, 2]);
  const study = { ...base.study, suppressionK: K };
  const dyads = base.dyads.map((d) => (NEW_DYADS.has(d.dyadId) ? { ...d, enrolledOn: '2027-03-02' } : d));
  const responses = base.responses.map((r) =>
    r.dyadId !== null && NEW_DYADS.has(r.dyadId)
      ? { ...r, submittedOn: addDays('2027-03-02', r.session * 7) }
      : r,
  );
  return {
    first: {
      study,
      dyads: dyads.filter((d) => !NEW_DYADS.has(d.dyadId)),
      responses: responses.filter(
        (r) => r.submittedOn < CUT && !(r.dyadId !== null && NEW_DYADS.has(r.dyadId)),
      ),
    },
    second: { study, dyads, responses },
  };
}

const folder = (name: string) => mkdtemp(join(tmpdir(), `tandem-changes-${name}-`));

let out: string;
let firstChanges: string;
let secondChanges: string;
let secondExport: string;
beforeAll(async () => {
  const { first, second } = releases();
  out = await folder('out');
  const firstExport = await folder('first');
  secondExport = await folder('second');
  await writeFixture(firstExport, first);
  await writeFixture(secondExport, second);
  const common = { out, secret: 'changes-test' };
  await aggregate({
    ...common,
    from: firstExport,
    releaseId: CUT,
    clock: () => new Date(`${CUT}T01:30:00Z`),
  });
  await aggregate({
    ...common,
    from: secondExport,
    releaseId: '2027-04-20',
    clock: () => new Date('2027-04-20T01:30:00Z'),
  });
  firstChanges = await readFile(join(out, 'releases', CUT, 'changes.md'), 'utf8');
  secondChanges = await readFile(join(out, 'releases', '2027-04-20', 'changes.md'), 'utf8');
}, 120_000);

const row = (text: string, site: string): string[] =>
  text
    .split('\n')
    .find((line) => line.startsWith(`| ${site} |`))!
    .split('|')
    .slice(2, -1)
    .map((cell) => cell.trim());

describe('changes.md', () => {
  it('says the first release has nothing to compare with', () => {
    expect(firstChanges).toContain('This is the first release');
  });

  it('names the previous release and shows new dyads and responses where k or more dyads stand behind them', () => {
    expect(secondChanges).toContain(`Compared with release ${CUT}.`);
    const [dyads, responses] = row(secondChanges, 'site-a');
    expect(dyads).toBe('5 dyads');
    expect(responses).toMatch(/^\d+ responses from \d+ dyads or therapists$/);
  });

  it('gives no count below k: one new dyad at site-b and none at site-c read "fewer than k"', () => {
    expect(row(secondChanges, 'site-b')).toEqual([
      `fewer than ${K} dyads`,
      `from fewer than ${K} dyads or therapists`,
    ]);
    expect(row(secondChanges, 'site-c')).toEqual([
      `fewer than ${K} dyads`,
      `from fewer than ${K} dyads or therapists`,
    ]);
    for (const match of secondChanges.matchAll(/(\d+) (dyads|responses)/g))
      expect(Number(match[1]), match[0]).toBeGreaterThanOrEqual(K);
  });

  it('hides the pooled count when subtracting the sites shown would describe fewer than k dyads', () => {
    // ALL − site-a would be site-b's one new dyad.
    expect(row(secondChanges, 'ALL')[0]).toMatch(/^not shown/);
    // The hidden sites' new responses come from 1 + 2 + 2 dyads and therapists: k, so ALL is shown.
    expect(row(secondChanges, 'ALL')[1]).toMatch(/^\d+ responses$/);
  });

  it('gives no site total, so the two releases cannot be subtracted', () => {
    for (const total of ['6 dyads', '7 dyads', '8 dyads', '2 dyads'])
      expect(`${firstChanges}\n${secondChanges}`).not.toContain(`| ${total} |`);
  });

  it('lists the tables whose rows changed with their rows before and now, from the manifests', async () => {
    const manifest = (id: string) =>
      readFile(join(out, 'releases', id, 'manifest.json'), 'utf8').then(
        (text) => JSON.parse(text) as Manifest,
      );
    const [before, now] = [await manifest(CUT), await manifest('2027-04-20')];
    const rows = (m: Manifest, name: string) => m.files.find((f) => f.name === name)?.rows;
    expect(secondChanges).toContain(
      `| scores_long.csv | ${rows(before, 'scores_long.csv')} | ${rows(now, 'scores_long.csv')} |`,
    );
    expect(secondChanges).toContain(
      `| site_session_summary.csv | ${rows(before, 'site_session_summary.csv')} | ${rows(now, 'site_session_summary.csv')} |`,
    );
    // An analyst-tier table with the same rows, and files that are not tables: not listed.
    expect(secondChanges).not.toContain('| redcap_dictionary.csv |');
    expect(secondChanges).not.toContain('report.html');
  });

  it('stays byte-identical when the second release is rerun', async () => {
    const { manifest } = await aggregate({
      out,
      from: secondExport,
      secret: 'changes-test',
      releaseId: '2027-04-20',
      clock: () => new Date('2027-04-21T09:00:00Z'),
    });
    expect(manifest.releaseId).toBe('2027-04-20');
    expect(await readFile(join(out, 'releases', '2027-04-20', 'changes.md'), 'utf8')).toBe(secondChanges);
  });
});
