import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateStudy } from '../../analysis/demo/generate.ts';
import { writeRawExport } from '../../analysis/demo/write.ts';
import { aggregate } from '../../analysis/publish.ts';
import { DEMO_SEED } from '../../infra/local/demo.ts';

// docs/security.md, "an analyst matching dyads across releases": per-release pseudonyms change every
// night, but a dyad's rows in scores_long do not. This test measures how many dyads of one nightly
// release an analyst can match, by their rows alone, to exactly one dyad of the next — on the demo
// study `tandem dev` seeds. It states a limit of the design, so it asserts what holds today.

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

describe('matching dyads across two nightly releases by their rows', () => {
  it('matches every dyad of one demo release to exactly one dyad of the next', async () => {
    const study = generateStudy({ sites: 3, dyads: 60, seed: DEMO_SEED });
    const days = [...new Set(study.responses.map((response) => response.submittedOn))].sort();
    const lastNight = days[days.length - 1]!;
    const dirs = await Promise.all(
      ['before', 'after', 'out'].map((name) => mkdtemp(join(tmpdir(), `tandem-linkage-${name}-`))),
    );
    const [before, after, out] = dirs as [string, string, string];
    try {
      // Release one: everything up to the day before the last; release two, the next night, adds that day.
      await writeRawExport(before, {
        ...study,
        responses: study.responses.filter((response) => response.submittedOn < lastNight),
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
        return rowsByDyad(parse(await readFile(join(out, 'releases', releaseId, 'scores_long.csv'), 'utf8')));
      };
      const first = await release(before, '2026-11-24');
      const second = await release(after, '2026-11-25');

      // The pseudonyms differ…
      const shared = [...first.keys()].filter((pseudonym) => second.has(pseudonym));
      expect(shared).toEqual([]);
      // …but each dyad's earlier rows are contained in the rows of one dyad, and only one, of the next.
      let unique = 0;
      for (const rows of first.values()) {
        const candidates = [...second.values()].filter((later) => [...rows].every((row) => later.has(row)));
        if (candidates.length === 1) unique++;
      }
      // 58 of the 60 demo dyads have answers by then (docs/security.md quotes these numbers).
      expect(first.size).toBe(58);
      expect(unique).toBe(first.size);
    } finally {
      await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
    }
  }, 60_000);
});
