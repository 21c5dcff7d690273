import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalServer } from '../../infra/local/server.ts';
import { S3ReleaseBucket } from '../../shared/adapters/s3/bucket.ts';
import { axeViolations, launchChromium } from '../browser.ts';
import { api, startTestStack } from '../local/harness.ts';
import { FIXTURE_FILES, FIXTURE_RELEASE, publishFixture } from './published-fixture.ts';

let stack: LocalServer;
let today: string;
beforeAll(async () => {
  stack = await startTestStack();
  const bucket = new S3ReleaseBucket(stack.emulators.clients.s3, stack.emulators.bucketName);
  await publishFixture(bucket, stack.store);
  today = new Date().toISOString().slice(0, 10);
});
afterAll(async () => stack?.stop());

const downloads = async () =>
  (await stack.store.listAudit(today, today)).filter((event) => event.action === 'release.download');
const filePath = (name: string) => `/api/v1/releases/${FIXTURE_RELEASE}/files/${name}`;

describe('release routes over HTTP', () => {
  it('lists the releases with the latest to researchers and analysts, not to coordinators', async () => {
    const listed = await api(stack).get<{ releases: { releaseId: string }[]; latest: string }>(
      '/api/v1/releases',
      {
        as: 'researcher',
      },
    );
    expect(listed.status).toBe(200);
    expect(listed.body.latest).toBe(FIXTURE_RELEASE);
    expect(listed.body.releases.map((r) => r.releaseId)).toEqual([FIXTURE_RELEASE]);
    expect((await api(stack).get('/api/v1/releases', { as: 'analyst' })).status).toBe(200);
    expect(
      (await api(stack).get('/api/v1/releases', { as: { roles: ['coordinator'], sites: ['x'] } })).status,
    ).toBe(403);
    expect((await api(stack).get('/api/v1/releases')).status).toBe(401);
  });

  it('lets the lead list releases, read a manifest and take open-tier files, not analyst ones', async () => {
    const listed = await api(stack).get<{ latest: string }>('/api/v1/releases', { as: 'lead' });
    expect(listed.status).toBe(200);
    expect(listed.body.latest).toBe(FIXTURE_RELEASE);
    expect((await api(stack).get(`/api/v1/releases/${FIXTURE_RELEASE}`, { as: 'lead' })).status).toBe(200);
    const open = await api(stack).get<{ url: string }>(filePath('agreement.csv'), { as: 'lead' });
    expect(open.status).toBe(200);
    expect(await (await fetch(open.body.url)).text()).toBe(FIXTURE_FILES['agreement.csv']?.body);
    expect((await api(stack).get(filePath('scores_long.csv'), { as: 'lead' })).status).toBe(403);
  });

  it('returns the manifest, 404 for an unknown release and 400 for a malformed id', async () => {
    const manifest = await api(stack).get<{ files: { name: string }[] }>(
      `/api/v1/releases/${FIXTURE_RELEASE}`,
      {
        as: 'researcher',
      },
    );
    expect(manifest.body.files.map((f) => f.name)).toEqual(Object.keys(FIXTURE_FILES));
    expect((await api(stack).get('/api/v1/releases/2026-01-01', { as: 'researcher' })).status).toBe(404);
    const bad = await api(stack).get<{ error: { details: { path: string }[] } }>(
      '/api/v1/releases/not%20an%20id',
      {
        as: 'researcher',
      },
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0]?.path).toBe('releaseId');
  });

  it('enforces tiers and records exactly one audit event per download handed out', async () => {
    const before = (await downloads()).length;
    const open = await api(stack).get<{ url: string; expiresInSeconds: number }>(filePath('agreement.csv'), {
      as: 'researcher',
    });
    expect(open.status).toBe(200);
    expect(open.body.expiresInSeconds).toBe(300);
    expect(new URL(open.body.url).searchParams.get('X-Amz-Expires')).toBe('300');
    const fetched = await fetch(open.body.url);
    expect(fetched.headers.get('content-disposition')).toContain('agreement.csv');
    expect(await fetched.text()).toBe(FIXTURE_FILES['agreement.csv']?.body);

    const refused = await api(stack).get<{ error: { code: string } }>(filePath('scores_long.csv'), {
      as: 'researcher',
    });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('forbidden');

    const analyst = await api(stack).get<{ url: string }>(filePath('scores_long.csv'), { as: 'analyst' });
    expect(analyst.status).toBe(200);
    expect(await (await fetch(analyst.body.url)).text()).toBe(FIXTURE_FILES['scores_long.csv']?.body);

    expect((await api(stack).get(filePath('icc.csv'), { as: 'analyst' })).status).toBe(404);

    const events = (await downloads()).slice(before);
    expect(events.map((e) => [e.target, e.detail?.tier]).sort()).toEqual([
      [`${FIXTURE_RELEASE}/agreement.csv`, 'open'],
      [`${FIXTURE_RELEASE}/scores_long.csv`, 'analyst'],
    ]);
    expect(new Set(events.map((e) => e.actor)).size).toBe(2);
  });

  it('redirects clients that do not ask for JSON straight to the presigned URL', async () => {
    const response = await api(stack).get(filePath('agreement.csv'), {
      as: 'researcher',
      headers: { accept: '*/*' },
    });
    expect(response.status).toBe(302);
    const location = response.headers.get('location') ?? '';
    expect(location).toContain(`releases/${FIXTURE_RELEASE}/agreement.csv`);
    expect(await (await fetch(location)).text()).toBe(FIXTURE_FILES['agreement.csv']?.body);
  });
});

