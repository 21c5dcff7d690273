import type { InstrumentDefinition } from '../shared/instruments/schema.ts';
import { scaleNames } from '../shared/instruments/score.ts';
import { ALL_SITES, type ColumnDef, type FileDef, type StudyLevels } from './columns.ts';

// The levels of the columns whose values come from the study (sites, instruments, scales), for the
// codebook and the loaders. They are in the order the CSV rows are sorted by (text order, ALL
// last), so a factor's level order is the row order. The CSV writer does not need them: adding them
// to the FileDefs it sorts by would only slow a million-row sort down.

/** What a study contributes to the levels: its sites and instruments. */
export interface StudyLevelSource {
  sites: readonly { siteId: string; name: string }[];
  instruments: readonly InstrumentDefinition[];
}

/** One level of a categorical column, as the codebook lists it. */
export interface Level {
  value: string;
  label: string;
}

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function studyLevelSets(source: StudyLevelSource): Record<StudyLevels, Level[]> {
  const sites = source.sites
    .map((site) => ({ value: site.siteId, label: site.name }))
    .sort((a, b) => byText(a.value, b.value));
  const scales = [...new Set(source.instruments.flatMap(scaleNames))].sort(byText);
  return {
    sites,
    sitesAndAll: [...sites, { value: ALL_SITES, label: 'all sites' }],
    // An instrument's title is the question its participants read, not a name: the id is the label.
    instruments: source.instruments
      .map((def) => ({ value: def.id, label: def.id }))
      .sort((a, b) => byText(a.value, b.value)),
    scales: scales.map((name) => ({ value: name, label: name })),
  };
}

/** The file definitions with the study's levels and their labels filled in. */
export function withStudyLevels(files: readonly FileDef[], source: StudyLevelSource): FileDef[] {
  const sets = studyLevelSets(source);
  const fill = (column: ColumnDef): ColumnDef => {
    if (!column.studyLevels) return column;
    const levels = sets[column.studyLevels];
    return {
      ...column,
      levels: levels.map((level) => level.value),
      levelLabels: Object.fromEntries(levels.map((level) => [level.value, level.label])),
    };
  };
  return files.map((file) => ({ ...file, columns: file.columns.map(fill) }));
}

/** A categorical column's levels with labels, in order; undefined for other columns. */
export function columnLevels(column: ColumnDef): Level[] | undefined {
  if (!column.levels) return undefined;
  // An empty value is a missing cell, never a level (alliance_outcome's method sorts it first).
  return column.levels
    .filter((value) => value !== '')
    .map((value) => ({ value, label: column.levelLabels?.[value] ?? value }));
}
