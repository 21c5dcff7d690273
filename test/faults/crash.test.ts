import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { dynamoDbClient } from '../../functions/runtime/store.ts';
import type { LocalServer } from '../../infra/local/server.ts';
import { DynamoDbTandemStore } from '../../shared/adapters/dynamodb/store.ts';
import { config } from '../../shared/config.ts';
import { makeCard } from '../../shared/enrolment/card.ts';
import type { EnrolmentDeps } from '../../shared/enrolment/deps.ts';
import { enrolDyad as enrolDyadUseCase } from '../../shared/enrolment/enrol-dyad.ts';
import { rotateLink } from '../../shared/enrolment/rotate-link.ts';
import { hashToken } from '../../shared/ids.ts';
import type { Role } from '../../shared/instruments/schema.ts';
import { recordConsent } from '../../shared/participation/consent.ts';
import type { ParticipationDeps } from '../../shared/participation/deps.ts';
import { type OpenLink, openLink } from '../../shared/participation/open-link.ts';
import { submitResponse } from '../../shared/participation/submit.ts';
import { answersAll, studyInput } from '../../shared/participation/testing.ts';
import { withdraw } from '../../shared/participation/withdraw.ts';
import { ownerKeyOf, type TandemStore } from '../../shared/ports.ts';
import { addTherapist, type EnrolledDyad, enrolDyad, linkOf } from '../local/enrol.ts';
import { api, startTestStack } from '../local/harness.ts';
import { consented, storeChecks } from './checks.ts';
import { FaultInjector, ProcessCrash } from './inject.ts';
import { faultTally } from './tally.ts';

// A process that dies mid-operation (DESIGN §4: "a crash between them leaves nothing a user can see
// half-done"). Each use case runs on a store whose client fails every call after the n-th, for
// every n from 0 until the use case completes; then the store is checked for what a user could see,
// and the user's own retry over HTTP (a fresh process: the local server) must finish the job.

vi.setConfig({ testTimeout: 180_000 });

const SITE = 'berlin';
let stack: LocalServer;
let http: ReturnType<typeof api>;
let checks: ReturnType<typeof storeChecks>;
let faults: FaultInjector;
/** The store of the process that crashes; `stack.store` is the healthy one that checks. */
let crashing: TandemStore;
let therapistId: string;

beforeAll(async () => {
  stack = await startTestStack({ study: { ...studyInput, suppressionK: 1 } });
  http = api(stack);
  checks = storeChecks(stack, SITE);
  const client = dynamoDbClient({ region: config().AWS_REGION, endpoint: stack.emulators.dynamodbEndpoint });
  faults = new FaultInjector(client, 'dynamodb');
  crashing = new DynamoDbTandemStore(client, stack.emulators.tableName);
  therapistId = await addTherapist(http, SITE);
});
afterAll(async () => {
  faultTally.report('crash');
  await stack?.stop();
});

const participation = (): ParticipationDeps => ({ store: crashing, clock: () => new Date() });
const enrolment = (): EnrolmentDeps => ({ store: crashing, clock: () => new Date(), publicUrl: stack.url });

interface Operation<S> {
  prepare(): Promise<S>;
  /** The use case, on the crashing store. */
  run(state: S): Promise<unknown>;
  /** Right after the crash: nothing half-done that a user can see. */
  consistent(state: S): Promise<void>;
  /** What the user does next: the same request again, over HTTP. */
  resume(state: S): Promise<void>;
  /** Everything the operation promises is there. */
  done(state: S): Promise<void>;
}

/** Crashes the use case after n store calls, for n = 0, 1, … until it completes; returns that n. */
async function crashAtEveryCall<S>(operation: Operation<S>): Promise<number> {
  for (let n = 0; n < 80; n++) {
    const state = await operation.prepare();
    const before = faults.injected;
    faults.crashAfter(n);
    try {
      await operation.run(state);
    } catch (error) {
      if (!(error instanceof ProcessCrash)) throw error;
    } finally {
      faults.heal();
    }
    if (faults.injected === before) {
      await operation.done(state);
      return n;
    }
    faultTally.injected++;
    await operation.consistent(state);
    await operation.resume(state);
    await operation.done(state);
  }
  throw new Error('the use case never completed');
}

const tokenOf = (path: string): string => path.slice('/s/'.length);

