import { mkdtemp, readFile } from 'node:fs/promises';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportStore } from '../../analysis/export.ts';
import { pseudonym } from '../../analysis/pseudonyms.ts';
import { aggregate } from '../../analysis/publish.ts';
import type { LocalServer } from '../../infra/local/server.ts';
import { resetConfig } from '../../shared/config.ts';
import { answersAll, studyInput } from '../../shared/participation/testing.ts';
import type { StoredResponse } from '../../shared/ports.ts';
import { addTherapist, api, enrolDyad, startTestStack } from '../local/harness.ts';

// DESIGN §4 "Withdrawal is final even under races", over HTTP against the local stack (dynalite, the
// real handlers and their link cache): submissions that opened their link before a withdrawal and
// write after it must not survive, in the store, in `tandem export`, nor in the next release.

/** Trials of a client's withdrawal racing SUBMISSIONS submissions of the dyad's three links. */
const CLIENT_TRIALS = 20;
/** Trials of a therapist's withdrawal racing their ratings in two dyads, their own and the clients'. */
const THERAPIST_TRIALS = 6;

/** Most a store call is held on its way to the emulator, and back. */
const NETWORK_JITTER_MS = 8;

/**
 * An HTTP proxy in front of the emulator that holds each request and each response for a random
 * 0–`jitterMs`: the network between Lambda and DynamoDB. The in-process emulator answers within
 * microseconds, which makes the window between a submission's read and its write, and between a
 * withdrawal's mark and its listing, too narrow to race in a test; on AWS it is milliseconds.
 */
async function networkBetween(
  target: string,
  jitterMs: number,
): Promise<{ url: string; close(): Promise<void> }> {
  const hold = () => new Promise((resolve) => setTimeout(resolve, Math.random() * jitterMs));
  const proxy = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', async () => {
      await hold();
      const forwarded = request(
        new URL(incoming.url ?? '/', target),
        { method: incoming.method, headers: incoming.headers },
        async (answer) => {
          const body: Buffer[] = [];
          for await (const chunk of answer) body.push(chunk as Buffer);
          await hold();
          outgoing.writeHead(answer.statusCode ?? 500, answer.headers);
          outgoing.end(Buffer.concat(body));
        },
      );
      forwarded.on('error', (error) => outgoing.destroy(error));
      forwarded.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const { port } = proxy.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        proxy.closeAllConnections();
        proxy.close(() => resolve());
      }),
  };
}

let stack: LocalServer;
let http: ReturnType<typeof api>;
let network: Awaited<ReturnType<typeof networkBetween>> | undefined;

beforeAll(async () => {
  stack = await startTestStack({ study: { ...studyInput, suppressionK: 1 } });
  http = api(stack);
  // The handlers reach the emulator through the network; the test reads the store directly.
  network = await networkBetween(stack.emulators.dynamodbEndpoint, NETWORK_JITTER_MS);
  process.env.TANDEM_DYNAMODB_ENDPOINT = network.url;
  resetConfig();
});
afterAll(async () => {
  await stack?.stop();
  await network?.close();
});

interface Submission {
  link: string;
  session: number;
  instrument: string;
  items: number;
}

/** What a dyad's three links can answer at once: 7 client, 5 therapist and 3 interpreter questionnaires. */
const dyadSubmissions = (links: { client: string; therapist: string; interpreter: string }): Submission[] => [
  ...[1, 2, 3, 4, 5].map((session) => ({
    link: links.client,
    session,
    instrument: 'alliance-client',
    items: 12,
  })),
  ...[1, 5].map((session) => ({ link: links.client, session, instrument: 'phq9', items: 9 })),
  ...[1, 2, 3, 4, 5].map((session) => ({
    link: links.therapist,
    session,
    instrument: 'alliance-therapist',
    items: 12,
  })),
  ...[2, 4, 6].map((session) => ({
    link: links.interpreter,
    session,
    instrument: 'alliance-interpreter',
    items: 12,
  })),
];

/** A dyad with an interpreter, every link consented (and so kept by the server's link cache). */
async function consentedDyad(therapistId: string) {
  const { dyadId, links } = await enrolDyad(http, { therapistId, interpreter: true });
  const all = { ...links, interpreter: links.interpreter ?? '' };
  for (const link of Object.values(all))
    expect((await http.post(`${link}/consent`, { version: 1 })).status).toBe(201);
  return { dyadId, links: all };
}

const submit = (s: Submission) =>
  http.post(s.link, { session: s.session, instrument: s.instrument, answers: answersAll(s.items, 3) });

/** How long a withdrawal takes here (measured in beforeAll). */
let withdrawalMs = 0;

/**
 * Spreads the submissions over one and a half times the time a withdrawal takes, in random order
 * as participants tap, and starts the withdrawal a third of the way in: the first submissions are
 * stored before it (and then deleted by it), the middle ones open their link before it marks the
 * owner and may write after it lists, the last ones find the link gone. Returns their statuses.
 */
async function race(submissions: Submission[], withdrawLink: string): Promise<number[]> {
  const after = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const withdrawal = after(withdrawalMs / 2).then(() =>
    http.post(`${withdrawLink}/withdraw`, { confirm: true }),
  );
  const statuses = Promise.all(
    submissions.map(async (s) => {
      await after(Math.random() * withdrawalMs * 1.5);
      return (await submit(s)).status;
    }),
  );
  expect((await withdrawal).status).toBe(200);
  return statuses;
}

const withdrawnDyads: string[] = [];
const withdrawnTherapists: string[] = [];
const outcomes: number[] = [];

