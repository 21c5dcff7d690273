import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateStudy } from '../../analysis/demo/generate.ts';
import type { Manifest } from '../../analysis/release.ts';
import { handler as combine } from '../../functions/nightly/combine.ts';
import { handler as listSites } from '../../functions/nightly/list-sites.ts';
import { handler as scoreSite } from '../../functions/nightly/score-site.ts';
import { storeDemoData } from '../../infra/local/demo.ts';
import type { LocalServer } from '../../infra/local/server.ts';
import { api, startTestStack } from '../local/harness.ts';

// A release made by the nightly Lambda handlers themselves (runtime store, bucket and secret of the
// local stack), then read and downloaded over HTTP as researchers and analysts do.

let stack: LocalServer;
let manifest: Manifest;
const RELEASE = '2027-03-01';

beforeAll(async () => {
  stack = await startTestStack();
  await storeDemoData({ store: stack.store, log: () => {} }, generateStudy({ sites: 3, dyads: 40, seed: 7 }));
  const plan = await listSites({ releaseId: RELEASE, trigger: 'test' });
  const partials = await Promise.all(plan.sites.map((task) => scoreSite(JSON.parse(JSON.stringify(task)))));
  const result = await combine(JSON.parse(JSON.stringify({ ...plan, partials })));
  expect(result.releaseId).toBe(RELEASE);
  manifest = (await api(stack).get<Manifest>(`/api/v1/releases/${RELEASE}`, { as: 'researcher' })).body;
}, 120_000);
afterAll(async () => stack?.stop());

const today = () => new Date().toISOString().slice(0, 10);
const downloads = async () =>
  (await stack.store.listAudit(today(), today())).filter((event) => event.action === 'release.download');
const sha256 = (bytes: ArrayBuffer) => createHash('sha256').update(new Uint8Array(bytes)).digest('hex');

describe('a nightly release over HTTP', () => {
  it('is listed as the latest release', async () => {
    const listed = await api(stack).get<{ latest: string; releases: { releaseId: string }[] }>(
      '/api/v1/releases',
      {
        as: 'analyst',
      },
    );
    expect(listed.body.latest).toBe(RELEASE);
    expect(listed.body.releases[0]?.releaseId).toBe(RELEASE);
  });

  it('gives researchers every open file, byte for byte as the manifest lists it, and nothing of the analyst tier', async () => {
    const before = (await downloads()).length;
    const open = manifest.files.filter((file) => file.tier === 'open');
    const analystOnly = manifest.files.filter((file) => file.tier === 'analyst');
    expect(analystOnly.map((file) => file.name).sort()).toEqual([
      'load_analyst.sps',
      'redcap_dictionary.csv',
      'redcap_import.csv',
      'scores_long.csv',
      'scores_long.parquet',
    ]);
    for (const file of open) {
      const link = await api(stack).get<{ url: string }>(`/api/v1/releases/${RELEASE}/files/${file.name}`, {
        as: 'researcher',
      });
      expect(link.status, file.name).toBe(200);
      const body = await (await fetch(link.body.url)).arrayBuffer();
      expect(sha256(body), file.name).toBe(file.sha256);
    }
    for (const file of analystOnly) {
      const refused = await api(stack).get(`/api/v1/releases/${RELEASE}/files/${file.name}`, {
        as: 'researcher',
      });
      expect(refused.status, file.name).toBe(403);
    }
    const events = (await downloads()).slice(before);
    // Events in the same millisecond sort by their random id, so compare as sets.
    expect(events.map((event) => event.target).sort()).toEqual(
      open.map((file) => `${RELEASE}/${file.name}`).sort(),
    );
  });

  it('gives analysts the analyst tier, one audit event per link', async () => {
    const before = (await downloads()).length;
    for (const name of ['scores_long.csv', 'scores_long.parquet']) {
      const link = await api(stack).get<{ url: string }>(`/api/v1/releases/${RELEASE}/files/${name}`, {
        as: 'analyst',
      });
      expect(link.status).toBe(200);
      const body = await (await fetch(link.body.url)).arrayBuffer();
      expect(sha256(body)).toBe(manifest.files.find((file) => file.name === name)?.sha256);
    }
    const events = (await downloads()).slice(before);
    expect(events).toHaveLength(2);
    expect(events.map((event) => event.detail?.tier)).toEqual(['analyst', 'analyst']);
  });
});
