import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aggregate } from '../analysis/publish.ts';
import { bucket } from '../functions/runtime/bucket.ts';
import type { LocalServer } from '../infra/local/server.ts';
import type { StudyInput } from '../shared/study/schema.ts';
import { api, startTestStack } from './local/harness.ts';

// The foundation's end-to-end slice (issue 2), over HTTP against the local stack: a coordinator
// enrols, participants consent and answer, the nightly job publishes, a researcher downloads.

const STUDY: StudyInput = {
  studyId: 'slice-test',
  title: { en: 'Slice test' },
  languages: ['en'],
  timezone: 'UTC',
  suppressionK: 5,
  sites: [{ siteId: 'north', name: 'North clinic', targetDyads: 10 }],
  instruments: ['alliance-client'],
  schedule: [{ instrument: 'alliance-client', role: 'client', sessions: '1-5' }],
  consent: [{ version: 1, text: { en: 'I agree to take part.' } }],
};

/** Session-1 client alliance answers of the five dyads; dyad 4 skips i1 (11 of 12 → prorated). */
const ANSWERS: Array<Record<string, number | null>> = [
  { i1: 4, i2: 4, i3: 5, i4: 4, i5: 5, i6: 4, i7: 4, i8: 4, i9: 5, i10: 4, i11: 4, i12: 4 }, // 51
  { i1: 3, i2: 3, i3: 3, i4: 3, i5: 3, i6: 3, i7: 3, i8: 3, i9: 3, i10: 3, i11: 3, i12: 3 }, // 36
  { i1: 5, i2: 5, i3: 5, i4: 5, i5: 5, i6: 5, i7: 5, i8: 5, i9: 5, i10: 5, i11: 5, i12: 5 }, // 60
  { i1: null, i2: 2, i3: 2, i4: 2, i5: 2, i6: 2, i7: 2, i8: 2, i9: 2, i10: 2, i11: 2, i12: 2 }, // 22/11·12 = 24
  { i1: 4, i2: 3, i3: 4, i4: 3, i5: 4, i6: 3, i7: 4, i8: 3, i9: 4, i10: 3, i11: 4, i12: 3 }, // 42
];
const TOTALS = [51, 36, 60, 24, 42];

const pathOf = (url: string) => new URL(url).pathname;

function parseCsv(text: string): Array<Record<string, string>> {
  const [header = '', ...lines] = text.trimEnd().split('\n');
  const names = header.split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((cell, i) => [names[i] ?? '', cell])));
}

describe('the foundation slice', () => {
  let stack: LocalServer;
  let http: ReturnType<typeof api>;

  beforeAll(async () => {
    stack = await startTestStack({ study: STUDY });
    http = api(stack);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('enrols, collects, aggregates and serves site_session_summary.csv with the submitted numbers', async () => {
    const coordinator = { as: 'coordinator-north' };
    const therapist = await http.post<{ therapist: { therapistId: string } }>(
      '/api/v1/sites/north/therapists',
      {},
      coordinator,
    );
    expect(therapist.status).toBe(201);
    const therapistId = therapist.body.therapist.therapistId;
    expect(therapistId).toMatch(/^T-[23456789ABCDEFGHJKMNPQRSTVWXYZ]{6}$/);

    const clientLinks: string[] = [];
    for (let i = 0; i < ANSWERS.length; i++) {
      const enrolled = await http.post<{
        dyad: { dyadId: string };
        links: { client: string; therapist: string };
      }>(
        '/api/v1/sites/north/dyads',
        { therapistId, modality: 'in_person', interpreter: false, language: 'en' },
        coordinator,
      );
      expect(enrolled.status).toBe(201);
      expect(enrolled.body.dyad.dyadId).toMatch(/^D-[23456789ABCDEFGHJKMNPQRSTVWXYZ]{6}$/);
      clientLinks.push(pathOf(enrolled.body.links.client));
    }
    // Links are handed out once and never stored: the listing carries no token.
    const listing = await http.get('/api/v1/sites/north/dyads', coordinator);
    expect(listing.status).toBe(200);
    for (const link of clientLinks) expect(listing.text).not.toContain(link.slice(3));

    const [first = ''] = clientLinks;
    const consentPage = await http.get(first, { headers: { accept: 'text/html' } });
    expect(consentPage.status).toBe(200);
    expect(consentPage.text).toContain('I agree to take part.');

    for (const [i, link] of clientLinks.entries()) {
      expect((await http.post(`${link}/consent`, { version: 1 })).status).toBe(201);
      const submissionId = `sliceTestSubmission${i}`.padEnd(22, '0');
      const submitted = await http.post<{ receipt: string }>(link, {
        session: 1,
        instrument: 'alliance-client',
        answers: ANSWERS[i],
        submissionId,
      });
      expect(submitted.status).toBe(201);
      expect(submitted.body.receipt).toEqual(expect.any(String));
      if (i === 0) {
        // The same submission again (a retry); another submit is a 409 whatever its answers.
        const again = await http.post<{ receipt: string }>(link, {
          session: 1,
          instrument: 'alliance-client',
          answers: ANSWERS[i],
          submissionId,
        });
        expect(again.status).toBe(200);
        expect(again.body.receipt).toBe(submitted.body.receipt);
        const conflicting = await http.post(link, {
          session: 1,
          instrument: 'alliance-client',
          answers: { ...ANSWERS[i], i2: 1 },
        });
        expect(conflicting.status).toBe(409);
        const bad = await http.post<{ error: { details: Array<{ path: string }> } }>(link, {
          session: 2,
          instrument: 'alliance-client',
          answers: { ...ANSWERS[i], i3: 9 },
        });
        expect(bad.status).toBe(400);
        expect(bad.body.error.details.map((detail) => detail.path)).toContain('answers.i3');
      }
    }

    const { manifest } = await aggregate({
      store: stack.store,
      bucket: bucket(),
      releaseId: '2026-11-25',
      secret: 'slice-test-secret',
      clock: () => new Date('2026-11-25T02:30:00Z'),
    });
    expect(manifest.files.map((file) => file.name)).toContain('site_session_summary.csv');

    const releases = await http.get<{ releases: Array<{ releaseId: string }> }>('/api/v1/releases', {
      as: 'researcher',
    });
    expect(releases.status).toBe(200);
    expect(releases.body.releases.map((release) => release.releaseId)).toContain('2026-11-25');

    const download = await http.get<{ url: string }>(
      '/api/v1/releases/2026-11-25/files/site_session_summary.csv',
      { as: 'researcher' },
    );
    expect(download.status).toBe(200);
    const file = await fetch(download.body.url);
    expect(file.status).toBe(200);
    const rows = parseCsv(await file.text()).filter((row) => row.scale === 'total');
    expect(rows.map((row) => row.site)).toEqual(['north', 'ALL']);
    const sorted = [...TOTALS].sort((a, b) => a - b);
    const mean = TOTALS.reduce((sum, x) => sum + x, 0) / TOTALS.length;
    const sd = Math.sqrt(TOTALS.reduce((sum, x) => sum + (x - mean) ** 2, 0) / (TOTALS.length - 1));
    for (const row of rows) {
      expect(row).toMatchObject({ session: '1', role: 'client', instrument: 'alliance-client', n: '5' });
      expect(Number(row.mean)).toBeCloseTo(mean, 12);
      expect(Number(row.sd)).toBeCloseTo(sd, 12);
      expect(Number(row.median)).toBe(sorted[2]);
      expect(Number(row.q1)).toBe(sorted[1]);
      expect(Number(row.q3)).toBe(sorted[3]);
      expect(row.suppressed).toBe('false');
    }
  });
});