async function opened(link: string): Promise<OpenLink> {
  const result = await openLink(participation(), { token: tokenOf(link) });
  if (result.outcome !== 'open') throw new Error(`${link} did not open: ${result.outcome}`);
  return result;
}

const submission = (instrument: string) => ({
  session: 1,
  instrument,
  answers: answersAll(12, 4),
  submissionId: randomBytes(16).toString('base64url'),
});

describe('a crash after every store call', () => {
  it('of a submission leaves at most the response, and the same submission sent again completes it', async () => {
    const calls = await crashAtEveryCall({
      prepare: async () => {
        const dyad = await enrolDyad(http, SITE, therapistId);
        await consented(http, [linkOf(dyad, 'client')]);
        return { dyad, open: await opened(linkOf(dyad, 'client')), body: submission('alliance-client') };
      },
      // The request as sent, submissionId included (DESIGN §5): the use case takes what it knows.
      run: ({ open, body }) => {
        const input = { ...body, language: 'en' };
        return submitResponse(participation(), open, input);
      },
      consistent: async ({ dyad }) => {
        expect(
          (await stack.store.listResponses(ownerKeyOf({ dyadId: dyad.dyadId }))).length,
        ).toBeLessThanOrEqual(1);
      },
      resume: async ({ dyad, body }) => {
        expect([200, 201]).toContain((await http.post(linkOf(dyad, 'client'), body)).status);
      },
      done: async ({ dyad }) => {
        const stored = await stack.store.listResponses(ownerKeyOf({ dyadId: dyad.dyadId }));
        expect(stored.map((r) => [r.role, r.session, r.instrument])).toEqual([
          ['client', 1, 'alliance-client'],
        ]);
        expect((await checks.dyadOf(dyad)).currentSession).toBe(1);
      },
    });
    expect(calls).toBeGreaterThanOrEqual(2);
  });

  it('of a consent never leaves a copy without its record, and consenting again completes it', async () => {
    const calls = await crashAtEveryCall({
      prepare: async () => {
        const dyad = await enrolDyad(http, SITE, therapistId);
        return { dyad, open: await opened(linkOf(dyad, 'client')) };
      },
      run: ({ open }) => recordConsent(participation(), open, { version: 1, language: 'en' }),
      consistent: async ({ dyad }) => {
        const copy = (await checks.dyadOf(dyad)).consentVersions?.client;
        const records = await stack.store.listConsents(ownerKeyOf({ dyadId: dyad.dyadId }));
        if (copy !== undefined) expect(records.map((c) => c.version)).toContain(copy);
      },
      resume: async ({ dyad }) => {
        expect([200, 201]).toContain(
          (await http.post(`${linkOf(dyad, 'client')}/consent`, { version: 1 })).status,
        );
      },
      done: async ({ dyad }) => {
        expect((await checks.dyadOf(dyad)).consentVersions?.client).toBe(1);
        expect((await http.get(linkOf(dyad, 'client'))).body).toMatchObject({ step: 'choose_session' });
      },
    });
    expect(calls).toBeGreaterThanOrEqual(2);
  });

  describe.each<Role>(['client', 'therapist', 'interpreter'])('of a withdrawal by the %s', (role) => {
    it('leaves the answers or a withdrawn owner, and withdrawing again erases everything of that scope', async () => {
      const calls = await crashAtEveryCall({
        prepare: async () => {
          // A therapist of their own, so that a therapist's withdrawal touches only this dyad.
          const dyad = await enrolDyad(http, SITE, await addTherapist(http, SITE), { interpreter: true });
          await consented(http, [
            linkOf(dyad, 'client'),
            linkOf(dyad, 'therapist'),
            linkOf(dyad, 'interpreter'),
          ]);
          for (const [who, instrument] of [
            ['client', 'alliance-client'],
            ['therapist', 'alliance-therapist'],
          ] as const) {
            expect((await http.post(linkOf(dyad, who), submission(instrument))).status).toBe(201);
          }
          const session2 = { ...submission('alliance-interpreter'), session: 2 };
          expect((await http.post(linkOf(dyad, 'interpreter'), session2)).status).toBe(201);
          return { dyad, open: await opened(linkOf(dyad, role)) };
        },
        run: ({ open }) => withdraw(participation(), open),
        consistent: async ({ dyad }) => {
          const stored = await stack.store.listResponses(ownerKeyOf({ dyadId: dyad.dyadId }));
          const link = await stack.store.getLink(hashToken(tokenOf(linkOf(dyad, role))));
          const marked =
            role === 'client'
              ? (await checks.dyadOf(dyad)).status === 'withdrawn'
              : role === 'therapist'
                ? (await stack.store.getTherapist(SITE, dyad.therapistId))?.status === 'withdrawn'
                : link?.withdrawn === true;
          // Until the owner is marked, nothing is deleted; once it is, the link answers 410.
          if (!marked) expect(stored.filter((r) => r.role === role)).toHaveLength(1);
          else expect((await http.get(linkOf(dyad, role))).status).toBe(410);
        },
        resume: async ({ dyad }) => {
          const again = await http.post(`${linkOf(dyad, role)}/withdraw`, { confirm: true });
          expect([200, 410], again.text).toContain(again.status);
        },
        done: async ({ dyad }) => {
          const stored = await stack.store.listResponses(ownerKeyOf({ dyadId: dyad.dyadId }));
          const left =
            role === 'client' ? [] : ['client', 'therapist', 'interpreter'].filter((r) => r !== role);
          expect(stored.map((r) => r.role).sort()).toEqual(left);
          const consents = await stack.store.listConsents(ownerKeyOf({ dyadId: dyad.dyadId }));
          expect(consents.map((c) => c.role).sort()).toEqual(left);
          expect((await http.get(linkOf(dyad, role))).status).toBe(410);
        },
      });
      expect(calls).toBeGreaterThanOrEqual(3);
    });
  });

  it('of an enrolment shows no dyad without links, and enrolling again works', async () => {
    const calls = await crashAtEveryCall({
      prepare: async () => undefined,
      run: () =>
        enrolDyadUseCase(enrolment(), {
          actor: 'crash-test',
          siteId: SITE,
          therapistId,
          modality: 'mixed',
          interpreter: true,
          language: 'en',
        }),
      consistent: checks.everyVisibleDyadHasLinks,
      resume: async () => {
        await enrolDyad(http, SITE, therapistId);
      },
      done: checks.everyVisibleDyadHasLinks,
    });
    expect(calls).toBeGreaterThanOrEqual(4);
  });

  describe.each([
    [
      'a link rotation',
      (dyad: EnrolledDyad) =>
        rotateLink(enrolment(), { actor: 'crash-test', siteId: SITE, dyadId: dyad.dyadId, role: 'client' }),
      (dyad: EnrolledDyad) => `/api/v1/sites/${SITE}/dyads/${dyad.dyadId}/links/client/rotate`,
    ],
    [
      'a card',
      (dyad: EnrolledDyad) =>
        makeCard(enrolment(), { actor: 'crash-test', siteId: SITE, dyadId: dyad.dyadId }),
      (dyad: EnrolledDyad) => `/api/v1/sites/${SITE}/dyads/${dyad.dyadId}/card`,
    ],
  ] as const)('of %s', (_name, run, route) => {
    it('keeps every stored hash a working link, and asking again retires the old link', async () => {
      const calls = await crashAtEveryCall({
        prepare: () => enrolDyad(http, SITE, therapistId),
        run,
        consistent: async (dyad) => {
          await checks.dyadHasLinks(await checks.dyadOf(dyad));
          // The old link works until the dyad holds a new hash; after that it never opens again.
          const current = (await checks.dyadOf(dyad)).linkHashes.client;
          const old = hashToken(tokenOf(linkOf(dyad, 'client')));
          expect(
            (
              await openLink(
                { store: stack.store, clock: () => new Date() },
                { token: tokenOf(linkOf(dyad, 'client')) },
              )
            ).outcome,
          ).toBe(current === old ? 'open' : 'not_found');
        },
        resume: async (dyad) => {
          expect([200, 201]).toContain((await http.post(route(dyad), {}, { as: 'lead' })).status);
        },
        done: async (dyad) => {
          await checks.dyadHasLinks(await checks.dyadOf(dyad));
          const result = await openLink(
            { store: stack.store, clock: () => new Date() },
            { token: tokenOf(linkOf(dyad, 'client')) },
          );
          expect(result.outcome).toBe('not_found');
        },
      });
      expect(calls).toBeGreaterThanOrEqual(3);
    });
  });
});
