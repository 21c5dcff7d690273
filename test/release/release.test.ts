import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportStore } from '../../analysis/export.ts';
import { loadRawExport } from '../../analysis/load/raw-export.ts';
import { aggregate, FolderSink, publishRelease, type ReleaseSink } from '../../analysis/publish.ts';
import { computeRelease, type Manifest } from '../../analysis/release.ts';
import { MemoryReleaseBucket } from '../../shared/adapters/memory/bucket.ts';
import { MemoryTandemStore } from '../../shared/adapters/memory/store.ts';
import { ownerKeyOf } from '../../shared/ports.ts';
import { Study } from '../../shared/study/schema.ts';
import { DESIGN_OPEN_TIER_COLUMNS, type Fixture, fixture, writeFixture } from './fixture.ts';

const SECRET = 'test-secret';
const clockAt = (iso: string) => () => new Date(iso);
const scratch = (): Promise<string> => mkdtemp(join(tmpdir(), 'tandem-release-'));
const text = (bytes: Uint8Array | undefined): string => new TextDecoder().decode(bytes);

async function exportFolder(data: Fixture = fixture()): Promise<string> {
  const dir = await scratch();
  await writeFixture(dir, data);
  return dir;
}

async function readRelease(out: string, releaseId: string): Promise<Map<string, Buffer>> {
  const dir = join(out, 'releases', releaseId);
  const files = new Map<string, Buffer>();
  for (const name of (await readdir(dir)).sort()) files.set(name, await readFile(join(dir, name)));
  return files;
}

async function seedStore(data: Fixture): Promise<MemoryTandemStore> {
  const store = new MemoryTandemStore();
  const study = Study.parse(data.study);
  await store.putStudy(study);
  for (const site of study.sites) await store.putSite(site);
  for (const dyad of data.dyads)
    await store.putDyad({ ...dyad, currentSession: 6, sessionDates: {}, linkHashes: {} });
  for (const response of data.responses) {
    const ownerKey =
      response.dyadId === null
        ? ownerKeyOf({ therapistId: response.therapistId })
        : ownerKeyOf({ dyadId: response.dyadId });
    await store.putResponse({ ...response, ownerKey, receipt: `receipt-${response.responseId}` });
  }
  return store;
}

