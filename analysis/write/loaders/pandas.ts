import type { ColumnType } from '../../columns.ts';
import { headerLines, type LoaderColumn, type LoaderTable } from './common.ts';

// load.py: pandas. Every table whose CSV is next to the module becomes a module-level DataFrame
// named after its file: ordered categoricals with the codebook's levels, nullable Int64 integers,
// nullable booleans, float64 numbers, pandas strings; the codebook's meanings in `df.attrs["labels"]`.

const DTYPE: Record<ColumnType, string> = {
  string: '"string"',
  integer: '"Int64"',
  number: '"float64"',
  boolean: '"boolean"',
};

/** A Python string literal (JSON's escapes are valid Python). */
const py = (text: string): string => JSON.stringify(text);

function dtype(column: LoaderColumn): string {
  if (!column.levels) return DTYPE[column.type];
  return `pd.CategoricalDtype([${column.levels.map((level) => py(level.value)).join(', ')}], ordered=True)`;
}

function tableBlock(table: LoaderTable): string {
  return [
    `if (_HERE / ${py(table.csv)}).exists():`,
    `    ${table.name} = _read(`,
    `        ${py(table.csv)},`,
    '        {',
    ...table.columns.map((column) => `            ${py(column.name)}: ${dtype(column)},`),
    '        },',
    '        {',
    ...table.columns.map((column) => `            ${py(column.name)}: ${py(column.label)},`),
    '        },',
    '    )',
    `    __all__.append(${py(table.name)})`,
  ].join('\n');
}

/** load.py for the given tables. */
export function loadPy(tables: readonly LoaderTable[]): string {
  return `${[
    '"""',
    ...headerLines('python3 -i load.py   (or, in Python started there: from load import *)', tables),
    'A table is loaded when its CSV is next to this file (analyst-tier files only for approved analysts).',
    '"""',
    '',
    'from pathlib import Path',
    '',
    'import pandas as pd',
    '',
    '_HERE = Path(__file__).resolve().parent',
    '__all__ = []',
    '',
    '',
    'def _read(file, dtypes, labels):',
    '    # round_trip: the numbers exactly as written (the default parser may differ in the last digit).',
    '    table = pd.read_csv(',
    '        _HERE / file,',
    '        dtype=dtypes,',
    '        keep_default_na=False,',
    '        na_values=[""],',
    '        encoding="utf-8",',
    '        float_precision="round_trip",',
    '    )',
    '    table.attrs["labels"] = labels',
    '    return table',
    '',
    '',
    ...tables.flatMap((table) => [tableBlock(table), '']),
    '',
    'if __name__ == "__main__":',
    '    for _name in __all__:',
    '        print(f"{_name}: {len(globals()[_name])} rows, {len(globals()[_name].columns)} columns")',
  ].join('\n')}\n`;
}
