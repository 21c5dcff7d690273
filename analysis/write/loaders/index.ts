import type { FileDef } from '../../columns.ts';
import { type LoaderFile, loaderTables } from './common.ts';
import { loadPy } from './pandas.ts';
import { loadR } from './r.ts';
import { loadSps } from './spss.ts';
import { loadDo } from './stata.ts';

// The loaders of a release (DESIGN §8), from the file definitions with the study's levels. R,
// Stata and pandas load whichever tables' CSVs are present, so one open-tier loader also serves an
// analyst who has downloaded scores_long. SPSS syntax cannot test whether a file exists, so
// load.sps holds the open tier and the analyst-tier load_analyst.sps the analyst-tier tables.

export type { LoaderFile } from './common.ts';

/** load.R, load.py, load.do, load.sps and load_analyst.sps for the given tabular files. */
export function loaderFiles(files: readonly FileDef[]): LoaderFile[] {
  const tables = loaderTables(files);
  const open = tables.filter((table) => table.tier === 'open');
  const analyst = tables.filter((table) => table.tier === 'analyst');
  return [
    { name: 'load.R', tier: 'open', body: loadR(tables) },
    { name: 'load.sps', tier: 'open', body: loadSps(open, 'pspp load.sps') },
    { name: 'load.do', tier: 'open', body: loadDo(tables) },
    { name: 'load.py', tier: 'open', body: loadPy(tables) },
    ...(analyst.length
      ? [
          {
            name: 'load_analyst.sps',
            tier: 'analyst' as const,
            body: loadSps(analyst, 'pspp load_analyst.sps'),
          },
        ]
      : []),
  ];
}