describe('aggregate', () => {
  it('writes every open-tier CSV with the columns DESIGN §8 names, plus scores_long, codebook and report', async () => {
    const out = await scratch();
    const { manifest } = await aggregate({
      from: await exportFolder(),
      out,
      secret: SECRET,
      clock: clockAt('2027-03-01T12:00:00Z'),
    });
    const files = await readRelease(out, manifest.releaseId);
    for (const [name, header] of Object.entries(DESIGN_OPEN_TIER_COLUMNS)) {
      expect(text(files.get(name)).split('\n')[0], name).toBe(header);
      expect(files.has(name.replace('.csv', '.parquet')), name).toBe(true);
    }
    expect(text(files.get('scores_long.csv')).split('\n')[0]).toBe(
      'dyad,therapist,site,role,session,instrument,total,task,bond,goal,exhaustion,self-care,modality,interpreter,week',
    );
    for (const name of ['codebook.json', 'codebook.md', 'report.html', 'manifest.json'])
      expect(files.has(name), name).toBe(true);
  });

  it('names the release by the date in the study time zone and points latest.json at it', async () => {
    const out = await scratch();
    // 23:30 UTC on 28 Feb is already 1 March in Berlin.
    const { manifest } = await aggregate({
      from: await exportFolder(),
      out,
      secret: SECRET,
      clock: clockAt('2027-02-28T23:30:00Z'),
    });
    expect(manifest.releaseId).toBe('2027-03-01');
    expect(JSON.parse(await readFile(join(out, 'releases', 'latest.json'), 'utf8'))).toEqual({
      releaseId: '2027-03-01',
    });
  });

  it('lists every file in the manifest with its rows, bytes and SHA-256, and counts the inputs', async () => {
    const out = await scratch();
    const data = fixture();
    const dir = await exportFolder(data);
    await writeFile(
      join(dir, 'responses.jsonl'),
      `${await readFile(join(dir, 'responses.jsonl'), 'utf8')}{broken\n`,
    );
    const { manifest } = await aggregate({
      from: dir,
      out,
      secret: SECRET,
      clock: clockAt('2027-03-01T12:00:00Z'),
    });
    expect(manifest.inputs).toEqual({
      dyads: data.dyads.length,
      responses: data.responses.length,
      skipped: 1,
    });
    const files = await readRelease(out, manifest.releaseId);
    const { createHash } = await import('node:crypto');
    for (const entry of manifest.files) {
      const bytes = files.get(entry.name)!;
      expect(entry.bytes, entry.name).toBe(bytes.byteLength);
      expect(entry.sha256, entry.name).toBe(createHash('sha256').update(bytes).digest('hex'));
      if (entry.name.endsWith('.csv')) expect(entry.rows).toBe(text(bytes).trimEnd().split('\n').length - 1);
    }
    expect([...files.keys()].filter((name) => name !== 'manifest.json').sort()).toEqual(
      manifest.files.map((f) => f.name).sort(),
    );
  });

  it('gives byte-identical files when a release id is rerun on the same inputs; only createdAt differs', async () => {
    const out = await scratch();
    const from = await exportFolder();
    const first = await aggregate({
      from,
      out,
      releaseId: '2027-03-01',
      secret: SECRET,
      clock: clockAt('2027-03-01T02:00:00Z'),
    });
    const before = await readRelease(out, '2027-03-01');
    const second = await aggregate({
      from,
      out,
      releaseId: '2027-03-01',
      secret: SECRET,
      clock: clockAt('2027-03-01T03:00:00Z'),
    });
    const after = await readRelease(out, '2027-03-01');
    expect(second.manifest.releaseId).toBe('2027-03-01');
    for (const [name, bytes] of before)
      if (name !== 'manifest.json') expect(after.get(name)!.equals(bytes), name).toBe(true);
    expect({ ...second.manifest, createdAt: '' }).toEqual({ ...first.manifest, createdAt: '' });
    expect(second.manifest.createdAt).not.toBe(first.manifest.createdAt);
  });

  it('publishes YYYY-MM-DD.2 when the inputs changed, leaving the first release as it was', async () => {
    const out = await scratch();
    const data = fixture();
    await aggregate({
      from: await exportFolder(data),
      out,
      releaseId: '2027-03-01',
      secret: SECRET,
      clock: clockAt('2027-03-01T02:00:00Z'),
    });
    const before = await readRelease(out, '2027-03-01');
    const changed = { ...data, responses: data.responses.slice(1) };
    const second = await aggregate({
      from: await exportFolder(changed),
      out,
      releaseId: '2027-03-01',
      secret: SECRET,
      clock: clockAt('2027-03-01T09:00:00Z'),
    });
    expect(second.manifest.releaseId).toBe('2027-03-01.2');
    expect(JSON.parse(await readFile(join(out, 'releases', 'latest.json'), 'utf8'))).toEqual({
      releaseId: '2027-03-01.2',
    });
    const untouched = await readRelease(out, '2027-03-01');
    for (const [name, bytes] of before) expect(untouched.get(name)!.equals(bytes), name).toBe(true);
    const third = await aggregate({
      from: await exportFolder(changed),
      out,
      releaseId: '2027-03-01',
      secret: SECRET,
      clock: clockAt('2027-03-01T10:00:00Z'),
    });
    expect(third.manifest.releaseId).toBe('2027-03-01.2');
  });

  it('re-keys pseudonyms per release: stable within one, different across ids, never the raw ids', async () => {
    const out = await scratch();
    const from = await exportFolder();
    await aggregate({
      from,
      out,
      releaseId: '2027-03-01',
      secret: SECRET,
      clock: clockAt('2027-03-01T02:00:00Z'),
    });
    await aggregate({
      from,
      out,
      releaseId: '2027-03-02',
      secret: SECRET,
      clock: clockAt('2027-03-02T02:00:00Z'),
    });
    const dyadsOf = async (id: string): Promise<Set<string>> => {
      const csv = text((await readRelease(out, id)).get('scores_long.csv'));
      return new Set(
        csv
          .trimEnd()
          .split('\n')
          .slice(1)
          .map((line) => line.split(',')[0]!)
          .filter(Boolean),
      );
    };
    const first = await dyadsOf('2027-03-01');
    const second = await dyadsOf('2027-03-02');
    expect(first.size).toBe(fixture().dyads.length);
    expect([...first].some((p) => second.has(p))).toBe(false);
    const csv = text((await readRelease(out, '2027-03-01')).get('scores_long.csv'));
    for (const dyad of fixture().dyads) expect(csv).not.toContain(dyad.dyadId);
  });

  it('gives the same release from the store as from an export of that store', async () => {
    const data = fixture();
    const store = await seedStore(data);
    const bucket = new MemoryReleaseBucket();
    const fromStore = await aggregate({
      store,
      bucket,
      releaseId: '2027-03-01',
      secret: SECRET,
      clock: clockAt('2027-03-01T02:00:00Z'),
    });
    const dir = await scratch();
    await exportStore(store, dir);
    const out = await scratch();
    const fromExport = await aggregate({
      from: dir,
      out,
      releaseId: '2027-03-01',
      secret: SECRET,
      clock: clockAt('2027-03-01T02:00:00Z'),
    });
    expect(fromExport.manifest).toEqual(fromStore.manifest);
    const files = await readRelease(out, '2027-03-01');
    for (const entry of fromStore.manifest.files) {
      expect(
        Buffer.from((await bucket.get(`releases/2027-03-01/${entry.name}`))!).equals(files.get(entry.name)!),
        entry.name,
      ).toBe(true);
    }
    expect(await store.listReleases()).toEqual([
      expect.objectContaining({
        releaseId: '2027-03-01',
        studyId: 'fixture-study',
        inputs: fromStore.manifest.inputs,
      }),
    ]);
  });

  it('suppresses with the k given instead of the study threshold', async () => {
    const out = await scratch();
    const { manifest } = await aggregate({
      from: await exportFolder(),
      out,
      k: 1,
      secret: SECRET,
      clock: clockAt('2027-03-01T02:00:00Z'),
    });
    expect(manifest.suppressionK).toBe(1);
    const csv = text((await readRelease(out, manifest.releaseId)).get('agreement.csv'));
    expect(csv).not.toContain('true');
  });
});

