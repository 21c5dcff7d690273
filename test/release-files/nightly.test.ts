import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILTIN_SCALES, releaseFiles } from '../../analysis/columns.ts';
import { generateStudy } from '../../analysis/demo/generate.ts';
import { aggregate } from '../../analysis/publish.ts';
import type { Manifest } from '../../analysis/release.ts';
import type { CodebookFile } from '../../analysis/write/codebook.ts';
import {
  CombineInput,
  combine,
  listSites,
  type NightlyDeps,
  RunPlan,
  runNightly,
  StagedSite,
  scoreSite,
  stepInput,
} from '../../functions/nightly/steps.ts';
import { storeDemoData } from '../../infra/local/demo.ts';
import { type Emulators, startEmulators } from '../../infra/local/emulators.ts';
import { DynamoDbTandemStore } from '../../shared/adapters/dynamodb/store.ts';
import { S3ReleaseBucket } from '../../shared/adapters/s3/bucket.ts';
import type { ReleaseBucket } from '../../shared/ports.ts';
import { getManifest, listReleases } from '../../shared/releases.ts';
import { duckRows, literal, withTempFile } from './duckdb.ts';

// The nightly steps against dynalite and s3rver, with the demo study of `tandem dev` in the store.

const SECRET = 'nightly-test-secret';
let emulators: Emulators;
let deps: NightlyDeps;
let bucket: S3ReleaseBucket;
let folder: string;

beforeAll(async () => {
  emulators = await startEmulators();
  const store = new DynamoDbTandemStore(emulators.clients.dynamodb, emulators.tableName);
  bucket = new S3ReleaseBucket(emulators.clients.s3, emulators.bucketName);
  deps = { store, bucket, clock: () => new Date('2027-03-01T01:30:00Z'), secret: async () => SECRET };
  await storeDemoData({ store, log: () => {} }, generateStudy({ sites: 3, dyads: 60, seed: 1 }));
  folder = await mkdtemp(join(tmpdir(), 'tandem-nightly-'));
}, 120_000);
afterAll(async () => {
  await emulators?.stop();
  if (folder) await rm(folder, { recursive: true, force: true });
});

/** Step Functions hands each step the previous one's output as JSON. */
const overTheWire = <T>(value: T): unknown => JSON.parse(JSON.stringify(value));

const text = (bytes: Uint8Array | undefined): string => new TextDecoder().decode(bytes);
const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

describe('the nightly steps', () => {
  let manifest: Manifest;

  it('list sites → score each site → combine publish the files aggregate publishes from the same store', async () => {
    const plan = stepInput(
      RunPlan,
      overTheWire(await listSites(deps, { releaseId: '2027-03-01' })),
      'ListSites',
    );
    expect(plan.sites.map((s) => s.siteId)).toHaveLength(3);
    const partials = await Promise.all(
      plan.sites.map(async (task) =>
        stepInput(StagedSite, overTheWire(await scoreSite(deps, task)), 'ScoreSite'),
      ),
    );
    for (const partial of partials) expect(partial.key).toBe(`staging/${plan.runId}/${partial.siteId}.json`);
    const combineInput = stepInput(CombineInput, overTheWire({ ...plan, partials }), 'Combine');
    const result = await combine(deps, combineInput);
    expect(result.releaseId).toBe('2027-03-01');

    manifest = JSON.parse(text(await bucket.get('releases/2027-03-01/manifest.json'))) as Manifest;
    const reference = await aggregate({
      store: deps.store,
      out: folder,
      releaseId: '2027-03-01',
      secret: SECRET,
      clock: deps.clock,
    });
    expect(manifest).toEqual(reference.manifest);
    expect(manifest.inputs.responses).toBeGreaterThan(500);
    for (const file of reference.manifest.files) {
      const fromSteps = await bucket.get(`releases/2027-03-01/${file.name}`);
      const fromAggregate = await readFile(join(folder, 'releases', '2027-03-01', file.name));
      expect(Buffer.from(fromSteps ?? []).equals(fromAggregate), file.name).toBe(true);
    }
    expect(JSON.parse(text(await bucket.get('releases/latest.json')))).toEqual({ releaseId: '2027-03-01' });
    expect((await deps.store.listReleases()).map((r) => r.releaseId)).toEqual(['2027-03-01']);
    // The partials copy answers; a published run leaves none behind.
    expect(await bucket.list(`staging/${plan.runId}/`)).toEqual([]);
  }, 120_000);

  it('lists every file with the bytes and SHA-256 of what is in S3', async () => {
    expect(manifest.files.length).toBeGreaterThanOrEqual(23);
    for (const file of manifest.files) {
      const bytes = await bucket.get(`releases/2027-03-01/${file.name}`);
      expect(bytes?.byteLength, file.name).toBe(file.bytes);
      expect(sha256(bytes ?? new Uint8Array()), file.name).toBe(file.sha256);
    }
    const keys = await bucket.list('releases/2027-03-01/');
    expect(keys.sort()).toEqual(
      [
        ...manifest.files.map((f) => `releases/2027-03-01/${f.name}`),
        'releases/2027-03-01/manifest.json',
      ].sort(),
    );
  });

  it('documents every column of every released CSV and Parquet file in codebook.json', async () => {
    const codebook = JSON.parse(text(await bucket.get('releases/2027-03-01/codebook.json'))) as {
      files: CodebookFile[];
    };
    const documented = new Map(codebook.files.map((f) => [f.name, f.columns.map((c) => c.name)]));
    // The REDCap files are CSV for REDCap, with their own dictionary and no Parquet twin.
    const tables = manifest.files.filter(
      (f) => (f.name.endsWith('.csv') || f.name.endsWith('.parquet')) && !f.name.startsWith('redcap_'),
    );
    expect(tables.length).toBe(2 * releaseFiles([...BUILTIN_SCALES]).length);
    for (const file of tables.filter((f) => f.name.endsWith('.csv'))) {
      const header = text(await bucket.get(`releases/2027-03-01/${file.name}`))
        .split('\n')[0]
        ?.split(',');
      expect(documented.get(file.name), file.name).toEqual(header);
    }
    for (const file of tables.filter((f) => f.name.endsWith('.parquet'))) {
      const bytes = (await bucket.get(`releases/2027-03-01/${file.name}`)) ?? new Uint8Array();
      const columns = await withTempFile(file.name, bytes, async (path) =>
        (await duckRows(`describe select * from read_parquet(${literal(path)})`)).map((r) => r.column_name),
      );
      expect(documented.get(file.name), file.name).toEqual(columns);
    }
  });

  it('has Parquet files that DuckDB reads back with the same rows and values as their CSVs', async () => {
    for (const file of manifest.files.filter(
      (f) => f.name.endsWith('.csv') && !f.name.startsWith('redcap_'),
    )) {
      const csv = (await bucket.get(`releases/2027-03-01/${file.name}`)) ?? new Uint8Array();
      const parquet =
        (await bucket.get(`releases/2027-03-01/${file.name.replace(/\.csv$/, '.parquet')}`)) ??
        new Uint8Array();
      const [fromCsv, fromParquet] = await withTempFile('t.csv', csv, (csvPath) =>
        withTempFile('t.parquet', parquet, (parquetPath) =>
          Promise.all([
            // All columns as text from the CSV; Parquet values cast to the text DuckDB would print.
            duckRows(`select * from read_csv(${literal(csvPath)}, header = true, all_varchar = true)`),
            duckRows(`select columns(*)::varchar from read_parquet(${literal(parquetPath)})`),
          ]),
        ),
      );
      expect(fromParquet.length, file.name).toBe(file.rows);
      expect(fromParquet.length, file.name).toBe(fromCsv.length);
      fromCsv.forEach((row, i) => {
        const other = fromParquet[i] ?? {};
        for (const [column, cell] of Object.entries(row)) {
          const value = other[column];
          if (cell === null) expect(value, `${file.name} row ${i} ${column}`).toBeNull();
          else if (value !== null && /^-?[\d.]+(e-?\d+)?$/i.test(String(cell))) {
            expect(Number(value), `${file.name} row ${i} ${column}`).toBe(Number(cell));
          } else expect(value, `${file.name} row ${i} ${column}`).toBe(cell);
        }
      });
    }
  }, 60_000);
});

