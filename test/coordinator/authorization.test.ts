import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES, type RouteSpec } from '../../functions/routes.ts';
import { createIdentity, type Identity, loadOrCreateKey } from '../../infra/local/identity.ts';
import type { LocalServer } from '../../infra/local/server.ts';
import { api, startTestStack } from '../local/harness.ts';
import { alliance, COORDINATOR_STUDY, linkPath, phq9 } from './study.ts';

// Every route of functions/routes.ts, called by every kind of caller, through the local server that
// checks tokens as API Gateway's JWT authorizer does. Releases are not published in this stack, so a
// reader's request for one is a 404 (after authorization), which still tells it apart from a 403.

const CALLERS = [
  'lead',
  'coordinator of the site',
  'coordinator of another site',
  'researcher',
  'analyst',
  'no token',
  'expired token',
  'token signed by the wrong key',
] as const;
type Caller = (typeof CALLERS)[number];
type Expected = Record<Caller, number>;

let stack: LocalServer;
let http: ReturnType<typeof api>;
const ids = { therapistId: '', participantDyad: '', managedDyad: '', clientToken: '' };

beforeAll(async () => {
  stack = await startTestStack({ study: COORDINATOR_STUDY });
  http = api(stack);
  const therapist = await http.post<{ therapist: { therapistId: string } }>(
    '/api/v1/sites/berlin/therapists',
    {},
    { as: 'lead' },
  );
  ids.therapistId = therapist.body.therapist.therapistId;
  const enrol = (interpreter: boolean) =>
    http.post<{ dyad: { dyadId: string }; links: { client: string } }>(
      '/api/v1/sites/berlin/dyads',
      { therapistId: ids.therapistId, modality: 'in_person', interpreter, language: 'en' },
      { as: 'lead' },
    );
  // One dyad answers through the participant routes; the other is rotated, carded and ended.
  const participant = await enrol(false);
  ids.participantDyad = participant.body.dyad.dyadId;
  ids.clientToken = linkPath(participant.body.links.client).slice(3);
  ids.managedDyad = (await enrol(true)).body.dyad.dyadId;
  expect((await http.post(`/s/${ids.clientToken}/consent`, { version: 1 })).status).toBe(201);
  expect((await http.post(`/s/${ids.clientToken}`, submission)).status).toBe(201);
  // A safety flag, so that the participant dyad has a follow-up to close.
  expect((await http.post(`/s/${ids.clientToken}`, flagged)).status).toBe(201);
});
afterAll(async () => stack?.stop());

// The first submission's id: sending it again is a repeat (200, same receipt), whoever sends it.
const submission = {
  session: 1,
  instrument: 'alliance-client',
  answers: alliance(4),
  submissionId: 'authorizationTestSubmission1',
};
const flagged = { session: 1, instrument: 'phq9', answers: phq9(1) };

// Same issuer, audience and key id as the dev identity provider, but another key: a forged token.
let forger: Identity | undefined;
const impostor = (): Identity =>
  (forger ??= createIdentity({ issuer: stack.identity.issuer, privateKey: loadOrCreateKey(undefined) }));

function headersOf(caller: Caller): Record<string, string> {
  const lead = { username: 'lead', roles: ['lead' as const], sites: [] };
  switch (caller) {
    case 'lead':
      return { authorization: `Bearer ${http.token('lead')}` };
    case 'coordinator of the site':
      return { authorization: `Bearer ${http.token('coordinator-berlin')}` };
    case 'coordinator of another site':
      return { authorization: `Bearer ${http.token('coordinator-hamburg')}` };
    case 'researcher':
    case 'analyst':
      return { authorization: `Bearer ${http.token(caller)}` };
    case 'no token':
      return {};
    case 'expired token':
      return { authorization: `Bearer ${stack.identity.issue(lead, { ttlSeconds: -60 })}` };
    case 'token signed by the wrong key':
      return { authorization: `Bearer ${impostor().issue(lead)}` };
  }
}

/** The same status for everyone: public routes have no authorizer. */
const everyone = (status: number): Expected =>
  Object.fromEntries(CALLERS.map((caller) => [caller, status])) as Expected;

/** A staff route: `ok` for the allowed callers, 403 for other signed-in staff, 401 without a valid token. */
function staff(ok: number, allowed: readonly Caller[]): Expected {
  return Object.fromEntries(
    CALLERS.map((caller) => {
      if (caller === 'no token' || caller === 'expired token' || caller === 'token signed by the wrong key')
        return [caller, 401];
      return [caller, allowed.includes(caller) ? ok : 403];
    }),
  ) as Expected;
}
const siteStaff = (ok: number) => staff(ok, ['lead', 'coordinator of the site']);
const readers = (ok: number) => staff(ok, ['researcher', 'analyst', 'lead']);

interface Call {
  path: () => string;
  body?: () => unknown;
  expected: Expected;
}

const site = '/api/v1/sites/berlin';

