import { codedLevels, headerLines, type LoaderTable, variableNames } from './common.ts';

// load.sps: SPSS syntax that GNU PSPP runs. Per table: GET DATA reads the CSV (empty cells are
// system-missing), categorical and true/false columns are read as text and recoded to numeric
// codes (levels 1…n in codebook order; false 0, true 1) that carry VALUE LABELS, every variable gets
// its VARIABLE LABEL, and SAVE OUTFILE writes NAME.sav with the columns in file order.

/** An SPSS string literal in double quotes. */
const sps = (text: string): string => `"${text.replaceAll('"', '""')}"`;

const TEXT_SUFFIX = '__text';
/** Width of free text columns (pseudonyms, site ids on rows without levels). */
const TEXT_WIDTH = 64;

const utf8Length = (text: string): number => Buffer.byteLength(text, 'utf8');

function tableBlock(table: LoaderTable): string {
  const names = variableNames(table);
  const read = table.columns.map((column, i) => {
    const coded = codedLevels(column);
    if (coded) {
      const width = Math.max(1, ...coded.map((level) => utf8Length(level.value)));
      return `    ${names[i]}${TEXT_SUFFIX} A${width}`;
    }
    switch (column.type) {
      case 'integer':
        return `    ${names[i]} F8.0`;
      case 'number':
        return `    ${names[i]} F16.6`;
      default:
        return `    ${names[i]} A${TEXT_WIDTH}`;
    }
  });
  const lines = [
    `* ${table.name} (${table.tier} tier).`,
    // UTF8 is the spelling SPSS documents; GNU PSPP accepts it too.
    `GET DATA /TYPE=TXT /FILE=${sps(table.csv)} /ENCODING="UTF8"`,
    '  /ARRANGEMENT=DELIMITED /DELCASE=LINE /FIRSTCASE=2 /DELIMITERS="," /QUALIFIER=\'"\'',
    '  /VARIABLES=',
    `${read.join('\n')}.`,
  ];
  const valueLabels: string[] = [];
  table.columns.forEach((column, i) => {
    const coded = codedLevels(column);
    if (!coded) return;
    const name = names[i]!;
    lines.push(
      `RECODE ${name}${TEXT_SUFFIX} ${coded.map((level) => `(${sps(level.value)}=${level.code})`).join(' ')} INTO ${name}.`,
      `FORMATS ${name} (F${String(coded.length).length + 1}.0).`,
    );
    valueLabels.push(`  /${name} ${coded.map((level) => `${level.code} ${sps(level.label)}`).join(' ')}`);
  });
  lines.push(
    'VARIABLE LABELS',
    `${table.columns.map((column, i) => `  ${i ? '/' : ''}${names[i]} ${sps(column.label)}`).join('\n')}.`,
  );
  if (valueLabels.length) {
    lines.push('VALUE LABELS', `${valueLabels.join('\n').replace('  /', '  ')}.`);
    // Codes name categories: nominal, so that SPSS offers them as factors, not as quantities.
    const coded = table.columns.flatMap((column, i) => (codedLevels(column) ? [names[i]!] : []));
    lines.push(`VARIABLE LEVEL ${coded.join(' ')} (NOMINAL).`);
  }
  lines.push(`SAVE OUTFILE=${sps(`${table.name}.sav`)}`, `  /KEEP=${names.join(' ')}.`);
  return lines.join('\n');
}

/** SPSS syntax that loads the given tables and saves each as a .sav file. */
export function loadSps(tables: readonly LoaderTable[], command: string): string {
  return `${[
    ...headerLines(
      `${command}   (in SPSS: CD to the folder, then INSERT FILE='${command.split(' ')[1]}'.)`,
      tables,
    ).map((line) => `* ${line}`),
    '* Categorical columns are numeric codes with value labels in codebook order; true/false are 1/0.',
    'SET DECIMAL=DOT.',
    '',
    ...tables.flatMap((table) => [tableBlock(table), '']),
  ].join('\n')}`;
}
