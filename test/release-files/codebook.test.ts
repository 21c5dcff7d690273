import { describe, expect, it } from 'vitest';
import { BUILTIN_SCALES, releaseFiles } from '../../analysis/columns.ts';
import { withStudyLevels } from '../../analysis/levels.ts';
import { codebookJson, codebookMarkdown } from '../../analysis/write/codebook.ts';
import { BUILTIN_INSTRUMENTS } from '../../shared/instruments/builtins.ts';

const files = releaseFiles([...BUILTIN_SCALES, 'my-scale']);

describe('codebookJson', () => {
  const codebook = JSON.parse(codebookJson(files)) as {
    files: { name: string; tier: string; columns: Record<string, string>[] }[];
  };

  it('has an entry for every column of every CSV and of its Parquet twin, in column order', () => {
    for (const file of files) {
      for (const name of [file.name, file.name.replace(/\.csv$/, '.parquet')]) {
        const entry = codebook.files.find((f) => f.name === name);
        expect(
          entry?.columns.map((c) => c.name),
          name,
        ).toEqual(file.columns.map((c) => c.name));
        expect(entry?.tier).toBe(file.tier);
      }
    }
    expect(codebook.files).toHaveLength(files.length * 2);
  });

  it('gives every column a meaning, type, range and missing rule', () => {
    for (const file of codebook.files) {
      for (const column of file.columns) {
        expect(Object.keys(column).slice(0, 5)).toEqual(['name', 'meaning', 'type', 'range', 'missing']);
        for (const field of ['meaning', 'range', 'missing'])
          expect(column[field], `${file.name} ${column.name}`).not.toBe('');
      }
    }
  });

  it('lists the scales a study adds in the analyst file', () => {
    const scores = codebook.files.find((f) => f.name === 'scores_long.csv');
    expect(scores?.tier).toBe('analyst');
    expect(scores?.columns.find((c) => c.name === 'my-scale')?.type).toBe('number');
  });
});

describe('codebookMarkdown', () => {
  it('has a section per file with one table row per column', () => {
    const markdown = codebookMarkdown(files);
    for (const file of files) {
      const start = markdown.indexOf(`## ${file.name} `);
      expect(start, file.name).toBeGreaterThan(-1);
      const next = markdown.indexOf('\n## ', start + 1);
      const section = markdown.slice(start, next === -1 ? undefined : next);
      const rows = section.split('\n').filter((line) => line.startsWith('| `'));
      expect(rows.map((row) => row.slice(3, row.indexOf('`', 3)))).toEqual(file.columns.map((c) => c.name));
    }
  });
});

describe('codebook levels', () => {
  const described = withStudyLevels(files, {
    sites: [
      { siteId: 'b-site', name: 'Site B' },
      { siteId: 'a-site', name: 'Site A' },
    ],
    instruments: [...BUILTIN_INSTRUMENTS.values()],
  });
  const codebook = JSON.parse(codebookJson(described)) as {
    files: { name: string; columns: { name: string; levels?: { value: string; label: string }[] }[] }[];
  };
  const levels = (file: string, column: string) =>
    codebook.files.find((f) => f.name === file)?.columns.find((c) => c.name === column)?.levels;

  it('lists the study sites in row order, ALL last, labelled with their names', () => {
    expect(levels('site_session_summary.csv', 'site')).toEqual([
      { value: 'a-site', label: 'Site A' },
      { value: 'b-site', label: 'Site B' },
      { value: 'ALL', label: 'all sites' },
    ]);
    expect(levels('scores_long.csv', 'site')?.map((l) => l.value)).toEqual(['a-site', 'b-site']);
  });

  it('lists roles, instruments, scales, thresholds and modalities in order', () => {
    expect(levels('scores_long.csv', 'role')?.map((l) => l.value)).toEqual([
      'client',
      'therapist',
      'interpreter',
    ]);
    expect(levels('reliability.csv', 'instrument')?.map((l) => l.value)).toEqual(
      [...BUILTIN_INSTRUMENTS.keys()].sort(),
    );
    expect(levels('site_session_summary.csv', 'scale')?.map((l) => l.value)).toEqual([
      'bond',
      'exhaustion',
      'goal',
      'self-care',
      'task',
      'total',
    ]);
    expect(levels('ruptures.csv', 'threshold')?.map((l) => l.value)).toEqual(['1sd', '2sd']);
    expect(levels('scores_long.csv', 'modality')).toEqual([
      { value: 'in_person', label: 'in person' },
      { value: 'online', label: 'online' },
      { value: 'mixed', label: 'mixed' },
    ]);
  });

  it('never lists the empty cell as a level, and gives numbers and flags none', () => {
    expect(levels('alliance_outcome.csv', 'method')?.map((l) => l.value)).toEqual(['DL', 'REML']);
    expect(levels('site_session_summary.csv', 'mean')).toBeUndefined();
    expect(levels('site_session_summary.csv', 'suppressed')).toBeUndefined();
  });
});
