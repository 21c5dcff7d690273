import { createHash, createHmac } from 'node:crypto';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalServer } from '../../infra/local/server.ts';
import { ALREADY_ANSWERED_LIMIT, ATTEMPT_LIMIT } from '../../shared/participation/attempts.ts';
import { answersAll, studyInput } from '../../shared/participation/testing.ts';
import { addTherapist, api, enrolDyad, startTestStack } from '../local/harness.ts';

// The participant walk of DESIGN §5 over HTTP: a double tap (the same submissionId twice) stores
// once and gets one receipt; any other submit for the answered questionnaire gets the same 409,
// whatever its answers, so a link cannot be used to find out what was answered; the 11th 409 within
// the hour gets 429. As a script sends JSON, and as a browser without JavaScript posts its form.
// And the unknown-token limiter (429), first, while this stack's address is still fresh.

let stack: LocalServer;
let http: ReturnType<typeof api>;

beforeAll(async () => {
  stack = await startTestStack({ study: studyInput });
  http = api(stack);
});
afterAll(async () => stack?.stop());

/** A new dyad at site berlin; the path of its client link, consented. */
async function consentedClient(): Promise<{ dyadId: string; link: string }> {
  const { therapistId } = await addTherapist(http);
  const { dyadId, links } = await enrolDyad(http, { therapistId });
  expect((await http.post(`${links.client}/consent`, { version: 1 })).status).toBe(201);
  return { dyadId, link: links.client };
}

const html = { accept: 'text/html' };

function postForm(link: string, fields: Record<string, string | number>) {
  const body = new URLSearchParams(Object.entries(fields).map(([k, v]): [string, string] => [k, String(v)]));
  return http.request('POST', link, body.toString(), {
    headers: { ...html, 'content-type': 'application/x-www-form-urlencoded' },
  });
}

const receiptIn = (page: string): string | undefined => /R-[2-9A-Z]{8}/.exec(page)?.[0];

const PARALLEL = 100;

describe('unknown-token limiter', () => {
  it(`answers exactly ${ATTEMPT_LIMIT} of ${PARALLEL} parallel unknown tokens from one fresh address with 404, the rest with 429`, async () => {
    const statuses = await Promise.all(
      Array.from(
        { length: PARALLEL },
        async (_, i) => (await http.get(`/s/unknownToken${String(i).padStart(8, '0')}`)).status,
      ),
    );
    expect(statuses.filter((status) => status === 404)).toHaveLength(ATTEMPT_LIMIT);
    expect(statuses.filter((status) => status === 429)).toHaveLength(PARALLEL - ATTEMPT_LIMIT);
  });

  it('stores the address only under a keyed hash, which no unkeyed SHA-256 of the address matches', async () => {
    const { emulators } = stack;
    const scanned = await emulators.clients.dynamodb.send(
      new ScanCommand({ TableName: emulators.tableName }),
    );
    const items = scanned.Items ?? [];
    const counters = items.filter((item) => String(item.pk).startsWith('ATTEMPT#'));
    expect(counters).toHaveLength(1);
    const [, stored = ''] = String(counters[0]?.pk).split('#');
    const address = '127.0.0.1';
    expect(stored).toBe(
      createHmac('sha256', process.env.TANDEM_ATTEMPT_SECRET ?? '')
        .update(address)
        .digest('base64url'),
    );
    const unkeyed = [address, `tandem-attempts:${address}`, `::ffff:${address}`].flatMap((input) => {
      const digest = createHash('sha256').update(input).digest();
      return [digest.toString('hex'), digest.toString('base64url'), digest.toString('base64')];
    });
    for (const candidate of unkeyed) {
      expect(candidate.startsWith(stored.slice(0, 8))).toBe(false);
      expect(stored.includes(candidate.slice(0, 16))).toBe(false);
    }
    // Nothing else in the table holds the address itself.
    expect(JSON.stringify(items)).not.toContain(address);
  });
});

