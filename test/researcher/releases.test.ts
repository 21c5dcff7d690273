import { describe, expect, it } from 'vitest';
import { MemoryReleaseBucket } from '../../shared/adapters/memory/bucket.ts';
import { MemoryTandemStore } from '../../shared/adapters/memory/store.ts';
import { ForbiddenError, NotFoundError } from '../../shared/errors.ts';
import type { ReleaseRecord } from '../../shared/ports.ts';
import { DOWNLOAD_URL_SECONDS, downloadLink, getManifest, listReleases } from '../../shared/releases.ts';

const manifest = {
  releaseId: '2027-03-01',
  studyId: 'alliance-2027',
  createdAt: '2027-03-01T01:30:00.000Z',
  generator: 'tandem test',
  suppressionK: 5,
  inputs: { dyads: 10, responses: 40, skipped: 0 },
  files: [
    { name: 'agreement.csv', tier: 'open', rows: 3, bytes: 80, sha256: 'a'.repeat(64) },
    { name: 'scores_long.csv', tier: 'analyst', rows: 40, bytes: 900, sha256: 'b'.repeat(64) },
  ],
};

const record = (releaseId: string, createdAt: string): ReleaseRecord => ({
  releaseId,
  createdAt,
  studyId: 'alliance-2027',
  files: 2,
  inputs: { dyads: 10, responses: 40, skipped: 0 },
});

async function world() {
  const store = new MemoryTandemStore();
  const bucket = new MemoryReleaseBucket();
  await bucket.put('releases/2027-03-01/manifest.json', JSON.stringify(manifest), 'application/json');
  await bucket.put('releases/latest.json', JSON.stringify({ releaseId: '2027-03-01' }), 'application/json');
  const deps = { store, bucket, clock: () => new Date('2027-03-02T08:00:00Z') };
  return { store, bucket, deps };
}

describe('listReleases', () => {
  it('lists releases newest first, a later run of a day before the earlier one, with the latest id', async () => {
    const { store, deps } = await world();
    await store.putRelease(record('2027-02-28', '2027-02-28T01:30:00Z'));
    await store.putRelease(record('2027-03-01', '2027-03-01T01:30:00Z'));
    await store.putRelease(record('2027-03-01.10', '2027-03-01T01:30:00Z'));
    await store.putRelease(record('2027-03-01.2', '2027-03-01T01:30:00Z'));
    const listed = await listReleases(deps);
    expect(listed.releases.map((r) => r.releaseId)).toEqual([
      '2027-03-01.10',
      '2027-03-01.2',
      '2027-03-01',
      '2027-02-28',
    ]);
    expect(listed.latest).toBe('2027-03-01');
  });

  it('answers an empty list and no latest before the first release', async () => {
    const deps = { store: new MemoryTandemStore(), bucket: new MemoryReleaseBucket() };
    expect(await listReleases(deps)).toEqual({ releases: [], latest: null });
  });
});

describe('getManifest', () => {
  it('returns the manifest as published', async () => {
    const { deps } = await world();
    expect(await getManifest(deps, '2027-03-01')).toEqual(manifest);
  });

  it('is 404 for a release whose manifest was never written', async () => {
    const { deps, bucket } = await world();
    await bucket.put('releases/2027-03-02/agreement.csv', 'site\n', 'text/csv');
    await expect(getManifest(deps, '2027-03-02')).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('downloadLink', () => {
  it('gives a researcher a 5-minute link to an open file and records one audit event', async () => {
    const { deps, store } = await world();
    const link = await downloadLink(
      deps,
      { subject: 'r-1', roles: ['researcher'] },
      '2027-03-01',
      'agreement.csv',
    );
    expect(link.expiresInSeconds).toBe(DOWNLOAD_URL_SECONDS);
    expect(DOWNLOAD_URL_SECONDS).toBe(300);
    expect(link.url).toBe(
      'memory://bucket/releases/2027-03-01/agreement.csv?expires=300&download=agreement.csv',
    );
    const events = await store.listAudit('2027-03-02', '2027-03-02');
    expect(events).toMatchObject([
      {
        actor: 'r-1',
        action: 'release.download',
        target: '2027-03-01/agreement.csv',
        detail: { tier: 'open' },
      },
    ]);
  });

  it('refuses an analyst-tier file to a researcher, without an audit event', async () => {
    const { deps, store } = await world();
    await expect(
      downloadLink(deps, { subject: 'r-1', roles: ['researcher'] }, '2027-03-01', 'scores_long.csv'),
    ).rejects.toBeInstanceOf(ForbiddenError);
    expect(await store.listAudit('2027-03-02', '2027-03-02')).toEqual([]);
  });

  it('gives an analyst the analyst-tier file', async () => {
    const { deps } = await world();
    const link = await downloadLink(
      deps,
      { subject: 'a-1', roles: ['analyst'] },
      '2027-03-01',
      'scores_long.csv',
    );
    expect(link.tier).toBe('analyst');
  });

  it('is 404 for a file the manifest does not list, even when the object exists', async () => {
    const { deps, bucket } = await world();
    await bucket.put('releases/2027-03-01/stray.csv', 'x\n', 'text/csv');
    await expect(
      downloadLink(deps, { subject: 'a-1', roles: ['analyst'] }, '2027-03-01', 'stray.csv'),
    ).rejects.toBeInstanceOf(NotFoundError);
  });
});
