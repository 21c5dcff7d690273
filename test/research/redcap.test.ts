import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { aggregate } from '../../analysis/publish.ts';
import { scaleNames } from '../../shared/instruments/score.ts';
import { importRedcapDictionary } from '../../shared/study/redcap.ts';
import { validateStudy } from '../../shared/study/validate.ts';
import { fixture, writeFixture } from '../release/fixture.ts';

// REDCap in and out: a dictionary of our own with every field type (test/fixtures/redcap), the
// command line, and the round trip dictionary → study → release → redcap_import.csv.

const DICTIONARY = new URL('../fixtures/redcap/dictionary.csv', import.meta.url).pathname;
const TANDEM = new URL('../../bin/tandem.js', import.meta.url).pathname;

describe('importRedcapDictionary', () => {
  let result: ReturnType<typeof importRedcapDictionary>;
  beforeAll(async () => {
    result = importRedcapDictionary(await readFile(DICTIONARY, 'utf8'));
  });
  const reason = (field: string) => result.skipped.find((s) => s.field === field)?.reason;

  it('makes an instrument per form from its radio and dropdown fields with integer codes', () => {
    expect(result.instruments.map((i) => [i.form, i.definition.id, i.fields])).toEqual([
      ['working_bond', 'working-bond', ['bond_1', 'bond_2', 'bond_3']],
      ['sleep_check', 'sleep-check', ['sleep_1', 'sleep_2']],
    ]);
    const bond = result.instruments[0]!.definition;
    expect(bond.items.map((item) => item.text.en)).toEqual([
      'I feel my therapist understands me',
      'We agree on what is important, and why',
      'I trust my therapist',
    ]);
    expect(bond.scale).toEqual({
      min: 1,
      max: 5,
      labels: { en: ['Not at all', 'A little', 'Somewhat', 'Quite a bit', 'Very much'] },
    });
    expect(result.instruments[1]!.definition.scale).toMatchObject({ min: 0, max: 3 });
    expect(bond.total).toBe('sum');
  });

  it('names every field it cannot carry over with its reason', () => {
    expect(reason('record_id')).toMatch(/^text field/);
    expect(reason('comments')).toMatch(/^notes field/);
    expect(reason('bond_total')).toMatch(/^calculated field/);
    expect(reason('consent_scan')).toMatch(/^file upload/);
    expect(reason('bond_followup')).toMatch(/^branching logic \(\[bond_3\] < 3\)/);
    expect(reason('bond_letters')).toBe('non-integer choice codes (a, b)');
    expect(reason('bond_other')).toBe("choice codes 0,1 differ from the form's scale 1,2,3,4,5");
    expect(reason('gaps_1')).toBe('choice codes 1,3,5 are not consecutive');
    for (const field of ['info', 'reasons', 'returning', 'distress'])
      expect(reason(field), field).toBeDefined();
    // 19 fields: 5 items, and every other one named once.
    expect(result.skipped).toHaveLength(14);
    expect(new Set(result.skipped.map((s) => s.field)).size).toBe(14);
  });

  it('refuses a file that is not a dictionary, naming the missing columns', () => {
    expect(() => importRedcapDictionary('name,form\na,b\n')).toThrow(/not a REDCap data dictionary/);
  });
});

describe('tandem study import-redcap', () => {
  it('writes the instruments with --out and lists each form and each skipped field', async () => {
    const out = join(await mkdtemp(join(tmpdir(), 'tandem-redcap-')), 'instruments.json');
    const run = spawnSync('node', [TANDEM, 'study', 'import-redcap', DICTIONARY, '--out', out], {
      encoding: 'utf8',
    });
    expect(run.status).toBe(0);
    expect(run.stderr).toContain('form working_bond → instrument working-bond: bond_1 = i1');
    expect(run.stderr).toContain('skipped bond_total (form working_bond): calculated field');
    const written = JSON.parse(await readFile(out, 'utf8')) as { instruments: { id: string }[] };
    expect(written.instruments.map((i) => i.id)).toEqual(['working-bond', 'sleep-check']);
  });

  it('prints one line and exits 1 when the file is missing', () => {
    const run = spawnSync('node', [TANDEM, 'study', 'import-redcap', '/no/such/dictionary.csv'], {
      encoding: 'utf8',
    });
    expect(run.status).toBe(1);
    expect(run.stderr.trim().split('\n')).toEqual([
      'tandem study: cannot read /no/such/dictionary.csv (ENOENT)',
    ]);
  });
});