describe('the participant walk', () => {
  it('as JSON: a double tap gets 201 and 200 with one receipt; any other submit the same 409; the 11th 409 in the hour 429', async () => {
    const { dyadId, link } = await consentedClient();
    const page = await http.get<{ instrument: string; submissionId: string }>(`${link}?session=1`);
    expect(page.body.instrument).toBe('alliance-client');
    const submission = {
      session: 1,
      instrument: 'alliance-client',
      answers: answersAll(12, 4),
      submissionId: page.body.submissionId,
    };
    const taps = await Promise.all([0, 1].map(() => http.post<{ receipt: string }>(link, submission)));
    expect(taps.map((tap) => tap.status).sort()).toEqual([200, 201]);
    expect(taps[0]?.body.receipt).toMatch(/^R-[2-9A-Z]{8}$/);
    expect(taps[1]?.body.receipt).toBe(taps[0]?.body.receipt);
    expect(await stack.store.listResponses(`DYAD#${dyadId}`)).toHaveLength(1);

    // Guesses: the same answers, other answers, with no id or a fresh one. One answer for all.
    const { submissionId: _, ...withoutId } = submission;
    const guesses = [
      withoutId,
      { ...withoutId, answers: answersAll(12, 1) },
      { ...withoutId, answers: answersAll(12, 5), submissionId: 'aFreshIdFromAnotherPage1' },
      { ...withoutId, submissionId: 'aFreshIdFromAnotherPage2' },
    ];
    const answered = [];
    for (const guess of guesses) answered.push(await http.post(link, guess));
    expect(answered.map((response) => response.status)).toEqual([409, 409, 409, 409]);
    expect(answered[0]?.body).toEqual({
      error: {
        code: 'already_answered',
        message: 'This questionnaire was already answered for this session; the first answers are kept.',
      },
    });
    expect(new Set(answered.map((response) => response.text)).size).toBe(1);
    for (const response of answered)
      expect(response.headers.get('content-length')).toBe(answered[0]?.headers.get('content-length'));

    const more = [];
    for (let i = guesses.length; i <= ALREADY_ANSWERED_LIMIT; i++)
      more.push((await http.post(link, { ...withoutId, answers: answersAll(12, 1 + (i % 5)) })).status);
    expect(more).toEqual([...Array(ALREADY_ANSWERED_LIMIT - guesses.length).fill(409), 429]);
    const stored = await stack.store.listResponses(`DYAD#${dyadId}`);
    expect(stored.map((r) => r.answers.i1)).toEqual([4]);
  });

  it('as a browser without JavaScript: the form’s hidden submissionId makes a double tap one receipt, and another post the same 409 page', async () => {
    const { dyadId, link } = await consentedClient();
    // Session 2 owes the client one questionnaire, so its post answers with the thank-you page.
    const page = await http.get(`${link}?session=2`, { headers: html });
    const submissionId = /<input type="hidden" name="submissionId" value="([A-Za-z0-9_-]{22})">/.exec(
      page.text,
    )?.[1];
    expect(submissionId).toBeDefined();
    const fields = { session: 2, instrument: 'alliance-client', lang: 'en', ...answersAll(12, 3) };
    const taps = await Promise.all(
      [0, 1].map(() => postForm(link, { ...fields, submissionId: submissionId ?? '' })),
    );
    expect(taps.map((tap) => tap.status).sort()).toEqual([200, 201]);
    const receipts = taps.map((tap) => receiptIn(tap.text));
    expect(receipts[0]).toBeDefined();
    expect(receipts[1]).toBe(receipts[0]);
    expect(await stack.store.listResponses(`DYAD#${dyadId}`)).toHaveLength(1);

    // The page loaded again (a fresh id), or the form sent without its id: the same page either way.
    const same = await postForm(link, fields);
    const other = await postForm(link, {
      ...fields,
      ...answersAll(12, 1),
      submissionId: 'aFreshIdFromAnotherPage3',
    });
    expect([same.status, other.status]).toEqual([409, 409]);
    expect(same.text).toContain('<h1>Already answered</h1>');
    expect(other.text).toBe(same.text);
  });
});
