import { execFileSync } from 'node:child_process';
import { cp, mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CodebookColumn, CodebookFile } from '../../analysis/write/codebook.ts';
import { variableNames } from '../../analysis/write/loaders/common.ts';
import { csvRows, type DemoRelease, demoRelease } from './demo-release.ts';

// The loaders of a demo release, run by the real tools: Rscript, GNU PSPP (read back with R's
// haven) and Debian's python3 with pandas. Stata is not available here: load.do is checked for its
// structure against the codebook.

const HERE = new URL('.', import.meta.url).pathname;
const NA = '\\N';

let release: DemoRelease;
/** A copy of the release folder in which a loader may write its outputs. */
async function workFolder(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tandem-loader-'));
  await cp(release.dir, dir, { recursive: true });
  return dir;
}
const run = (command: string, args: string[], cwd: string): string =>
  execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const tableOf = (file: CodebookFile): string => file.name.replace(/\.csv$/, '');
const tabbed = (output: string, tag: string): string[][] =>
  output
    .split('\n')
    .filter((line) => line.startsWith(`${tag}\t`))
    .map((line) => line.split('\t').slice(1));

beforeAll(async () => {
  release = await demoRelease();
}, 120_000);

/** The CSV's cell as R or haven prints it back: missing as \N, numbers as their value. */
function sameCell(csvCell: string, loaded: string, column: CodebookColumn): boolean {
  if (csvCell === '') return loaded === NA;
  if (column.type === 'integer' || column.type === 'number') return Number(loaded) === Number(csvCell);
  return loaded === csvCell;
}

describe('load.R', () => {
  let output: string;
  beforeAll(async () => {
    output = run('Rscript', [join(HERE, 'loaders-check.R')], await workFolder());
  }, 60_000);

  it('loads every table with the codebook classes, factor levels in order and labels', () => {
    const columns = tabbed(output, 'COL');
    for (const file of release.codebook) {
      const loaded = columns.filter(([table]) => table === tableOf(file));
      expect(
        loaded.map(([, name]) => name),
        file.name,
      ).toEqual(file.columns.map((c) => c.name));
      for (const column of file.columns) {
        const [, , rClass, label, levels] = loaded.find(([, name]) => name === column.name)!;
        const expected = column.levels
          ? 'factor'
          : { string: 'character', integer: 'integer', number: 'numeric', boolean: 'logical' }[column.type];
        expect(rClass, `${file.name} ${column.name}`).toBe(expected);
        expect(label).toBe(column.meaning);
        expect(levels).toBe(column.levels ? column.levels.map((l) => l.value).join('|') : '');
      }
    }
  });

  it('gives site_session_summary exactly the values of its CSV', async () => {
    const file = release.codebook.find((f) => f.name === 'site_session_summary.csv')!;
    const [header, ...rows] = csvRows(await release.read(file.name));
    expect(header).toEqual(file.columns.map((c) => c.name));
    const loaded = tabbed(output, 'ROW');
    expect(loaded).toHaveLength(rows.length);
    rows.forEach((row, i) => {
      row.forEach((cell, c) => {
        expect(sameCell(cell, loaded[i]![c]!, file.columns[c]!), `row ${i + 1} ${header![c]}`).toBe(true);
      });
    });
  });

  it('writes one .rds per table on request', async () => {
    const dir = await workFolder();
    run('Rscript', ['load.R', '--rds'], dir);
    const rds = (await readdir(dir)).filter((name) => name.endsWith('.rds')).sort();
    expect(rds).toEqual(release.codebook.map((f) => `${tableOf(f)}.rds`).sort());
  });
});

describe('load.sps in GNU PSPP', () => {
  let output: string;
  beforeAll(async () => {
    const dir = await workFolder();
    run('pspp', ['load.sps'], dir);
    run('pspp', ['load_analyst.sps'], dir);
    output = run('Rscript', [join(HERE, 'sav-check.R')], dir);
  }, 60_000);

  it('saves a .sav per table whose variables carry the codebook labels and value labels', () => {
    const variables = tabbed(output, 'VAR');
    for (const file of release.codebook) {
      const saved = variables.filter(([table]) => table === tableOf(file));
      expect(
        saved.map(([, name]) => name),
        file.name,
      ).toEqual(file.columns.map((c) => c.name.replace(/[^A-Za-z0-9_]/g, '_')));
      file.columns.forEach((column, i) => {
        const [, , label, valueLabels] = saved[i]!;
        expect(label, `${file.name} ${column.name}`).toBe(column.meaning);
        const expected = column.levels
          ? column.levels.map((level, code) => `${code + 1}=${level.label}`).join('|')
          : column.type === 'boolean'
            ? '0=false|1=true'
            : '';
        expect(valueLabels, `${file.name} ${column.name}`).toBe(expected);
      });
    }
  });

  it('stores site_session_summary with level codes, 1/0 flags and system-missing empty cells', async () => {
    const file = release.codebook.find((f) => f.name === 'site_session_summary.csv')!;
    const [, ...rows] = csvRows(await release.read(file.name));
    const saved = tabbed(output, 'ROW');
    expect(saved).toHaveLength(rows.length);
    rows.forEach((row, i) => {
      row.forEach((cell, c) => {
        const column = file.columns[c]!;
        const value = saved[i]![c]!;
        if (column.levels) expect(column.levels[Number(value) - 1]?.value).toBe(cell);
        else if (column.type === 'boolean') expect(value).toBe(cell === 'true' ? '1' : '0');
        else expect(sameCell(cell, value, column), `row ${i + 1} ${column.name}: ${value}`).toBe(true);
      });
    });
  });
});