describe('publishRelease', () => {
  it('writes the files first, then manifest.json, then latest.json', async () => {
    const keys: string[] = [];
    const inner = new MemoryReleaseBucket();
    const sink: ReleaseSink = {
      put: async (key, body, type) => {
        keys.push(key);
        await inner.put(key, body, type);
      },
      get: (key) => inner.get(key),
    };
    const computed = computeRelease(await loadRawExport(await exportFolder()), 3);
    const manifest: Manifest = await publishRelease(sink, computed, {
      releaseId: '2027-03-01',
      secret: SECRET,
      createdAt: 'now',
    });
    expect(keys.slice(-2)).toEqual(['releases/2027-03-01/manifest.json', 'releases/latest.json']);
    expect(keys.slice(0, -2)).toEqual(manifest.files.map((file) => `releases/2027-03-01/${file.name}`));
  });

  it('leaves latest.json on the previous release when a file fails to write', async () => {
    const out = await scratch();
    const computed = computeRelease(await loadRawExport(await exportFolder()), 3);
    await publishRelease(new FolderSink(out), computed, {
      releaseId: '2027-03-01',
      secret: SECRET,
      createdAt: 'then',
    });
    const folder = new FolderSink(out);
    let writes = 0;
    const failing: ReleaseSink = {
      put: async (key, body, type) => {
        if (++writes > 5) throw new Error('disk full');
        await folder.put(key, body, type);
      },
      get: (key) => folder.get(key),
    };
    await expect(
      publishRelease(failing, computed, { releaseId: '2027-03-02', secret: SECRET, createdAt: 'now' }),
    ).rejects.toThrow('disk full');
    expect(JSON.parse(await readFile(join(out, 'releases', 'latest.json'), 'utf8'))).toEqual({
      releaseId: '2027-03-01',
    });
    expect(await folder.get('releases/2027-03-02/manifest.json')).toBeUndefined();
  });
});