describe('the researcher page in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => browser?.close());

  async function signedInPage(who: 'researcher' | 'analyst') {
    const page = await browser.newPage({ acceptDownloads: true });
    const token = api(stack).token(who);
    await page.addInitScript({
      content: `sessionStorage.setItem('tandem.idToken', ${JSON.stringify(token)});`,
    });
    await page.goto(new URL('/researcher/', stack.url).toString());
    await page.locator(`details[data-release="${FIXTURE_RELEASE}"] table`).waitFor();
    return page;
  }

  it('lists the release with its manifest, hides analyst files from researchers and passes axe-core', async () => {
    const page = await signedInPage('researcher');
    const release = page.locator(`details[data-release="${FIXTURE_RELEASE}"]`);
    expect(await release.locator('summary').textContent()).toContain('latest');
    const rows = await release.locator('tbody tr').allTextContents();
    expect(rows).toHaveLength(Object.keys(FIXTURE_FILES).length);
    // A line to paste for each loader the release holds, and one archive of all open files.
    expect(await release.locator('[data-loader]').allTextContents()).toEqual([
      'R: source("load.R") Download',
      'Python: python3 -i load.py Download',
    ]);
    expect(await release.getByRole('button', { name: 'All open files open-files.zip' }).count()).toBe(1);
    // Counted and dated for people: "12 dyads", a formatted date rather than an ISO timestamp.
    expect(await release.locator('dl.facts').textContent()).toMatch(/12 dyads, 48 responses, 1 skipped/);
    expect(await release.locator('dl.facts time').textContent()).not.toContain('T01:30');
    expect(await page.locator('#status').textContent()).toBe('1 release.');
    expect(rows.find((row) => row.includes('scores_long.csv'))).toContain('analysts only');
    expect(await page.getByRole('button', { name: 'Download scores_long.csv' }).count()).toBe(0);
    expect(await axeViolations(page)).toEqual([]);

    const before = (await downloads()).length;
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download agreement.csv' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('agreement.csv');
    expect((await downloads()).length).toBe(before + 1);
    await page.close();
  });

  it('offers analyst files to analysts and opens the report in the browser', async () => {
    const page = await signedInPage('analyst');
    expect(await page.getByRole('button', { name: 'Download scores_long.csv' }).count()).toBe(1);
    await page.setViewportSize({ width: 360, height: 740 });
    expect(await axeViolations(page)).toEqual([]);
    await Promise.all([
      page.waitForURL(/report\.html/),
      page.getByRole('button', { name: /Open the report/ }).click(),
    ]);
    expect(await page.locator('h1').textContent()).toBe('Report of release 2027-03-01');
    await page.close();
  });
});
