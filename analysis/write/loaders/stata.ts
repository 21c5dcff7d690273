import { codedLevels, headerLines, type LoaderColumn, type LoaderTable, variableNames } from './common.ts';

// load.do: Stata. Per table whose CSV is present: `import delimited` with every column's type
// fixed (stringcols/numericcols), variables renamed from v1…vN to the column names, categorical
// columns recoded to numeric codes 1…n in codebook order with a value label of the same name,
// true/false to 1/0, a variable label per column, and `save NAME.dta`.

/** Stata allows 80 characters in a variable label. */
const LABEL_LENGTH = 80;

/** A Stata compound-quoted string; backquotes and dollar signs would start macro expansion. */
function dta(text: string): string {
  return `\`"${text.replaceAll('`', "'").replaceAll('$', 'S')}"'`;
}

const shorten = (text: string): string =>
  [...text].length <= LABEL_LENGTH ? text : `${[...text].slice(0, LABEL_LENGTH - 1).join('')}…`;

function tableBlock(table: LoaderTable): string {
  const names = variableNames(table);
  const positions = (test: (column: LoaderColumn) => boolean): string =>
    table.columns.flatMap((column, i) => (test(column) ? [String(i + 1)] : [])).join(' ');
  const textColumns = positions((column) => column.type === 'string' || column.type === 'boolean');
  const numberColumns = positions((column) => column.type === 'integer' || column.type === 'number');
  const lines = [
    `* ${table.name} (${table.tier} tier)`,
    `capture confirm file "${table.csv}"`,
    'if _rc == 0 {',
    `    import delimited using "${table.csv}", clear varnames(nonames) rowrange(2) delimiters(",") bindquote(strict) encoding("utf-8")${textColumns ? ` stringcols(${textColumns})` : ''}${numberColumns ? ` numericcols(${numberColumns})` : ''}`,
    `    rename (${names.map((_, i) => `v${i + 1}`).join(' ')}) (${names.join(' ')})`,
  ];
  table.columns.forEach((column, i) => {
    const levels = codedLevels(column);
    if (!levels) return;
    const name = names[i]!;
    lines.push(
      `    generate byte ${name}__code = .`,
      ...levels.map((level) => `    replace ${name}__code = ${level.code} if ${name} == ${dta(level.value)}`),
      `    drop ${name}`,
      `    rename ${name}__code ${name}`,
      `    label define ${name} ${levels.map((level) => `${level.code} ${dta(level.label)}`).join(' ')}, replace`,
      `    label values ${name} ${name}`,
    );
  });
  lines.push(
    `    order ${names.join(' ')}`,
    ...table.columns.map((column, i) => `    label variable ${names[i]} ${dta(shorten(column.label))}`),
    `    save "${table.name}.dta", replace`,
    '}',
  );
  return lines.join('\n');
}

/** load.do for the given tables. */
export function loadDo(tables: readonly LoaderTable[]): string {
  return `${[
    ...headerLines('do load.do', tables).map((line) => `* ${line}`),
    '* A table is loaded when its CSV is in the folder; each is saved as NAME.dta, the last one stays in memory.',
    '* Categorical columns are numeric codes with value labels in codebook order; true/false are 1/0.',
    'version 16',
    '',
    ...tables.flatMap((table) => [tableBlock(table), '']),
  ].join('\n')}`;
}
