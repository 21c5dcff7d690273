import { createHash } from 'node:crypto';
import type { ReleaseBucket, TandemStore } from '../../shared/ports.ts';

// A release published by hand, the way analysis/publish.ts lays it out (files, manifest, latest.json,
// release record), for tests of the read side that must not depend on the pipeline.

export const FIXTURE_RELEASE = '2027-03-01';

export const FIXTURE_FILES: Record<string, { tier: 'open' | 'analyst'; body: string; contentType: string }> =
  {
    'agreement.csv': {
      tier: 'open',
      body: 'site,n_pairs,r,mean_diff,sd_diff,suppressed\nberlin,12,0.41,2.5,5.1,false\nALL,12,0.41,2.5,5.1,false\n',
      contentType: 'text/csv; charset=utf-8',
    },
    'scores_long.csv': {
      tier: 'analyst',
      body: 'dyad,therapist,site,role,session,instrument,total\n3f9a,77c1,berlin,client,1,alliance-client,48\n',
      contentType: 'text/csv; charset=utf-8',
    },
    'load.R': {
      tier: 'open',
      body: 'agreement <- read.csv("agreement.csv")\n',
      contentType: 'text/plain; charset=utf-8',
    },
    'load.py': {
      tier: 'open',
      body: 'import pandas as pd\nagreement = pd.read_csv("agreement.csv")\n',
      contentType: 'text/plain; charset=utf-8',
    },
    'open-files.zip': {
      tier: 'open',
      body: 'PK stand-in: the page only lists it',
      contentType: 'application/zip',
    },
    'report.html': {
      tier: 'open',
      body: '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Report 2027-03-01</title></head><body><main><h1>Report of release 2027-03-01</h1></main></body></html>\n',
      contentType: 'text/html; charset=utf-8',
    },
  };

/** Publishes FIXTURE_RELEASE into the bucket and the store. */
export async function publishFixture(bucket: ReleaseBucket, store: TandemStore): Promise<void> {
  const files = [];
  for (const [name, file] of Object.entries(FIXTURE_FILES)) {
    await bucket.put(`releases/${FIXTURE_RELEASE}/${name}`, file.body, file.contentType);
    files.push({
      name,
      tier: file.tier,
      rows: name.endsWith('.csv') ? file.body.trim().split('\n').length - 1 : null,
      bytes: Buffer.byteLength(file.body),
      sha256: createHash('sha256').update(file.body).digest('hex'),
    });
  }
  const manifest = {
    releaseId: FIXTURE_RELEASE,
    studyId: 'researcher-test',
    createdAt: '2027-03-01T01:30:00.000Z',
    generator: 'test fixture',
    suppressionK: 5,
    inputs: { dyads: 12, responses: 48, skipped: 1 },
    files,
  };
  await bucket.put(`releases/${FIXTURE_RELEASE}/manifest.json`, JSON.stringify(manifest), 'application/json');
  await bucket.put(
    'releases/latest.json',
    JSON.stringify({ releaseId: FIXTURE_RELEASE }),
    'application/json',
  );
  await store.putRelease({
    releaseId: FIXTURE_RELEASE,
    createdAt: manifest.createdAt,
    studyId: manifest.studyId,
    files: files.length,
    inputs: manifest.inputs,
  });
}
