import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { storeClient } from '../../functions/runtime/store.ts';
import type { LocalServer } from '../../infra/local/server.ts';
import { hashToken } from '../../shared/ids.ts';
import { answersAll, studyInput } from '../../shared/participation/testing.ts';
import { ownerKeyOf } from '../../shared/ports.ts';
import { addTherapist, enrolDyad, linkOf } from '../local/enrol.ts';
import { type ApiResponse, api, startTestStack } from '../local/harness.ts';
import { consented, storeChecks } from './checks.ts';
import { FaultInjector, type FaultKind, type FaultInjector as Injector } from './inject.ts';
import { faultTally } from './tally.ts';

// The store fails under the HTTP routes a participant or coordinator uses (DESIGN §4, issue 9):
// each store call of the operation in turn is throttled, fails with a 500 or times out. The caller
// must see a 503 with Retry-After and code `unavailable` (never a 500), the store must hold nothing
// half-done that a user can see, and sending the same request again must finish the operation.

// Each test sends dozens of requests; a busy machine needs more than the default 30 s.
vi.setConfig({ testTimeout: 180_000 });

const KINDS: readonly FaultKind[] = ['throttle', 'internal', 'timeout'];
const SITE = 'berlin';

let stack: LocalServer;
let http: ReturnType<typeof api>;
let checks: ReturnType<typeof storeChecks>;
let faults: Injector;
let therapistId: string;

beforeAll(async () => {
  stack = await startTestStack({ study: { ...studyInput, suppressionK: 1 } });
  http = api(stack);
  checks = storeChecks(stack, SITE);
  // The handlers' own client: the local server runs them in this process.
  faults = new FaultInjector(storeClient(), 'dynamodb');
  therapistId = await addTherapist(http, SITE);
});
afterEach(() => {
  faults.heal();
});
afterAll(async () => {
  faults?.remove();
  faultTally.report('http');
  await stack?.stop();
});

const submission = (session: number) => ({
  session,
  instrument: 'alliance-client',
  answers: answersAll(12, 4),
  submissionId: randomBytes(16).toString('base64url'),
});

function expectUnavailable(response: ApiResponse, what: string): void {
  expect(response.status, `${what}: ${response.text}`).toBe(503);
  expect(response.headers.get('retry-after'), what).toMatch(/^[1-9][0-9]*$/);
  expect(response.body, what).toMatchObject({ error: { code: 'unavailable' } });
  expect(response.text, what).not.toMatch(/\bat .*\.ts:\d+|Exception|stack/);
}

interface Operation<S> {
  /** Builds the state the operation starts from, with no faults. */
  prepare(): Promise<S>;
  send(state: S): Promise<ApiResponse>;
  /** After a failed attempt: nothing half-done a user can see. */
  consistent(state: S): Promise<void>;
  /** After the operation went through: all of it is done. */
  done(state: S, response: ApiResponse): Promise<void>;
  succeeded: readonly number[];
}

/**
 * Fails the n-th store call of the operation, for n = 1, 2, … until the operation makes fewer than
 * n calls; after each failure checks the store, sends the same request again, and checks the result.
 * Returns how many call positions were failed.
 */
async function failEveryCall<S>(kind: FaultKind, operation: Operation<S>, upTo = 60): Promise<number> {
  for (let n = 1; n <= upTo; n++) {
    const state = await operation.prepare();
    const before = faults.injected;
    faults.fail({ kind, nth: n });
    const response = await operation.send(state);
    faults.heal();
    if (faults.injected === before) {
      expect(operation.succeeded, response.text).toContain(response.status);
      await operation.done(state, response);
      return n - 1;
    }
    faultTally.injected++;
    expectUnavailable(response, `${kind} at store call ${n}`);
    await operation.consistent(state);
    const again = await operation.send(state);
    expect(operation.succeeded, `retry after ${kind} at call ${n}: ${again.text}`).toContain(again.status);
    await operation.done(state, again);
  }
  if (upTo < 60) return upTo;
  throw new Error('the operation never stopped making store calls');
}

/** A replaced link no longer opens: 404, or 429 once this address has tried many unknown links. */
async function expectRetired(link: string): Promise<void> {
  expect([404, 429]).toContain((await http.get(link)).status);
}