describe('withdrawal racing submissions over HTTP', () => {
  beforeAll(async () => {
    const { therapistId } = await addTherapist(http);
    const { links } = await consentedDyad(therapistId);
    const statuses = await Promise.all(dyadSubmissions(links).map(async (s) => (await submit(s)).status));
    expect(statuses).toEqual(Array(15).fill(201));
    const started = performance.now();
    expect((await http.post(`${links.client}/withdraw`, { confirm: true })).status).toBe(200);
    withdrawalMs = performance.now() - started;
  }, 60_000);

  it(`keeps none of a withdrawn dyad’s answers in ${CLIENT_TRIALS} trials of 15 submissions racing the client’s withdrawal`, async () => {
    const surviving: number[] = [];
    for (let trial = 0; trial < CLIENT_TRIALS; trial++) {
      const { therapistId } = await addTherapist(http);
      const { dyadId, links } = await consentedDyad(therapistId);
      const submissions = dyadSubmissions(links);
      expect(submissions).toHaveLength(15);
      outcomes.push(...(await race(submissions, links.client)));
      withdrawnDyads.push(dyadId);
      surviving.push((await stack.store.listResponses(`DYAD#${dyadId}`)).length);
    }
    expect(surviving).toEqual(Array(CLIENT_TRIALS).fill(0));
    // Each submission either was accepted before the withdrawal (and then deleted by it) or was refused.
    expect(outcomes.filter((status) => status !== 201 && status !== 410)).toEqual([]);
    // The trials did race: some submissions were accepted, some refused.
    expect(outcomes).toContain(201);
    expect(outcomes).toContain(410);
  }, 240_000);

  it(`keeps none of a withdrawn therapist’s ratings in ${THERAPIST_TRIALS} trials racing the therapist’s withdrawal, and the clients’ answers`, async () => {
    const surviving: number[] = [];
    const lostClientAnswers: number[] = [];
    for (let trial = 0; trial < THERAPIST_TRIALS; trial++) {
      const therapist = await addTherapist(http);
      expect((await http.post(`${therapist.link}/consent`, { version: 1 })).status).toBe(201);
      const first = await consentedDyad(therapist.therapistId);
      const second = await consentedDyad(therapist.therapistId);
      const submissions = [
        ...dyadSubmissions(first.links).filter((s) => s.link !== first.links.interpreter),
        ...dyadSubmissions(second.links).filter((s) => s.link === second.links.therapist),
        { link: therapist.link, session: 1, instrument: 'therapist-wellbeing', items: 6 },
      ];
      const statuses = await race(submissions, first.links.therapist);
      outcomes.push(...statuses);
      withdrawnTherapists.push(therapist.therapistId);
      const stored = [
        ...(await stack.store.listResponses(`DYAD#${first.dyadId}`)),
        ...(await stack.store.listResponses(`DYAD#${second.dyadId}`)),
        ...(await stack.store.listResponses(`THER#${therapist.therapistId}`)),
      ];
      surviving.push(stored.filter((r) => r.role === 'therapist').length);
      // The client stays in the study: every answer the client was told was stored is still there.
      const acceptedClient = submissions.filter(
        (s, i) => s.link === first.links.client && statuses[i] === 201,
      );
      lostClientAnswers.push(acceptedClient.length - stored.filter((r) => r.role === 'client').length);
    }
    expect(surviving).toEqual(Array(THERAPIST_TRIALS).fill(0));
    expect(lostClientAnswers).toEqual(Array(THERAPIST_TRIALS).fill(0));
  }, 240_000);

  it('leaves none of them in `tandem export` nor in the next release’s scores_long', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tandem-race-'));
    await exportStore(stack.store, join(dir, 'export'));
    const exported = (await readFile(join(dir, 'export', 'responses.jsonl'), 'utf8'))
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as StoredResponse);
    expect(exported.length).toBeGreaterThan(0);
    const ofWithdrawn = (r: StoredResponse) =>
      (r.dyadId !== null && withdrawnDyads.includes(r.dyadId)) ||
      (r.role === 'therapist' && withdrawnTherapists.includes(r.therapistId));
    expect(exported.filter(ofWithdrawn)).toEqual([]);

    const releaseId = '2027-06-01';
    const secret = 'withdrawal-race';
    await aggregate({
      store: stack.store,
      out: join(dir, 'out'),
      releaseId,
      secret,
      clock: () => new Date(`${releaseId}T03:00:00Z`),
    });
    const [header = '', ...rows] = (
      await readFile(join(dir, 'out', 'releases', releaseId, 'scores_long.csv'), 'utf8')
    )
      .trim()
      .split('\n');
    const columns = header.split(',');
    const [dyadColumn, therapistColumn, roleColumn] = ['dyad', 'therapist', 'role'].map((name) =>
      columns.indexOf(name),
    );
    const cells = rows.map((row) => row.split(','));
    expect(cells.length).toBe(exported.length);
    const gone = new Set(withdrawnDyads.map((id) => pseudonym(secret, releaseId, id, 'D')));
    const goneTherapists = new Set(withdrawnTherapists.map((id) => pseudonym(secret, releaseId, id, 'T')));
    expect(cells.filter((cell) => gone.has(cell[dyadColumn!] ?? ''))).toEqual([]);
    expect(
      cells.filter(
        (cell) => cell[roleColumn!] === 'therapist' && goneTherapists.has(cell[therapistColumn!] ?? ''),
      ),
    ).toEqual([]);
  }, 120_000);
});
