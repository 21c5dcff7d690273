import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../../shared/errors.ts';
import { generateStudy } from './generate.ts';
import { demoData, writeRawExport } from './write.ts';

const dirs: string[] = [];
async function scratch(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tandem-demo-'));
  dirs.push(dir);
  return dir;
}
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

function lines(text: string): unknown[] {
  expect(text.endsWith('\n')).toBe(true);
  return text
    .slice(0, -1)
    .split('\n')
    .map((line) => JSON.parse(line));
}

describe('writeRawExport', () => {
  it('writes study.json, dyads.jsonl and responses.jsonl that read back as the generated records', async () => {
    const dir = await scratch();
    const study = generateStudy({ sites: 2, dyads: 12, seed: 5 });
    const summary = await writeRawExport(dir, study);
    expect(JSON.parse(await readFile(join(dir, 'study.json'), 'utf8'))).toEqual(study.study);
    expect(lines(await readFile(join(dir, 'dyads.jsonl'), 'utf8'))).toEqual(study.dyads);
    expect(lines(await readFile(join(dir, 'responses.jsonl'), 'utf8'))).toEqual(study.responses);
    expect(summary).toMatchObject({ dyads: 12, responses: study.responses.length });
  });
});

describe('demoData', () => {
  it('writes the export the command asks for, with the response cap', async () => {
    const dir = await scratch();
    const summary = await demoData({ out: dir, sites: 2, dyads: 20, responses: 150, seed: 9 });
    expect(summary).toMatchObject({ dyads: 20, responses: 150 });
    expect(lines(await readFile(join(dir, 'responses.jsonl'), 'utf8'))).toHaveLength(150);
  });

  it('rejects bad arguments with the field paths', async () => {
    const error = await demoData({ out: '', sites: 0, dyads: 1, seed: -1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).details?.map((d) => d.path)).toEqual(['out', 'sites', 'seed']);
  });
});
