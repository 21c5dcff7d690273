import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { aggregate } from '../../analysis/publish.ts';
import type { LocalServer } from '../../infra/local/server.ts';
import type { Role } from '../../shared/instruments/schema.ts';
import { answersAll, studyInput } from '../../shared/participation/testing.ts';
import { addTherapist, type EnrolledDyad, enrolDyad } from '../local/enrol.ts';
import { type ApiResponse, api, startTestStack } from '../local/harness.ts';

// No loss under load (issue 9, DESIGN §11 "none lost or doubled"): N distinct submissions over
// HTTP at concurrency 32, with the same submission sent twice at once (a double tap), a different
// submission for the same instrument and session racing it (a conflict), client withdrawals and
// link rotations mixed in. The next release must count, per site, session, role and instrument,
// exactly the submissions that got a 201, less those of withdrawn dyads: none lost, none doubled.
// SOAK_N=10000 for the closing note.

const N = Number(process.env.SOAK_N ?? 2000);
const CONCURRENCY = 32;
const SITES = ['berlin', 'hamburg', 'koeln'];
vi.setConfig({ testTimeout: Math.max(300_000, N * 150), hookTimeout: Math.max(120_000, N * 60) });

let stack: LocalServer;
let http: ReturnType<typeof api>;

beforeAll(async () => {
  stack = await startTestStack({
    study: {
      ...studyInput,
      suppressionK: 1,
      sites: SITES.map((siteId) => ({ siteId, name: siteId, targetDyads: 100 })),
    },
  });
  http = api(stack);
});
afterAll(async () => stack?.stop());

/** A small seeded generator (mulberry32), so a failing soak replays the same mix. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Submission {
  role: Role;
  session: number;
  instrument: string;
  items: number;
  /** The highest scale point (the lowest is 1, or 0 for PHQ-9). */
  low: number;
  high: number;
}

/** Every scheduled (role, session, instrument) of the test study for sessions 1–5. */
function plan(interpreter: boolean): Submission[] {
  const out: Submission[] = [];
  for (let session = 1; session <= 5; session++) {
    out.push({ role: 'client', session, instrument: 'alliance-client', items: 12, low: 1, high: 5 });
    out.push({ role: 'therapist', session, instrument: 'alliance-therapist', items: 12, low: 1, high: 5 });
    if (session === 1 || session === 5)
      out.push({ role: 'client', session, instrument: 'phq9', items: 9, low: 0, high: 3 });
    if (interpreter && session % 2 === 0)
      out.push({
        role: 'interpreter',
        session,
        instrument: 'alliance-interpreter',
        items: 12,
        low: 1,
        high: 5,
      });
  }
  return out;
}

