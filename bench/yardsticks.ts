import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { BUILTIN_INSTRUMENTS } from '../shared/instruments/builtins.ts';
import { scaleItems } from '../shared/instruments/score.ts';

/**
 * The single-pass Node yardstick of DESIGN §11: read responses.jsonl, JSON.parse each line and sum
 * the answers per (site, session, role, instrument). Lines are split by hand from 1 MB chunks
 * (faster than readline, so the yardstick is a strict one). Returns the number of groups so the
 * work cannot be optimised away.
 */
export async function singlePassLoop(dir: string): Promise<number> {
  const totals = new Map<string, number>();
  let rest = '';
  const chunks = createReadStream(join(dir, 'responses.jsonl'), { encoding: 'utf8', highWaterMark: 1 << 20 });
  for await (const chunk of chunks) {
    const text = rest + (chunk as string);
    let start = 0;
    for (let end = text.indexOf('\n', start); end !== -1; end = text.indexOf('\n', start)) {
      const line = text.slice(start, end);
      start = end + 1;
      if (line === '') continue;
      const response = JSON.parse(line) as {
        siteId: string;
        session: number;
        role: string;
        instrument: string;
        answers: Record<string, number | null>;
      };
      let total = 0;
      for (const value of Object.values(response.answers)) if (value !== null) total += value;
      const key = `${response.siteId}|${response.session}|${response.role}|${response.instrument}`;
      totals.set(key, (totals.get(key) ?? 0) + total);
    }
    rest = text.slice(start);
  }
  return totals.size;
}

/** SQL that scores one scale with Tandem's rules (reverse keying, prorating at 75%). */
function scaleSql(
  instrument: string,
  items: string[],
  reverse: Set<string>,
  min: number,
  max: number,
): string {
  const keyed = items.map((id) => (reverse.has(id) ? `(${min + max} - answers.${id})` : `answers.${id}`));
  const answered = items.map((id) => `(answers.${id} IS NOT NULL)::INTEGER`).join(' + ');
  const sum = keyed.map((expr) => `coalesce(${expr}, 0)`).join(' + ');
  return `CASE WHEN instrument = '${instrument}' AND (${answered}) > 0 AND (${answered}) >= ${0.75 * items.length}
    THEN (${sum}) / (${answered}) * ${items.length} END`;
}

/**
 * The DuckDB yardstick of DESIGN §11: `site_session_summary` alone (scores, then n, mean, sd,
 * median, q1, q3 per site and ALL × session × role × instrument × scale) from the same files.
 * Returns the number of rows.
 */
export async function duckdbSiteSessionSummary(dir: string): Promise<number> {
  const scaleColumns: string[] = [];
  const scales = new Set<string>();
  for (const def of BUILTIN_INSTRUMENTS.values()) {
    const reverse = new Set(def.items.filter((item) => item.reverse).map((item) => item.id));
    for (const [scale, items] of Object.entries(scaleItems(def))) {
      scales.add(scale);
      scaleColumns.push(
        `${scaleSql(def.id, items, reverse, def.scale.min, def.scale.max)} AS "${def.id}:${scale}"`,
      );
    }
  }
  const itemStruct = Array.from({ length: 12 }, (_, i) => `i${i + 1} DOUBLE`).join(', ');
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const file = join(dir, 'responses.jsonl').replaceAll("'", "''");
    const reader = await connection.runAndReadAll(`
      WITH responses AS (
        SELECT * FROM read_json('${file}', format = 'newline_delimited',
          columns = {siteId: 'VARCHAR', role: 'VARCHAR', session: 'INTEGER', instrument: 'VARCHAR', answers: 'STRUCT(${itemStruct})'})
      ), scored AS (
        SELECT siteId, session, role, instrument, ${scaleColumns.join(',\n')} FROM responses
      ), long AS (
        UNPIVOT scored ON COLUMNS(* EXCLUDE (siteId, session, role, instrument)) INTO NAME key VALUE score
      )
      SELECT coalesce(siteId, 'ALL') AS site, session, role, instrument, split_part(key, ':', 2) AS scale,
        count(score) AS n, avg(score) AS mean, stddev_samp(score) AS sd,
        quantile_cont(score, [0.5, 0.25, 0.75]) AS quartiles
      FROM long
      GROUP BY GROUPING SETS ((siteId, session, role, instrument, key), (session, role, instrument, key))
      ORDER BY site, session, role, instrument, scale`);
    return reader.currentRowCount;
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
