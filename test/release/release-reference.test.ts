import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { type ColumnDef, OPEN_FILES } from '../../analysis/columns.ts';
import { aggregate } from '../../analysis/publish.ts';
import { readReference } from '../../analysis/stats/reference.ts';

// The whole release against R: test/reference/release.R computes every open-tier file from the
// raw export in test/fixtures/release-reference/ (DESIGN §8–§9 written out in R: scoring, grouping,
// statistics, suppression and row order), and this test compares each file of `tandem aggregate`
// on the same export with it, cell by cell. No refactor of the pipeline can change a number, a
// suppressed cell or a row's place unnoticed. Tolerances are DESIGN §9's.

type Cell = string | number | boolean | null;
interface Reference {
  k: number;
  files: Record<string, Record<string, Cell>[]>;
}

const FROM = fileURLToPath(new URL('../fixtures/release-reference/', import.meta.url));
const reference = readReference<Reference>('release');

async function release(out: string, threads = 1): Promise<Map<string, Buffer>> {
  const { manifest } = await aggregate({
    from: FROM,
    out,
    threads,
    releaseId: '2027-05-01',
    secret: 'reference-secret',
    clock: () => new Date('2027-05-01T02:00:00Z'),
  });
  const dir = join(out, 'releases', manifest.releaseId);
  const files = new Map<string, Buffer>();
  for (const name of (await readdir(dir)).sort()) files.set(name, await readFile(join(dir, name)));
  return files;
}

/** Rows of a release CSV as text cells (open-tier files hold no quoted cells). */
function parseCsv(text: string): { header: string[]; rows: string[][] } {
  expect(text).not.toContain('"');
  const [header, ...lines] = text.trimEnd().split('\n');
  return { header: header!.split(','), rows: lines.map((line) => line.split(',')) };
}

/** Absolute tolerance for one numeric cell: DESIGN §9 (ICC 1e-4 absolute, variances 1e-3 relative). */
function tolerance(file: string, column: string, expected: number): number {
  if (file === 'icc.csv' && column === 'icc') return 1e-4;
  if (file === 'icc.csv' && column === 'variance') return 1e-3 * Math.abs(expected);
  return 1e-6 * Math.max(1, Math.abs(expected));
}

function expectCell(file: string, column: ColumnDef, actual: string, expected: Cell, where: string): void {
  if (expected === null) {
    expect(actual, where).toBe('');
    return;
  }
  switch (column.type) {
    case 'number': {
      expect(actual, where).not.toBe('');
      const value = Number(actual);
      expect(
        Math.abs(value - (expected as number)),
        `${where}: ${actual} vs R ${expected}`,
      ).toBeLessThanOrEqual(tolerance(file, column.name, expected as number));
      return;
    }
    case 'integer':
      expect(Number(actual), where).toBe(expected);
      return;
    case 'boolean':
      expect(actual, where).toBe(String(expected));
      return;
    case 'string':
      expect(actual, where).toBe(expected);
  }
}

describe('a whole release against R (test/reference/release.R)', () => {
  let files: Map<string, Buffer>;
  beforeAll(async () => {
    files = await release(await mkdtemp(join(tmpdir(), 'tandem-reference-')));
  }, 60_000);

  it('suppresses with the k of the study that R used', () => {
    expect(reference.k).toBe(5);
  });

  it.each(OPEN_FILES.map((file) => [file.name, file] as const))(
    '%s has R’s rows in R’s order, every cell within DESIGN §9 tolerance',
    (name, file) => {
      const expected = reference.files[name]!;
      const { header, rows } = parseCsv(files.get(name)!.toString('utf8'));
      expect(header).toEqual(file.columns.map((column) => column.name));
      const keyOf = (cells: readonly Cell[]) => file.keyColumns.map((key) => cells[header.indexOf(key)]);
      expect(rows.map((row) => keyOf(row.map((cell) => cell)).join('|'))).toEqual(
        expected.map((row) => keyOf(header.map((column) => row[column] ?? '')).join('|')),
      );
      rows.forEach((row, index) => {
        file.columns.forEach((column, c) => {
          const where = `${name} row ${index + 1} (${keyOf(row).join(' ')}) ${column.name}`;
          expectCell(name, column, row[c]!, expected[index]![column.name] ?? null, where);
        });
      });
    },
  );

  it('holds suppressed rows, so the comparison covers suppression too', () => {
    const suppressed = Object.values(reference.files)
      .flat()
      .filter((row) => row.suppressed === true);
    expect(suppressed.length).toBeGreaterThan(0);
  });

  it('gives the same bytes when responses are parsed and scores_long rendered on other threads', async () => {
    const threaded = await release(await mkdtemp(join(tmpdir(), 'tandem-reference-')), 3);
    expect([...threaded.keys()]).toEqual([...files.keys()]);
    for (const [name, bytes] of files)
      if (name !== 'manifest.json') expect(threaded.get(name)!.equals(bytes), name).toBe(true);
    // The workers hash what they render: the manifest lists the same sizes and digests.
    const listed = (manifest: Buffer | undefined) => JSON.parse(String(manifest)).files;
    expect(listed(threaded.get('manifest.json'))).toEqual(listed(files.get('manifest.json')));
  }, 60_000);

  it('gives byte-identical files when the same release is computed again', async () => {
    const again = await release(await mkdtemp(join(tmpdir(), 'tandem-reference-')));
    expect([...again.keys()]).toEqual([...files.keys()]);
    for (const [name, bytes] of files)
      if (name !== 'manifest.json') expect(again.get(name)!.equals(bytes), name).toBe(true);
  }, 60_000);
});