/** Runs `tasks` with at most `limit` in flight. */
async function pool<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await task(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

type Step =
  | { kind: 'submit'; submission: Submission; duplicate: boolean; conflict: boolean }
  | { kind: 'rotate' }
  | { kind: 'withdraw' };

interface Script {
  dyad: EnrolledDyad;
  steps: Step[];
}

interface Tally {
  requests: number;
  created: number;
  repeated: number;
  conflicts: number;
  gone: number;
  retired: number;
  /** 503s answered by sending again. */
  unavailable: number;
  /** Keys that got a 201: a second 201 for a key is a doubled response. */
  createdKeys: Set<string>;
  /** Stored responses by natural key (a 201, or a 200 after a 503 whose first try was stored). */
  accepted: Map<string, { siteId: string; dyadId: string; role: Role; session: number; instrument: string }>;
  withdrawn: Set<string>;
  unexpected: string[];
}

describe('the local stack under load', () => {
  it(`counts in the next release exactly the ${N} submissions' accepted responses, none lost or doubled`, async () => {
    const started = performance.now();
    const rand = random(N);
    // Enrol enough dyads for N distinct submissions, a therapist for every five dyads of a site.
    const scripts: Script[] = [];
    let planned = 0;
    const blueprints: Array<{ siteId: string; interpreter: boolean; submissions: Submission[] }> = [];
    while (planned < N) {
      const interpreter = rand() < 0.2;
      const submissions = plan(interpreter).slice(0, N - planned);
      planned += submissions.length;
      blueprints.push({
        siteId: SITES[blueprints.length % SITES.length] as string,
        interpreter,
        submissions,
      });
    }
    const therapists = new Map<string, string[]>();
    for (const siteId of SITES) {
      const count = Math.ceil(blueprints.filter((b) => b.siteId === siteId).length / 5);
      const ids: string[] = [];
      for (let i = 0; i < count; i++) ids.push(await addTherapist(http, siteId));
      therapists.set(siteId, ids);
    }
    await pool(
      blueprints.map((blueprint, index) => ({ blueprint, index })),
      CONCURRENCY,
      async ({ blueprint, index }) => {
        const ofSite = therapists.get(blueprint.siteId) ?? [];
        const therapistId = ofSite[index % ofSite.length] as string;
        const dyad = await enrolDyad(http, blueprint.siteId, therapistId, {
          interpreter: blueprint.interpreter,
        });
        for (const link of Object.values(dyad.links)) {
          const consent = await http.post(`${link}/consent`, { version: 1 });
          if (consent.status !== 201) throw new Error(`consent answered ${consent.status}`);
        }
        scripts[index] = { dyad, steps: [] };
      },
    );
    // Each dyad's steps in random order, with double taps, conflicts, rotations and withdrawals.
    for (const [index, blueprint] of blueprints.entries()) {
      const script = scripts[index] as Script;
      const submissions = [...blueprint.submissions].sort(() => rand() - 0.5);
      for (const submission of submissions)
        script.steps.push({ kind: 'submit', submission, duplicate: rand() < 0.1, conflict: rand() < 0.05 });
      if (rand() < 0.05) script.steps.splice(Math.floor(rand() * script.steps.length), 0, { kind: 'rotate' });
      if (rand() < 0.04)
        script.steps.splice(Math.floor(rand() * script.steps.length), 0, { kind: 'withdraw' });
    }
    const setup = performance.now();

    const tally: Tally = {
      requests: 0,
      created: 0,
      repeated: 0,
      conflicts: 0,
      gone: 0,
      retired: 0,
      unavailable: 0,
      createdKeys: new Set(),
      accepted: new Map(),
      withdrawn: new Set(),
      unexpected: [],
    };
    /** Sends as a client that honours 503 would: again, up to five times, after a short wait. */
    const retrying = async <T>(send: () => Promise<ApiResponse<T>>): Promise<ApiResponse<T>> => {
      for (let attempt = 1; ; attempt++) {
        const response = await send();
        if (response.status !== 503 || attempt === 5) return response;
        tally.unavailable++;
        await setTimeout(250 * attempt);
      }
    };
    const runScript = async ({ dyad, steps }: Script) => {
      const links = { ...dyad.links };
      const retired = new Set<string>();
      let withdrawn = false;
      for (const step of steps) {
        if (step.kind === 'rotate') {
          tally.requests++;
          const rotated = await retrying(() =>
            http.post<{ link: string }>(
              `/api/v1/sites/${dyad.siteId}/dyads/${dyad.dyadId}/links/client/rotate`,
              {},
              { as: 'lead' },
            ),
          );
          if (rotated.status === 201) {
            retired.add(links.client ?? '');
            links.client = new URL(rotated.body.link).pathname;
          } else if (!(withdrawn && rotated.status === 410))
            tally.unexpected.push(`rotate ${dyad.dyadId}: ${rotated.status} ${rotated.text}`);
          continue;
        }
        if (step.kind === 'withdraw') {
          tally.requests++;
          const done = await retrying(() => http.post(`${links.client}/withdraw`, { confirm: true }));
          // 410: a retry after a 503 found the withdrawal under way and finished it.
          if (done.status !== 200 && done.status !== 410)
            tally.unexpected.push(`withdraw ${dyad.dyadId}: ${done.status} ${done.text}`);
          withdrawn = true;
          tally.withdrawn.add(dyad.dyadId);
          continue;
        }
        const { submission } = step;
        const link = links[submission.role] ?? '';
        const value = () => submission.low + Math.floor(rand() * (submission.high - submission.low + 1));
        const body = {
          session: submission.session,
          instrument: submission.instrument,
          answers: answersAll(submission.items, value()),
          submissionId: randomBytes(16).toString('base64url'),
        };
        const other = {
          ...body,
          answers: answersAll(submission.items, submission.high),
          submissionId: randomBytes(16).toString('base64url'),
        };
        if (other.answers.i1 === body.answers.i1)
          other.answers = answersAll(submission.items, submission.low);
        const sends = [body, ...(step.duplicate ? [body] : []), ...(step.conflict ? [other] : [])];
        tally.requests += sends.length;
        const responses = await Promise.all(
          sends.map((sent) => retrying(() => http.post<{ receipt?: string }>(link, sent))),
        );
        const key = `${dyad.dyadId}|${submission.role}|${submission.session}|${submission.instrument}`;
        const receipts = new Set<string>();
        for (const response of responses) {
          const what = `${key}: ${response.status} ${response.text.slice(0, 200)}`;
          if (response.status === 201) {
            tally.created++;
            // A 200 of the same key may have been read first (its request reached the store first).
            if (tally.createdKeys.has(key)) tally.unexpected.push(`second 201 for ${what}`);
            tally.createdKeys.add(key);
            tally.accepted.set(key, { siteId: dyad.siteId, dyadId: dyad.dyadId, ...submission });
            receipts.add(response.body.receipt ?? '');
          } else if (response.status === 200) {
            // Stored: by its double tap, or by this request's own first try before a 503.
            tally.repeated++;
            if (!tally.accepted.has(key))
              tally.accepted.set(key, { siteId: dyad.siteId, dyadId: dyad.dyadId, ...submission });
            receipts.add(response.body.receipt ?? '');
          } else if (response.status === 409) tally.conflicts++;
          else if (response.status === 410 && withdrawn) tally.gone++;
          else if (response.status === 404 && retired.has(link)) tally.retired++;
          else tally.unexpected.push(what);
        }
        // A double tap and its original share one receipt; a conflict never gets one of its own.
        if (receipts.size > 1) tally.unexpected.push(`${key}: receipts ${[...receipts].join(', ')}`);
      }
    };
    await pool(scripts, CONCURRENCY, runScript);
    const load = performance.now();

    // The next release, from the store, at k = 1: counts per site, session, role and instrument.
    const out = await mkdtemp(join(tmpdir(), 'tandem-soak-'));
    const { manifest } = await aggregate({
      store: stack.store,
      out,
      releaseId: '2027-06-01',
      k: 1,
      secret: 'soak',
      clock: () => new Date('2027-06-01T03:00:00Z'),
    });
    const summary = await readFile(join(out, 'releases', '2027-06-01', 'site_session_summary.csv'), 'utf8');
    await rm(out, { recursive: true, force: true });
    const [header = '', ...rows] = summary.trim().split('\n');
    const columns = header.split(',');
    const at = (name: string) => columns.indexOf(name);
    const released = new Map<string, number>();
    for (const row of rows) {
      const cells = row.split(',');
      if (cells[at('site')] === 'ALL' || cells[at('scale')] !== 'total') continue;
      const key = ['site', 'session', 'role', 'instrument'].map((c) => cells[at(c)]).join('|');
      released.set(key, Number(cells[at('n')]));
    }
    const expected = new Map<string, number>();
    for (const response of tally.accepted.values()) {
      if (tally.withdrawn.has(response.dyadId)) continue;
      const key = [response.siteId, response.session, response.role, response.instrument].join('|');
      expected.set(key, (expected.get(key) ?? 0) + 1);
    }
    let lost = 0;
    let doubled = 0;
    for (const key of new Set([...expected.keys(), ...released.keys()])) {
      const difference = (released.get(key) ?? 0) - (expected.get(key) ?? 0);
      if (difference < 0) lost -= difference;
      else doubled += difference;
    }
    const accepted = [...expected.values()].reduce((a, b) => a + b, 0);
    const seconds = (ms: number) => (ms / 1000).toFixed(1);
    process.stdout.write(
      `soak N=${N}: ${tally.requests} requests at concurrency ${CONCURRENCY} (${tally.created} created, ${tally.repeated} repeats, ${tally.conflicts} conflicts, ${tally.gone} after withdrawal, ${tally.retired} on retired links, ${tally.unavailable} 503s sent again); ${tally.withdrawn.size} dyads withdrawn; released ${manifest.inputs.responses} = accepted ${accepted}; lost ${lost}, doubled ${doubled}; setup ${seconds(setup - started)} s, load ${seconds(load - setup)} s, release ${seconds(performance.now() - load)} s\n`,
    );

    expect(tally.unexpected).toEqual([]);
    expect(lost).toBe(0);
    expect(doubled).toBe(0);
    expect(manifest.inputs.responses).toBe(accepted);
    expect(tally.created).toBeGreaterThan(N * 0.9);
    expect(tally.repeated).toBeGreaterThan(0);
    expect(tally.conflicts).toBeGreaterThan(0);
  });
});
