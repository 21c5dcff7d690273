import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateStudy } from '../../analysis/demo/generate.ts';
import { writeRawExport } from '../../analysis/demo/write.ts';
import { aggregate } from '../../analysis/publish.ts';
import { DEMO_SEED } from '../../infra/local/demo.ts';

// docs/security.md, two limits of nightly releases, measured on the demo study `tandem dev` seeds
// (release two, the next night, holds one more response than release one). Per-release
// pseudonyms change every night, but a dyad's rows in scores_long do not: an analyst matches dyads
// across releases by their rows. And suppression holds within one release only: an open-tier row
// whose n grew by one overnight gives that one response away. These tests assert what holds today.

type Row = Record<string, string>;

function parse(csv: string): Row[] {
  const [header, ...lines] = csv.trimEnd().split('\n');
  const names = header!.split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((cell, i) => [names[i]!, cell])));
}

/** scores_long rows per dyad pseudonym, each row without its pseudonyms. */
function rowsByDyad(rows: Row[]): Map<string, Set<string>> {
  const byDyad = new Map<string, Set<string>>();
  for (const { dyad, therapist: _therapist, ...rest } of rows) {
    if (!dyad) continue;
    const set = byDyad.get(dyad) ?? new Set<string>();
    set.add(JSON.stringify(rest));
    byDyad.set(dyad, set);
  }
  return byDyad;
}

interface Releases {
  /** scores_long rows per dyad pseudonym, first and second night. */
  first: Map<string, Set<string>>;
  second: Map<string, Set<string>>;
  summary: [Row[], Row[]];
  secondScores: Row[];
}

let releases: Releases;
let dirs: string[] = [];

beforeAll(async () => {
  const study = generateStudy({ sites: 3, dyads: 60, seed: DEMO_SEED });
  // Overnight one client answers the session-1 alliance questionnaire: the latest such response is
  // missing from release one and present in release two, with everything else the same.
  const arriving = study.responses
    .filter((response) => response.instrument === 'alliance-client' && response.session === 1)
    .sort((a, b) => a.submittedOn.localeCompare(b.submittedOn))
    .at(-1)!;
  dirs = await Promise.all(
    ['before', 'after', 'out'].map((name) => mkdtemp(join(tmpdir(), `tandem-linkage-${name}-`))),
  );
  const [before, after, out] = dirs as [string, string, string];
  await writeRawExport(before, {
    ...study,
    responses: study.responses.filter((response) => response !== arriving),
  });
  await writeRawExport(after, study);
  const release = async (from: string, releaseId: string) => {
    await aggregate({
      from,
      out,
      releaseId,
      secret: 'demo',
      clock: () => new Date(`${releaseId}T02:30:00Z`),
    });
    const read = async (name: string) =>
      parse(await readFile(join(out, 'releases', releaseId, name), 'utf8'));
    return { scores: await read('scores_long.csv'), summary: await read('site_session_summary.csv') };
  };
  const first = await release(before, '2026-11-24');
  const second = await release(after, '2026-11-25');
  releases = {
    first: rowsByDyad(first.scores),
    second: rowsByDyad(second.scores),
    summary: [first.summary, second.summary],
    secondScores: second.scores,
  };
}, 60_000);

afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('two consecutive nightly releases of the demo study', () => {
  it('let an analyst match every dyad of one to exactly one dyad of the next by its rows', () => {
    const { first, second } = releases;
    // The pseudonyms differ…
    expect([...first.keys()].filter((pseudonym) => second.has(pseudonym))).toEqual([]);
    // …but each dyad's earlier rows are contained in the rows of one dyad, and only one, of the next.
    let unique = 0;
    for (const rows of first.values()) {
      const candidates = [...second.values()].filter((later) => [...rows].every((row) => later.has(row)));
      if (candidates.length === 1) unique++;
    }
    // 58 of the 60 demo dyads have answers by then (docs/security.md quotes these numbers).
    // 58 of the 60 demo dyads have answers (docs/security.md quotes these numbers).
    expect(first.size).toBe(58);
    expect(unique).toBe(first.size);
  });

  it('let a researcher recover a new response exactly from two open-tier summaries', () => {
    const [before, after] = releases.summary;
    const key = (row: Row) => [row.site, row.session, row.role, row.instrument, row.scale].join('|');
    const earlier = new Map(before.map((row) => [key(row), row]));
    // Rows of the second release that no dyad of the first holds: the night's new responses.
    const old = new Set([...releases.first.values()].flatMap((rows) => [...rows]));
    const fresh = releases.secondScores.filter(
      ({ dyad, therapist: _t, ...rest }) => dyad !== '' && !old.has(JSON.stringify(rest)),
    );
    let recovered = 0;
    for (const row of after) {
      const was = earlier.get(key(row));
      // Dyad-level rows (the fresh rows above are matched by dyad).
      if (row.instrument === 'therapist-wellbeing') continue;
      if (row.suppressed !== 'false' || was?.suppressed !== 'false') continue;
      if (Number(row.n) !== Number(was.n) + 1) continue;
      const value = Number(row.n) * Number(row.mean) - Number(was.n) * Number(was.mean);
      const truth = fresh.find(
        (r) =>
          (row.site === 'ALL' || r.site === row.site) &&
          r.session === row.session &&
          r.role === row.role &&
          r.instrument === row.instrument,
      );
      expect(truth, key(row)).toBeDefined();
      expect(value).toBeCloseTo(Number(truth![row.scale!]), 9);
      recovered++;
    }
    expect(fresh.map((r) => [r.role, r.session, r.instrument])).toEqual([['client', '1', 'alliance-client']]);
    // Its site's row and the ALL row, for the total and each subscale.
    expect(recovered).toBe(8);
  });
});