describe('the REDCap round trip: dictionary → study → release → redcap_import.csv', () => {
  let imported: ReturnType<typeof importRedcapDictionary>['instruments'];
  let importRows: Record<string, string>[];
  let dictionaryRows: Record<string, string>[];
  beforeAll(async () => {
    imported = importRedcapDictionary(await readFile(DICTIONARY, 'utf8')).instruments;
    const base = fixture([6, 5]);
    const study = {
      ...base.study,
      instruments: [...(base.study.instruments ?? []), ...imported.map((i) => i.definition)],
      schedule: [
        ...(base.study.schedule ?? []),
        ...imported.map((i) => ({ instrument: i.definition.id, role: 'client' as const, sessions: '1-6' })),
      ],
    };
    expect(validateStudy(study).errors).toEqual([]);
    // Each dyad's client answers the imported questionnaires alongside the alliance ones.
    const extra = base.responses
      .filter((r) => r.instrument === 'alliance-client')
      .flatMap((r, n) =>
        imported.map(({ definition }, k) => ({
          ...r,
          responseId: `${r.responseId}-${definition.id}`,
          instrument: definition.id,
          answers: Object.fromEntries(
            definition.items.map((item, i) => [
              item.id,
              definition.scale.min + ((n + i + k) % (definition.scale.max - definition.scale.min + 1)),
            ]),
          ),
        })),
      );
    const from = await mkdtemp(join(tmpdir(), 'tandem-redcap-export-'));
    const out = await mkdtemp(join(tmpdir(), 'tandem-redcap-out-'));
    await writeFixture(from, { study, dyads: base.dyads, responses: [...base.responses, ...extra] });
    await aggregate({ from, out, secret: 'redcap', releaseId: '2027-03-01', clock: () => new Date() });
    const read = (name: string) => readFile(join(out, 'releases', '2027-03-01', name), 'utf8');
    importRows = parse(await read('redcap_import.csv'), { columns: true }) as Record<string, string>[];
    dictionaryRows = parse(await read('redcap_dictionary.csv'), { columns: true }) as Record<
      string,
      string
    >[];
  }, 120_000);

  it('keeps every imported instrument as a repeating instrument with a field per scale', () => {
    for (const { definition } of imported) {
      const form = definition.id.replaceAll('-', '_');
      const instances = importRows.filter((row) => row.redcap_repeat_instrument === form);
      expect(instances.length, form).toBeGreaterThan(0);
      for (const scale of scaleNames(definition)) {
        const field = `${form}_${scale}`;
        expect(dictionaryRows.find((row) => row['Variable / Field Name'] === field)?.['Form Name']).toBe(
          form,
        );
        expect(
          instances.every((row) => row[field] !== ''),
          field,
        ).toBe(true);
      }
    }
  });

  it('carries each score, with instances numbered by session within a dyad', () => {
    const { definition } = imported[1]!;
    const form = definition.id.replaceAll('-', '_');
    const first = importRows.filter(
      (row) =>
        row.redcap_repeat_instrument === form &&
        row.record_id === importRows.find((r) => r.redcap_repeat_instrument === form)?.record_id,
    );
    expect(first.map((row) => row.redcap_repeat_instance)).toEqual(first.map((_, i) => String(i + 1)));
    expect(first.map((row) => row[`${form}_session`])).toEqual(first.map((_, i) => String(i + 1)));
    for (const row of first) {
      const total = Number(row[`${form}_total`]);
      expect(total).toBeGreaterThanOrEqual(definition.scale.min * definition.items.length);
      expect(total).toBeLessThanOrEqual(definition.scale.max * definition.items.length);
    }
  });

  it('gives each record one non-repeating row with its site, and codes as the dictionary lists them', () => {
    const records = importRows.filter((row) => row.redcap_repeat_instrument === '');
    expect(new Set(records.map((row) => row.record_id)).size).toBe(records.length);
    expect(new Set(importRows.map((row) => row.record_id))).toEqual(
      new Set(records.map((row) => row.record_id)),
    );
    const sites = dictionaryRows.find((row) => row['Variable / Field Name'] === 'site')!;
    expect(sites['Choices, Calculations, OR Slider Labels']).toBe('1, site-a | 2, site-b');
    expect(new Set(records.map((row) => row.site))).toEqual(new Set(['1', '2']));
    expect(Object.keys(importRows[0]!).slice(0, 3)).toEqual([
      'record_id',
      'redcap_repeat_instrument',
      'redcap_repeat_instance',
    ]);
  });
});