// Every call position under throttling; the other kinds take the same path through the error
// middleware, so they fail the first two calls of each operation.
describe.each(KINDS.map((kind) => [kind, kind === 'throttle' ? 60 : 2] as const))(
  'under %s on store calls 1 to %i',
  (kind, upTo) => {
    it('a submission answers 503 and, sent again, is stored once with its session noted', async () => {
      let body = submission(1);
      const positions = await failEveryCall(
        kind,
        {
          prepare: async () => {
            const dyad = await enrolDyad(http, SITE, therapistId);
            await consented(http, [linkOf(dyad, 'client')]);
            body = submission(1);
            return dyad;
          },
          send: (dyad) => http.post(linkOf(dyad, 'client'), body),
          consistent: async (dyad) => {
            const stored = await stack.store.listResponses(ownerKeyOf({ dyadId: dyad.dyadId }));
            expect(stored.length).toBeLessThanOrEqual(1);
          },
          done: async (dyad) => {
            const stored = await stack.store.listResponses(ownerKeyOf({ dyadId: dyad.dyadId }));
            expect(stored.map((r) => [r.role, r.session, r.instrument])).toEqual([
              ['client', 1, 'alliance-client'],
            ]);
            expect((await checks.dyadOf(dyad)).currentSession).toBe(1);
          },
          succeeded: [200, 201],
        },
        upTo,
      );
      expect(positions).toBeGreaterThanOrEqual(Math.min(2, upTo));
    });

    it('a consent answers 503 and, sent again, is recorded with its copy on the dyad', async () => {
      const positions = await failEveryCall(
        kind,
        {
          prepare: () => enrolDyad(http, SITE, therapistId),
          send: (dyad) => http.post(`${linkOf(dyad, 'client')}/consent`, { version: 1 }),
          consistent: async (dyad) => {
            // A copy on the dyad that claims a consent not on record would let answers in without one.
            const copy = (await checks.dyadOf(dyad)).consentVersions?.client;
            const records = await stack.store.listConsents(ownerKeyOf({ dyadId: dyad.dyadId }));
            if (copy !== undefined) expect(records.map((c) => c.version)).toContain(copy);
          },
          done: async (dyad) => {
            const records = await stack.store.listConsents(ownerKeyOf({ dyadId: dyad.dyadId }));
            expect(records.map((c) => [c.role, c.version])).toEqual([['client', 1]]);
            expect((await http.get(linkOf(dyad, 'client'))).body).toMatchObject({ step: 'choose_session' });
          },
          succeeded: [200, 201],
        },
        upTo,
      );
      expect(positions).toBeGreaterThanOrEqual(Math.min(2, upTo));
    });

    it('a withdrawal answers 503 and, sent again, deletes every answer and retires every link', async () => {
      const positions = await failEveryCall(
        kind,
        {
          prepare: async () => {
            const dyad = await enrolDyad(http, SITE, therapistId, { interpreter: true });
            await consented(http, [linkOf(dyad, 'client'), linkOf(dyad, 'therapist')]);
            expect((await http.post(linkOf(dyad, 'client'), submission(1))).status).toBe(201);
            const rating = { ...submission(1), instrument: 'alliance-therapist' };
            expect((await http.post(linkOf(dyad, 'therapist'), rating)).status).toBe(201);
            return dyad;
          },
          send: (dyad) => http.post(`${linkOf(dyad, 'client')}/withdraw`, { confirm: true }),
          consistent: async (dyad) => {
            const status = (await checks.dyadOf(dyad)).status;
            const stored = await stack.store.listResponses(ownerKeyOf({ dyadId: dyad.dyadId }));
            // Either nothing happened yet, or the dyad is withdrawn (its links answer 410 from now on).
            if (status !== 'withdrawn') expect(stored).toHaveLength(2);
            if (status === 'withdrawn') expect((await http.get(linkOf(dyad, 'client'))).status).toBe(410);
          },
          done: async (dyad) => {
            const owner = ownerKeyOf({ dyadId: dyad.dyadId });
            expect((await checks.dyadOf(dyad)).status).toBe('withdrawn');
            expect(await stack.store.listResponses(owner)).toEqual([]);
            expect(await stack.store.listConsents(owner)).toEqual([]);
            for (const link of Object.values(dyad.links)) {
              expect((await http.get(link)).status).toBe(410);
              expect((await stack.store.getLink(hashToken(link.slice(3))))?.withdrawn).toBe(true);
            }
          },
          // A retry after the status changed finds the link gone: it finishes the erasure, then says 410.
          succeeded: [200, 410],
        },
        upTo,
      );
      expect(positions).toBeGreaterThanOrEqual(Math.min(5, upTo));
    });

    it('an enrolment answers 503 and shows no dyad without working links; sent again, it enrols', async () => {
      const positions = await failEveryCall(
        kind,
        {
          prepare: async () => undefined,
          send: () =>
            http.post(
              `/api/v1/sites/${SITE}/dyads`,
              { therapistId, modality: 'in_person', interpreter: true, language: 'de' },
              { as: 'lead' },
            ),
          consistent: checks.everyVisibleDyadHasLinks,
          done: async (_state, response) => {
            const { dyad, links } = response.body as {
              dyad: { dyadId: string };
              links: Record<string, string>;
            };
            expect(Object.keys(links).sort()).toEqual(['client', 'interpreter', 'therapist']);
            expect((await http.get(new URL(links.client ?? '').pathname)).body).toMatchObject({
              step: 'consent',
            });
            expect(await stack.store.getDyad(SITE, dyad.dyadId)).toBeDefined();
            await checks.everyVisibleDyadHasLinks();
          },
          succeeded: [201],
        },
        upTo,
      );
      expect(positions).toBeGreaterThanOrEqual(Math.min(4, upTo));
    });

    it('a link rotation answers 503, keeps every stored hash a working link, and sent again retires the old link', async () => {
      const positions = await failEveryCall(
        kind,
        {
          prepare: () => enrolDyad(http, SITE, therapistId),
          send: (dyad) =>
            http.post(`/api/v1/sites/${SITE}/dyads/${dyad.dyadId}/links/client/rotate`, {}, { as: 'lead' }),
          consistent: async (dyad) => checks.dyadHasLinks(await checks.dyadOf(dyad)),
          done: async (dyad, response) => {
            const fresh = new URL((response.body as { link: string }).link).pathname;
            await expectRetired(linkOf(dyad, 'client'));
            expect((await http.get(fresh)).body).toMatchObject({ step: 'consent' });
          },
          succeeded: [201],
        },
        upTo,
      );
      expect(positions).toBeGreaterThanOrEqual(Math.min(3, upTo));
    });

    it('a card answers 503 and, asked again, prints links that work while the old ones stop', async () => {
      const positions = await failEveryCall(
        kind,
        {
          prepare: () => enrolDyad(http, SITE, therapistId),
          send: (dyad) =>
            http.post(
              `/api/v1/sites/${SITE}/dyads/${dyad.dyadId}/card`,
              {},
              { as: 'lead', headers: { accept: 'text/html' } },
            ),
          consistent: async (dyad) => checks.dyadHasLinks(await checks.dyadOf(dyad)),
          done: async (dyad, response) => {
            const printed = [...response.text.matchAll(/<p class="url" data-role="(\w+)">([^<]+)<\/p>/g)];
            expect(printed.map((m) => m[1])).toEqual(['client', 'therapist']);
            for (const [, , url] of printed)
              expect((await http.get(new URL(url ?? '').pathname)).status).toBe(200);
            await expectRetired(linkOf(dyad, 'client'));
          },
          succeeded: [200],
        },
        upTo,
      );
      expect(positions).toBeGreaterThanOrEqual(Math.min(3, upTo));
    });
  },
);

describe('what a browser sees when the store is unavailable', () => {
  it('a form submission gets the translated “try again” page with Retry-After, never a 500', async () => {
    const dyad = await enrolDyad(http, SITE, therapistId);
    await consented(http, [linkOf(dyad, 'client')]);
    faults.fail({ kind: 'throttle', commands: ['PutItemCommand'] });
    const form = new URLSearchParams({ session: '1', instrument: 'alliance-client', i1: '4', lang: 'de' });
    const response = await http.request('POST', linkOf(dyad, 'client'), form.toString(), {
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
    });
    faultTally.injected++;
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('5');
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.text).toContain('Bitte erneut versuchen');
    expect(response.text).toContain('lang="de"');
  });
});
