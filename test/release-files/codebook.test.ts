import { describe, expect, it } from 'vitest';
import { BUILTIN_SCALES, releaseFiles } from '../../analysis/columns.ts';
import { codebookJson, codebookMarkdown } from '../../analysis/write/codebook.ts';

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
        expect(Object.keys(column)).toEqual(['name', 'meaning', 'type', 'range', 'missing']);
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
