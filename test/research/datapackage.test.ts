import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import AjvDraft04 from 'ajv-draft-04';
import formats from 'ajv-formats';
import { beforeAll, describe, expect, it } from 'vitest';
import { rangeBounds } from '../../analysis/write/datapackage.ts';
import { zipFiles } from '../../analysis/write/zip.ts';
import { type DemoRelease, demoRelease, STUDY_METADATA } from './demo-release.ts';

// datapackage.json against the official Frictionless JSON Schemas (Tabular Data Package and Table
// Schema v1, vendored from the `datapackage` npm package into test/fixtures/frictionless), and
// open-files.zip read back by Python's zipfile, an independent reader.

const FIXTURES = new URL('../fixtures/frictionless/', import.meta.url).pathname;

interface Field {
  name: string;
  type: string;
  description: string;
  constraints?: { enum?: string[]; minimum?: number; maximum?: number; required?: boolean };
}
interface Resource {
  name: string;
  path: string;
  tier: string;
  schema: { fields: Field[]; missingValues: string[]; primaryKey?: string[] };
}
interface Manifest {
  files: { name: string; tier: string; rows: number | null; bytes: number; sha256: string }[];
}

let release: DemoRelease;
let descriptor: { licenses?: { name: string }[]; contact?: unknown; resources: Resource[] };
let manifest: Manifest;
beforeAll(async () => {
  release = await demoRelease();
  descriptor = JSON.parse(await release.read('datapackage.json'));
  manifest = JSON.parse(await release.read('manifest.json'));
}, 120_000);

async function validator(name: string) {
  // Both packages are CommonJS with a `default` export: under NodeNext it is one level down.
  const ajv = new AjvDraft04.default({ allErrors: true, strict: false });
  formats.default(ajv);
  return ajv.compile(JSON.parse(await readFile(join(FIXTURES, name), 'utf8')));
}

describe('datapackage.json', () => {
  it('is a valid Tabular Data Package whose every resource schema is a valid Table Schema', async () => {
    const dataPackage = await validator('tabular-data-package.json');
    expect(dataPackage(descriptor), JSON.stringify(dataPackage.errors)).toBe(true);
    const tableSchema = await validator('table-schema.json');
    for (const resource of descriptor.resources)
      expect(tableSchema(resource.schema), `${resource.path} ${JSON.stringify(tableSchema.errors)}`).toBe(
        true,
      );
  });

  it('fails the same check when a field has no name, so the check can fail', async () => {
    const tableSchema = await validator('table-schema.json');
    const broken = structuredClone(descriptor.resources[0]!.schema) as { fields: Partial<Field>[] };
    delete broken.fields[0]!.name;
    expect(tableSchema(broken)).toBe(false);
  });

  it('has a resource per CSV of the codebook with its tier, columns in order, descriptions and levels', () => {
    expect(descriptor.resources.map((r) => r.path)).toEqual(release.codebook.map((f) => f.name));
    for (const file of release.codebook) {
      const resource = descriptor.resources.find((r) => r.path === file.name)!;
      expect(resource.tier).toBe(file.tier);
      expect(resource.schema.missingValues).toEqual(['']);
      expect(resource.schema.fields.map((f) => f.name)).toEqual(file.columns.map((c) => c.name));
      resource.schema.fields.forEach((field, i) => {
        const column = file.columns[i]!;
        expect(field.description).toBe(column.meaning);
        expect(field.type).toBe(column.type);
        expect(field.constraints?.enum).toEqual(column.levels?.map((l) => l.value));
      });
    }
  });

  it('gives primary keys, ranges and the study licence and contact', () => {
    const summary = descriptor.resources.find((r) => r.path === 'site_session_summary.csv')!;
    expect(summary.schema.primaryKey).toEqual(['site', 'session', 'role', 'instrument', 'scale']);
    expect(summary.schema.fields.find((f) => f.name === 'n')?.constraints?.minimum).toBe(1);
    const outcome = descriptor.resources.find((r) => r.path === 'alliance_outcome.csv')!;
    expect(outcome.schema.primaryKey, 'site and method are empty on some rows').toBeUndefined();
    expect(outcome.schema.fields.find((f) => f.name === 'r')?.constraints).toMatchObject({
      minimum: -1,
      maximum: 1,
    });
    expect(descriptor.licenses?.[0]?.name).toBe(STUDY_METADATA.licence);
    expect(descriptor.contact).toEqual(STUDY_METADATA.contact);
  });

  it('reads bounds from the codebook ranges', () => {
    expect(rangeBounds('≥ 0')).toEqual({ minimum: 0 });
    expect(rangeBounds('−1–1')).toEqual({ minimum: -1, maximum: 1 });
    expect(rangeBounds('0–100')).toEqual({ minimum: 0, maximum: 100 });
    expect(rangeBounds('≤ 1')).toEqual({ maximum: 1 });
    expect(rangeBounds('> 0')).toEqual({});
  });

  it('is listed in the manifest with its checksum, as are the loaders and changes.md', () => {
    for (const name of ['datapackage.json', 'changes.md', 'load.R', 'load.sps', 'load.do', 'load.py'])
      expect(manifest.files.find((f) => f.name === name)?.tier, name).toBe('open');
    expect(manifest.files.find((f) => f.name === 'load_analyst.sps')?.tier).toBe('analyst');
  });
});

describe('open-files.zip', () => {
  it('holds every other open-tier file of the manifest, byte for byte, in manifest order', () => {
    const listing = execFileSync(
      '/usr/bin/python3',
      [
        '-c',
        [
          'import hashlib, json, sys, zipfile',
          'z = zipfile.ZipFile(sys.argv[1])',
          'assert z.testzip() is None',
          'print(json.dumps([[i.filename, list(i.date_time), hashlib.sha256(z.read(i)).hexdigest()] for i in z.infolist()]))',
        ].join('\n'),
        join(release.dir, 'open-files.zip'),
      ],
      { encoding: 'utf8' },
    );
    const entries = JSON.parse(listing) as [string, number[], string][];
    const open = manifest.files.filter((f) => f.tier === 'open' && f.name !== 'open-files.zip');
    expect(entries.map(([name]) => name)).toEqual(open.map((f) => f.name));
    for (const [name, date, sha256] of entries) {
      expect(sha256, name).toBe(open.find((f) => f.name === name)?.sha256);
      expect(date).toEqual([2027, 3, 1, 0, 0, 0]);
    }
    expect(manifest.files.at(-1)?.name).toBe('open-files.zip');
  });

  it('gives the same bytes in every time zone and on every run', () => {
    const entries = [
      { name: 'b.csv', body: new TextEncoder().encode('x\n1\n') },
      { name: 'a.csv', body: new TextEncoder().encode('y\n2\n') },
    ];
    const zone = process.env.TZ;
    try {
      process.env.TZ = 'UTC';
      const utc = zipFiles('2027-03-01', entries);
      process.env.TZ = 'Pacific/Auckland';
      const auckland = zipFiles('2027-03-01', entries);
      expect(Buffer.from(auckland).equals(Buffer.from(utc))).toBe(true);
      expect(Buffer.from(zipFiles('2027-03-02', entries)).equals(Buffer.from(utc))).toBe(false);
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
  });
});
