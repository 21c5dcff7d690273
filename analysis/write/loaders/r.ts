import type { ColumnType } from '../../columns.ts';
import { headerLines, type LoaderTable } from './common.ts';

// load.R: base R only. Every table whose CSV is in the folder becomes a data frame named after its
// file, with the codebook's column classes, factors with its levels in order, logicals, and a
// `label` attribute per column. `Rscript load.R --rds` (or `save_rds()` after sourcing) also writes
// one .rds per table.

const R_CLASS: Record<ColumnType, string> = {
  string: 'character',
  integer: 'integer',
  number: 'numeric',
  boolean: 'logical',
};

/** An R string literal, ASCII only (non-ASCII as \u escapes), so the file reads the same in any locale. */
export function rString(text: string): string {
  let out = '"';
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (char === '"' || char === '\\') out += `\\${char}`;
    else if (char === '\n') out += '\\n';
    else if (code < 0x20 || code > 0x7e)
      out += code > 0xffff ? `\\U{${code.toString(16)}}` : `\\u${code.toString(16).padStart(4, '0')}`;
    else out += char;
  }
  return `${out}"`;
}

/** `c(a = "x", `self-care` = "y")`: a named character vector (names back-quoted when needed). */
function named(entries: readonly [string, string][], indent: string): string {
  const key = (name: string): string => (/^[A-Za-z][A-Za-z0-9_.]*$/.test(name) ? name : `\`${name}\``);
  return `c(\n${entries.map(([name, value]) => `${indent}  ${key(name)} = ${value}`).join(',\n')}\n${indent})`;
}

function tableBlock(table: LoaderTable): string {
  const classes = named(
    table.columns.map((column) => [column.name, rString(R_CLASS[column.type])]),
    '    ',
  );
  const factors = table.columns.filter((column) => column.levels);
  const levels = factors.length
    ? `list(\n${factors
        .map(
          (column) =>
            `      \`${column.name}\` = c(${column.levels!.map((level) => rString(level.value)).join(', ')})`,
        )
        .join(',\n')}\n    )`
    : 'list()';
  const labels = named(
    table.columns.map((column) => [column.name, rString(column.label)]),
    '    ',
  );
  return [
    `if (file.exists(${rString(table.csv)})) {`,
    `  ${table.name} <- .tandem_read(`,
    `    ${rString(table.csv)},`,
    `    classes = ${classes},`,
    `    levels = ${levels},`,
    `    labels = ${labels}`,
    '  )',
    `  .tandem_tables <- c(.tandem_tables, ${rString(table.name)})`,
    '}',
  ].join('\n');
}

/** load.R for the given tables. */
export function loadR(tables: readonly LoaderTable[]): string {
  return `${[
    ...headerLines('source("load.R")   (Rscript load.R --rds also writes one .rds per table)', tables).map(
      (line) => `# ${line}`,
    ),
    '# A table is loaded when its CSV is in the folder (analyst-tier files only for approved analysts).',
    '',
    '.tandem_read <- function(file, classes, levels, labels) {',
    '  table <- utils::read.csv(file, colClasses = classes, na.strings = "", check.names = FALSE,',
    '    fileEncoding = "UTF-8", stringsAsFactors = FALSE)',
    '  for (name in names(levels)) table[[name]] <- factor(table[[name]], levels = levels[[name]])',
    '  for (name in names(labels)) attr(table[[name]], "label") <- labels[[name]]',
    '  table',
    '}',
    '.tandem_tables <- character()',
    '',
    ...tables.map(tableBlock),
    '',
    '# Writes each loaded table to NAME.rds in the working directory.',
    'save_rds <- function(tables = .tandem_tables) {',
    '  for (name in tables) saveRDS(get(name), paste0(name, ".rds"))',
    '  invisible(paste0(tables, ".rds"))',
    '}',
    'if ("--rds" %in% commandArgs(trailingOnly = TRUE)) save_rds()',
  ].join('\n')}\n`;
}