describe('load.py with pandas', () => {
  interface Loaded {
    tables: Record<
      string,
      Record<string, { dtype: string; categories: string[] | null; ordered: boolean | null; label: string }>
    >;
    site_session_summary: (string | number | boolean | null)[][];
  }
  let loaded: Loaded;
  beforeAll(async () => {
    const dir = await workFolder();
    await cp(join(HERE, 'pandas-check.py'), join(dir, 'pandas-check.py'));
    loaded = JSON.parse(run('/usr/bin/python3', ['pandas-check.py'], dir)) as Loaded;
  }, 60_000);

  it('runs as a script and names every table it loaded', async () => {
    const printed = run('/usr/bin/python3', ['load.py'], release.dir);
    expect(
      printed
        .split('\n')
        .filter(Boolean)
        .map((line) => line.split(':')[0]),
    ).toEqual(release.codebook.map(tableOf));
  });

  it('gives every column the dtype of the codebook: ordered categoricals, Int64, float64, boolean, string', () => {
    for (const file of release.codebook) {
      const table = loaded.tables[tableOf(file)]!;
      expect(Object.keys(table), file.name).toEqual(file.columns.map((c) => c.name));
      for (const column of file.columns) {
        const got = table[column.name]!;
        const expected = column.levels
          ? 'category'
          : { string: 'string', integer: 'Int64', number: 'float64', boolean: 'boolean' }[column.type];
        expect(got.dtype, `${file.name} ${column.name}`).toBe(expected);
        expect(got.label).toBe(column.meaning);
        if (column.levels) {
          expect(got.categories).toEqual(column.levels.map((l) => l.value));
          expect(got.ordered).toBe(true);
        }
      }
    }
  });

  it('gives site_session_summary exactly the values of its CSV', async () => {
    const file = release.codebook.find((f) => f.name === 'site_session_summary.csv')!;
    const [, ...rows] = csvRows(await release.read(file.name));
    expect(loaded.site_session_summary).toEqual(
      rows.map((row) =>
        row.map((cell, c) => {
          const column = file.columns[c]!;
          if (cell === '') return null;
          if (column.type === 'boolean') return cell === 'true';
          return column.type === 'integer' || column.type === 'number' ? Number(cell) : cell;
        }),
      ),
    );
  });
});

describe('load.do', () => {
  it('imports each table with every column typed once, renames, labels and saves it', async () => {
    const doFile = await release.read('load.do');
    for (const file of release.codebook) {
      const table = tableOf(file);
      const start = doFile.indexOf(`capture confirm file "${file.name}"`);
      expect(start, file.name).toBeGreaterThan(-1);
      const block = doFile.slice(start, doFile.indexOf('\n}\n', start));
      const list = (option: string): number[] =>
        (new RegExp(`${option}\\(([\\d ]+)\\)`).exec(block)?.[1] ?? '')
          .split(' ')
          .filter(Boolean)
          .map(Number);
      const typed = [...list('stringcols'), ...list('numericcols')].sort((a, b) => a - b);
      expect(typed, file.name).toEqual(file.columns.map((_, i) => i + 1));
      const names = file.columns.map((c) => c.name.replace(/[^A-Za-z0-9_]/g, '_'));
      expect(block).toContain(`rename (${names.map((_, i) => `v${i + 1}`).join(' ')}) (${names.join(' ')})`);
      file.columns.forEach((column, i) => {
        const name = names[i]!;
        expect(block).toContain(`label variable ${name} \`"`);
        if (column.levels) {
          column.levels.forEach((level, code) => {
            expect(block).toContain(`replace ${name}__code = ${code + 1} if ${name} == \`"${level.value}"'`);
          });
          expect(block).toContain(`label values ${name} ${name}`);
        }
      });
      expect(block).toContain(`save "${table}.dta", replace`);
    }
  });
});

describe('variableNames', () => {
  const table = (...names: string[]) => ({
    name: 't',
    csv: 't.csv',
    tier: 'open' as const,
    columns: names.map((name) => ({ name, type: 'number' as const, label: name })),
  });

  it('turns column names into SPSS and Stata names', () => {
    expect(variableNames(table('self-care', '2nd', 'to', 'total'))).toEqual([
      'self_care',
      'v_2nd',
      'to_',
      'total',
    ]);
  });

  it('refuses two columns that would get one name', () => {
    expect(() => variableNames(table('self-care', 'self_care'))).toThrow(
      /two columns become variable self_care/,
    );
  });
});