/** A bucket that fails every put after `failAfter` puts under `prefix`, as a network fault or a crash would. */
class FaultyBucket implements ReleaseBucket {
  puts = 0;
  constructor(
    private readonly inner: ReleaseBucket,
    private readonly prefix: string,
    private readonly failAfter: number,
  ) {}
  async put(key: string, body: Uint8Array | string, contentType: string): Promise<void> {
    if (key.startsWith(this.prefix) && ++this.puts > this.failAfter)
      throw new Error(`injected fault at ${key}`);
    return this.inner.put(key, body, contentType);
  }
  get(key: string) {
    return this.inner.get(key);
  }
  list(prefix: string) {
    return this.inner.list(prefix);
  }
  delete(keys: string[]) {
    return this.inner.delete(keys);
  }
  presignGet(key: string, seconds: number, name?: string) {
    return this.inner.presignGet(key, seconds, name);
  }
}

describe('a nightly run that fails half-way', () => {
  it('leaves latest.json, the release list and the manifests on the previous release', async () => {
    const previous = await getManifest(deps, '2027-03-01');
    const half = Math.floor(previous.files.length / 2);
    const faulty = new FaultyBucket(bucket, 'releases/2027-03-02/', half);
    const nextNight = { ...deps, bucket: faulty, clock: () => new Date('2027-03-02T01:30:00Z') };
    await expect(runNightly(nextNight)).rejects.toThrow(/injected fault/);
    expect(faulty.puts).toBe(half + 1);
    expect((await bucket.list('releases/2027-03-02/')).length).toBe(half);
    // A failed run keeps its partials for a retry of combine.
    expect((await bucket.list('staging/')).length).toBe(3);

    expect(JSON.parse(text(await bucket.get('releases/latest.json')))).toEqual({ releaseId: '2027-03-01' });
    await expect(getManifest(deps, '2027-03-02')).rejects.toThrow(/no release 2027-03-02/);
    expect(await listReleases(deps)).toMatchObject({
      latest: '2027-03-01',
      releases: [{ releaseId: '2027-03-01' }],
    });

    // The next attempt of the same night completes the release over the partial files.
    const retried = await runNightly({ ...deps, clock: () => new Date('2027-03-02T02:30:00Z') });
    expect(retried.releaseId).toBe('2027-03-02');
    expect(JSON.parse(text(await bucket.get('releases/latest.json')))).toEqual({ releaseId: '2027-03-02' });
  }, 120_000);
});