const CALLS: Record<string, Call> = {
  'GET /healthz': { path: () => '/healthz', expected: everyone(200) },
  'GET /signin': { path: () => '/signin', expected: everyone(200) },
  'GET /coordinator/': { path: () => '/coordinator/', expected: everyone(200) },
  'GET /researcher/': { path: () => '/researcher/', expected: everyone(200) },
  'GET /audit/': { path: () => '/audit/', expected: everyone(200) },
  // A name the asset manifest does not list: never a file read by path.
  'GET /assets/{name}': { path: () => '/assets/..%2Fmanifest.json', expected: everyone(404) },
  'GET /favicon.ico': { path: () => '/favicon.ico', expected: everyone(200) },
  'GET /s/{token}': { path: () => `/s/${ids.clientToken}`, expected: everyone(200) },
  // The same submission again (its submissionId): 200 with the same receipt, whoever sends it.
  'POST /s/{token}': { path: () => `/s/${ids.clientToken}`, body: () => submission, expected: everyone(200) },
  'POST /s/{token}/consent': {
    path: () => `/s/${ids.clientToken}/consent`,
    body: () => ({ version: 1 }),
    expected: everyone(200),
  },
  // A token nobody holds (never a real one: that would withdraw the dyad).
  'POST /s/{token}/withdraw': {
    path: () => '/s/AAAAAAAAAAAAAAAAAAAAAAAA/withdraw',
    body: () => ({}),
    expected: everyone(404),
  },
  // Not site-scoped: a coordinator of another site sees their own sites.
  'GET /api/v1/sites': {
    path: () => '/api/v1/sites',
    expected: staff(200, ['lead', 'coordinator of the site', 'coordinator of another site']),
  },
  'GET /api/v1/sites/{siteId}/enrolment': { path: () => `${site}/enrolment`, expected: siteStaff(200) },
  'GET /api/v1/sites/{siteId}/dyads': { path: () => `${site}/dyads`, expected: siteStaff(200) },
  'POST /api/v1/sites/{siteId}/dyads': {
    path: () => `${site}/dyads`,
    body: () => ({ therapistId: ids.therapistId, modality: 'online', interpreter: false, language: 'de' }),
    expected: siteStaff(201),
  },
  'GET /api/v1/sites/{siteId}/dyads/{dyadId}': {
    path: () => `${site}/dyads/${ids.participantDyad}`,
    expected: siteStaff(200),
  },
  'PATCH /api/v1/sites/{siteId}/dyads/{dyadId}': {
    path: () => `${site}/dyads/${ids.managedDyad}`,
    body: () => ({ status: 'ended', lastSession: 2 }),
    expected: siteStaff(200),
  },
  'POST /api/v1/sites/{siteId}/dyads/{dyadId}/links/{role}/rotate': {
    path: () => `${site}/dyads/${ids.managedDyad}/links/interpreter/rotate`,
    expected: siteStaff(201),
  },
  // Closing again answers as the first close did, so every allowed caller gets 200.
  'POST /api/v1/sites/{siteId}/dyads/{dyadId}/follow-ups/{followUpId}/close': {
    path: () => `${site}/dyads/${ids.participantDyad}/follow-ups/client-1/close`,
    expected: siteStaff(200),
  },
  'POST /api/v1/sites/{siteId}/dyads/{dyadId}/card': {
    path: () => `${site}/dyads/${ids.managedDyad}/card`,
    expected: siteStaff(200),
  },
  'GET /api/v1/sites/{siteId}/therapists': { path: () => `${site}/therapists`, expected: siteStaff(200) },
  'POST /api/v1/sites/{siteId}/therapists': {
    path: () => `${site}/therapists`,
    body: () => ({}),
    expected: siteStaff(201),
  },
  'POST /api/v1/sites/{siteId}/therapists/{therapistId}/links/rotate': {
    path: () => `${site}/therapists/${ids.therapistId}/links/rotate`,
    expected: siteStaff(201),
  },
  'GET /api/v1/audit': {
    path: () => '/api/v1/audit',
    expected: staff(200, ['lead']),
  },
  'GET /api/v1/releases': { path: () => '/api/v1/releases', expected: readers(200) },
  'GET /api/v1/releases/{releaseId}': { path: () => '/api/v1/releases/2000-01-01', expected: readers(404) },
  'GET /api/v1/releases/{releaseId}/files/{name}': {
    path: () => '/api/v1/releases/2000-01-01/files/site_session_summary.csv',
    expected: readers(404),
  },
};

const keyOf = (route: RouteSpec) => `${route.method} ${route.path}`;

describe('authorization of every route', () => {
  it('has an expectation for every route in the route table, and none for a route that is not there', () => {
    expect(Object.keys(CALLS).sort()).toEqual(ROUTES.map(keyOf).sort());
  });

  for (const route of ROUTES) {
    it(`${keyOf(route)} answers each caller as its access (${route.access === 'public' ? 'public' : route.access.join(', ')}) says`, async () => {
      const call = CALLS[keyOf(route)];
      if (!call) throw new Error(`no expectation for ${keyOf(route)}`);
      const actual: Partial<Expected> = {};
      for (const caller of CALLERS) {
        const response = await http.request(route.method, call.path(), call.body?.(), {
          headers: headersOf(caller),
        });
        actual[caller] = response.status;
        if (response.status === 403) expect(response.body).toMatchObject({ error: { code: 'forbidden' } });
      }
      expect(actual).toEqual(call.expected);
    });
  }
});
