import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { aggregate } from '../../analysis/publish.ts';
import { ROUTES } from '../../functions/routes.ts';
import { bucket } from '../../functions/runtime/bucket.ts';
import type { LocalServer } from '../../infra/local/server.ts';
import { answersAll, studyInput } from '../../shared/participation/testing.ts';
import { addTherapist, enrolDyad, linkOf } from '../local/enrol.ts';
import { api, startTestStack } from '../local/harness.ts';
import {
  badAuthorization,
  bodyBytes,
  brokenForm,
  brokenJson,
  contentType,
  encodeSegment,
  FUZZ_SEED,
  fuzzRuns,
  hostileValue,
  nastyString,
  noiseHeaders,
  pathSegment,
  prototypeKeys,
  tokenLike,
} from './arbitraries.ts';
import { describeRequest, expectClientError, type RawRequest, send, tableSnapshot } from './support.ts';

// Bad input tried by machine (issue 9): every route of functions/routes.ts gets random and
// adversarial requests through the local server — broken bodies in every content type and
// encoding, unicode that breaks renderers, prototype keys, numbers as strings, huge arrays, path
// traversal in every path parameter, tokens of every length, bad or missing sign-in. Each must get
// a 4xx without a stack trace and leave the table as it was. FUZZ_RUNS=N runs N per property.

const RUNS = fuzzRuns(25);
vi.setConfig({ testTimeout: Math.max(120_000, RUNS * 400) });

const SITE = 'berlin';
const OTHER_SITE = 'hamburg';

let stack: LocalServer;
let http: ReturnType<typeof api>;
/** Tokens of working links: a consented client, a therapist who has not consented, an interpreter. */
const tokens = { client: '', therapist: '', interpreter: '', therapistOwn: '' };
let therapistId = '';
let dyadId = '';
let releaseId = '';
const releaseFiles: string[] = [];
/** Route keys the properties exercised, to check that none of ROUTES is left out. */
const exercised = new Set<string>();
let requestsSent = 0;

beforeAll(async () => {
  stack = await startTestStack({
    study: {
      ...studyInput,
      suppressionK: 1,
      sites: [...studyInput.sites, { siteId: OTHER_SITE, name: 'Hamburg', targetDyads: 5 }],
    },
  });
  http = api(stack);
  const added = await http.post<{ therapist: { therapistId: string }; link: string }>(
    `/api/v1/sites/${SITE}/therapists`,
    {},
    { as: 'lead' },
  );
  therapistId = added.body.therapist.therapistId;
  tokens.therapistOwn = new URL(added.body.link).pathname.slice(3);
  const dyad = await enrolDyad(http, SITE, therapistId, { interpreter: true });
  dyadId = dyad.dyadId;
  tokens.client = linkOf(dyad, 'client').slice(3);
  tokens.therapist = linkOf(dyad, 'therapist').slice(3);
  tokens.interpreter = linkOf(dyad, 'interpreter').slice(3);
  expect((await http.post(`${linkOf(dyad, 'client')}/consent`, { version: 1 })).status).toBe(201);
  const answered = { session: 1, instrument: 'alliance-client', answers: answersAll(12, 3) };
  expect((await http.post(linkOf(dyad, 'client'), answered)).status).toBe(201);
  await addTherapist(http, OTHER_SITE);
  const { manifest } = await aggregate({
    store: stack.store,
    bucket: bucket(),
    secret: 'fuzz',
    clock: () => new Date(),
  });
  releaseId = manifest.releaseId;
  releaseFiles.push(...manifest.files.map((file) => file.name), 'manifest.json');
});
afterAll(async () => {
  process.stdout.write(`fuzz routes: ${requestsSent} requests, ${exercised.size} routes\n`);
  await stack?.stop();
});

/** Runs a property of requests: each gets a 4xx (or below 500 with `okAllowed`), and the table is unchanged. */
async function fuzz(
  routeKeys: string[],
  requests: fc.Arbitrary<RawRequest>,
  okAllowed = false,
): Promise<void> {
  for (const key of routeKeys) exercised.add(key);
  const before = await tableSnapshot(stack);
  await fc.assert(
    fc.asyncProperty(requests, async (raw) => {
      requestsSent++;
      expectClientError(raw, await send(stack, raw), okAllowed);
    }),
    { seed: FUZZ_SEED, numRuns: RUNS, endOnFailure: true },
  );
  expect(await tableSnapshot(stack), 'the table changed').toBe(before);
}

const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value) ?? 'null', 'utf8');

/** Bodies that no route can parse into anything it accepts (never empty: no body is no input). */
const unparseable: fc.Arbitrary<{ body: Buffer; type: string }> = fc
  .oneof(
    fc.record({ body: bodyBytes(brokenJson(hostileValue)), type: contentType }),
    fc.record({ body: bodyBytes(brokenJson(hostileValue)), type: fc.constant('application/json') }),
    fc.record({
      body: fc.integer({ min: 16 * 1024 + 1, max: 64 * 1024 }).map((size) => Buffer.alloc(size, 'a')),
      type: contentType,
    }),
  )
  .filter(({ body }) => body.byteLength > 0);

/** A whole number from 1 to 50, or text that reads as one: what could pass as a session or version. */
const looksWhole = (value: unknown): boolean =>
  (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 999) ||
  (typeof value === 'string' && /^\s*0*[0-9]{1,3}\s*$/.test(value));

const withHeaders = (base: Record<string, string>) => noiseHeaders.map((noise) => ({ ...noise, ...base }));

/** A query string of random parameters, as sent. */
const query = fc
  .dictionary(
    fc.constantFrom('lang', 'session', 'format', 'next', 'from', 'to', '__proto__', 'x'),
    nastyString(5),
    {
      maxKeys: 4,
    },
  )
  .map((params) => {
    const pairs = Object.entries(params).map(([k, v]) => `${k}=${encodeSegment(v)}`);
    return pairs.length === 0 ? '' : `?${pairs.join('&')}`;
  });

describe('participant routes', () => {
  const paths = ['/s/{token}', '/s/{token}/consent', '/s/{token}/withdraw'];
  const known = () => Object.values(tokens);

  it('answer unknown, malformed and traversing tokens of every length with a 4xx', async () => {
    await fuzz(
      ['GET /s/{token}', 'POST /s/{token}', 'POST /s/{token}/consent', 'POST /s/{token}/withdraw'],
      fc
        .record({
          token: tokenLike.filter((token) => !known().includes(token)),
          route: fc.constantFrom(...paths),
          method: fc.constantFrom('GET', 'POST'),
          headers: withHeaders({}),
          body: fc.option(bodyBytes(fc.oneof(brokenJson(hostileValue), brokenForm)), { nil: undefined }),
          type: contentType,
        })
        .map(({ token, route, method, headers, body, type }) => ({
          method: route === '/s/{token}' ? method : 'POST',
          path: route.replace('{token}', token),
          headers: { ...headers, 'content-type': type },
          ...(body === undefined ? {} : { body }),
        })),
    );
  });

  it('refuse broken JSON submissions on a working link with a 4xx', async () => {
    const valid = { session: 1, instrument: 'alliance-client', answers: answersAll(12, 4) };
    const breakSession = hostileValue.filter((v) => !looksWhole(v)).map((session) => ({ session }));
    const breakInstrument = nastyString(6)
      .filter((s) => !['alliance-client', 'phq9'].includes(s))
      .map((instrument) => ({ instrument }));
    const badAnswer = fc.oneof(
      fc.constantFrom(0, 6, -1, 4.5, '4', ' 4', '4e0', true, [], {}, Number.POSITIVE_INFINITY),
      nastyString(3),
    );
    const breakAnswers = fc.oneof(
      fc
        .tuple(fc.constantFrom('i1', 'i12', 'i13', 'i0', '__proto__', 'constructor', 'toString'), badAnswer)
        .map(([item, value]) => ({ answers: { ...answersAll(12, 4), [item]: value } })),
      hostileValue
        .filter((v) => typeof v !== 'object' || v === null || Array.isArray(v))
        .map((answers) => ({ answers })),
      fc.constant({ answers: Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`i${i + 1}`, 4])) }),
      fc.constant({ answers: {} }),
    );
    const body = fc
      .tuple(
        fc.array(fc.oneof(breakSession, breakInstrument, breakAnswers), { minLength: 1, maxLength: 3 }),
        fc.dictionary(
          fc.constantFrom('__proto__', 'constructor', 'submissionId', 'lang', 'extra'),
          hostileValue,
          {
            maxKeys: 2,
          },
        ),
      )
      .map(([breaks, extra]) => Object.assign({}, valid, extra, ...breaks) as Record<string, unknown>);
    await fuzz(
      ['POST /s/{token}'],
      fc
        .record({
          body: fc.oneof(
            body.map(json),
            prototypeKeys.map((t) => Buffer.from(t)),
            brokenJson(body).map((t) => Buffer.from(t)),
          ),
          headers: withHeaders({ 'content-type': 'application/json' }),
        })
        .map(({ body, headers }) => ({ method: 'POST', path: `/s/${tokens.client}`, headers, body })),
    );
  });

  it('refuse broken form submissions on a working link with a 4xx', async () => {
    const field = fc.oneof(
      fc.tuple(
        fc.constantFrom('i1', 'i5', 'i12'),
        fc.constantFrom('0', '6', '-1', '4.5', 'abc', '٤', '4 ', '+4', '0x4'),
      ),
      fc.tuple(
        fc.constant('session'),
        nastyString(4).filter((s) => !looksWhole(s)),
      ),
      fc.tuple(
        fc.constant('instrument'),
        nastyString(5).filter((s) => s !== 'alliance-client'),
      ),
    );
    await fuzz(
      ['POST /s/{token}'],
      fc
        .record({
          broken: fc.array(field, { minLength: 1, maxLength: 3 }),
          truncate: fc.boolean(),
          headers: withHeaders({ 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' }),
        })
        .map(({ broken, truncate, headers }) => {
          const fields = new Map<string, string>([
            ['session', '1'],
            ['instrument', 'alliance-client'],
            ...Object.entries(answersAll(12, 4)).map(([k, v]): [string, string] => [k, String(v)]),
          ]);
          for (const [name, value] of broken) fields.set(name, value.replace(/[\ud800-\udfff]/g, '\ufffd'));
          const text = new URLSearchParams([...fields]).toString();
          const body = Buffer.from(truncate ? `${text.slice(0, text.length - 3)}%E` : text);
          return { method: 'POST', path: `/s/${tokens.client}`, headers, body };
        }),
    );
  });

  it('refuse consent bodies without the current version, in any encoding, with a 4xx', async () => {
    const versionIsCurrent = (text: string): boolean => {
      const fromForm = new URLSearchParams(text).get('version');
      let fromJson: unknown;
      try {
        fromJson = (JSON.parse(text) as { version?: unknown } | null)?.version;
      } catch {
        fromJson = undefined;
      }
      return [fromForm, fromJson].some((v) => v === 1 || (typeof v === 'string' && /^0*1$/.test(v)));
    };
    const body = fc.oneof(
      hostileValue.map((version) => JSON.stringify({ version }) ?? ''),
      hostileValue.map((v) => JSON.stringify(v) ?? ''),
      brokenJson(hostileValue),
      brokenForm,
      prototypeKeys,
    );
    await fuzz(
      ['POST /s/{token}/consent'],
      fc
        .record({
          text: body.filter((t) => !versionIsCurrent(t)),
          type: contentType,
          headers: withHeaders({}),
        })
        .chain(({ text, type, headers }) =>
          bodyBytes(fc.constant(text)).map((bytes) => ({
            method: 'POST',
            path: `/s/${tokens.therapist}/consent`,
            headers: { ...headers, 'content-type': type },
            body: bytes,
          })),
        ),
    );
  });

  it('refuse withdrawals without confirmation, in any encoding, with a 4xx', async () => {
    const confirms = (text: string): boolean => {
      if (new URLSearchParams(text).get('confirm') === 'yes') return true;
      try {
        const value = (JSON.parse(text) as { confirm?: unknown } | null)?.confirm;
        return value === true || value === 'yes';
      } catch {
        return false;
      }
    };
    const body = fc.oneof(
      hostileValue.map((confirm) => JSON.stringify({ confirm }) ?? ''),
      fc.constantFrom(
        '{"confirm":"true"}',
        '{"confirm":1}',
        '{"confirm":"YES"}',
        'confirm=on',
        'confirm=true',
        '{"Confirm":true}',
      ),
      brokenJson(hostileValue),
      brokenForm,
      prototypeKeys,
    );
    await fuzz(
      ['POST /s/{token}/withdraw'],
      fc
        .record({ text: body.filter((t) => !confirms(t)), type: contentType, headers: withHeaders({}) })
        .chain(({ text, type, headers }) =>
          bodyBytes(fc.constant(text)).map((bytes) => ({
            method: 'POST',
            path: `/s/${tokens.interpreter}/withdraw`,
            headers: { ...headers, 'content-type': type },
            body: bytes,
          })),
        ),
    );
  });

  it('show a working link’s pages under odd queries and headers without a 5xx or a write', async () => {
    await fuzz(
      ['GET /s/{token}'],
      fc
        .record({ token: fc.constantFrom(...known()), query, headers: withHeaders({}) })
        .map(({ token, query, headers }) => ({ method: 'GET', path: `/s/${token}${query}`, headers })),
      true,
    );
  });
});

interface StaffRoute {
  key: string;
  method: 'GET' | 'POST' | 'PATCH';
  /** Path with {param} placeholders. */
  path: string;
  /** The working value of each parameter. */
  params: () => Record<string, string>;
  /** Who may call it. */
  as: string;
  /** Bodies that the route refuses although they parse; empty for routes that read no body. */
  badBodies?: fc.Arbitrary<unknown>;
  /** Queries that the route refuses. */
  badQueries?: fc.Arbitrary<string>;
}

const notIsoDate = nastyString(5).filter((s) => !/^\d{4}-\d{2}-\d{2}$/.test(s));
const dateShaped = fc.constantFrom('0000-00-00', '9999-99-99', '2027-02-30', '2027-13-01', '2027-00-10');

const STAFF: StaffRoute[] = [
  { key: 'GET /api/v1/sites', method: 'GET', path: '/api/v1/sites', params: () => ({}), as: 'lead' },
  {
    key: 'GET /api/v1/sites/{siteId}/enrolment',
    method: 'GET',
    path: '/api/v1/sites/{siteId}/enrolment',
    params: () => ({ siteId: SITE }),
    as: 'lead',
    badQueries: nastyString(5)
      .filter((f) => f !== 'json' && f !== 'csv')
      .map((format) => `?format=${encodeSegment(format)}`),
  },
  {
    key: 'GET /api/v1/sites/{siteId}/dyads',
    method: 'GET',
    path: '/api/v1/sites/{siteId}/dyads',
    params: () => ({ siteId: SITE }),
    as: 'lead',
  },
  {
    key: 'POST /api/v1/sites/{siteId}/dyads',
    method: 'POST',
    path: '/api/v1/sites/{siteId}/dyads',
    params: () => ({ siteId: SITE }),
    as: 'lead',
    badBodies: fc
      .tuple(
        fc.array(
          fc.oneof(
            nastyString(6).map((therapistId) => ({ therapistId })),
            hostileValue
              .filter((m) => !['in_person', 'online', 'mixed'].includes(m as string))
              .map((modality) => ({ modality })),
            hostileValue.filter((i) => typeof i !== 'boolean').map((interpreter) => ({ interpreter })),
            fc
              .oneof(hostileValue, fc.constantFrom('fr', 'e', 'x'.repeat(36)))
              .filter((l) => !['en', 'de', 'ar'].includes(l as string))
              .map((language) => ({ language })),
            fc.constantFrom(
              { __proto__: { admin: true } },
              { constructor: { prototype: 1 } },
              { status: 'active' },
            ),
          ),
          { minLength: 1, maxLength: 3 },
        ),
        fc.constant(null),
      )
      .map(([breaks]) =>
        Object.assign({ therapistId: '', modality: 'online', interpreter: false, language: 'en' }, ...breaks),
      )
      .map((body: Record<string, unknown>) => (body.therapistId === '' ? { ...body, therapistId } : body))
      .filter(
        (body) =>
          Object.keys(body).length !== 4 ||
          body.therapistId !== therapistId ||
          !['online', 'in_person', 'mixed'].includes(body.modality as string) ||
          typeof body.interpreter !== 'boolean' ||
          !['en', 'de', 'ar'].includes(body.language as string),
      ),
  },
  {
    key: 'GET /api/v1/sites/{siteId}/dyads/{dyadId}',
    method: 'GET',
    path: '/api/v1/sites/{siteId}/dyads/{dyadId}',
    params: () => ({ siteId: SITE, dyadId }),
    as: 'lead',
  },
  {
    key: 'PATCH /api/v1/sites/{siteId}/dyads/{dyadId}',
    method: 'PATCH',
    path: '/api/v1/sites/{siteId}/dyads/{dyadId}',
    params: () => ({ siteId: SITE, dyadId }),
    as: 'lead',
    badBodies: fc
      .record(
        {
          status: fc.oneof(fc.constantFrom('ended', 'withdrawn', 'active', 'ENDED'), hostileValue),
          lastSession: fc.oneof(hostileValue, fc.constantFrom(0, 1000, -5, 2.5, '3')),
          extra: hostileValue,
        },
        { requiredKeys: [] },
      )
      .filter((b) => {
        const keys = Object.keys(b).sort().join(',');
        const endsWell =
          b.status === 'ended' &&
          keys === 'lastSession,status' &&
          Number.isInteger(b.lastSession) &&
          (b.lastSession as number) >= 1 &&
          (b.lastSession as number) <= 999;
        return !endsWell && !(b.status === 'withdrawn' && keys === 'status');
      }),
  },
  {
    key: 'POST /api/v1/sites/{siteId}/dyads/{dyadId}/links/{role}/rotate',
    method: 'POST',
    path: '/api/v1/sites/{siteId}/dyads/{dyadId}/links/{role}/rotate',
    params: () => ({ siteId: SITE, dyadId, role: 'client' }),
    as: 'lead',
  },
  {
    // No follow-up is open in this stack: a well-formed request is a 404, a malformed one a 400.
    key: 'POST /api/v1/sites/{siteId}/dyads/{dyadId}/follow-ups/{followUpId}/close',
    method: 'POST',
    path: '/api/v1/sites/{siteId}/dyads/{dyadId}/follow-ups/{followUpId}/close',
    params: () => ({ siteId: SITE, dyadId, followUpId: 'client-1' }),
    as: 'lead',
  },
  {
    key: 'POST /api/v1/sites/{siteId}/dyads/{dyadId}/card',
    method: 'POST',
    path: '/api/v1/sites/{siteId}/dyads/{dyadId}/card',
    params: () => ({ siteId: SITE, dyadId }),
    as: 'lead',
  },
  {
    key: 'GET /api/v1/sites/{siteId}/therapists',
    method: 'GET',
    path: '/api/v1/sites/{siteId}/therapists',
    params: () => ({ siteId: SITE }),
    as: 'lead',
  },
  {
    key: 'POST /api/v1/sites/{siteId}/therapists',
    method: 'POST',
    path: '/api/v1/sites/{siteId}/therapists',
    params: () => ({ siteId: SITE }),
    as: 'lead',
    badBodies: fc.oneof(
      hostileValue.filter((v) => typeof v !== 'object' || v === null || Array.isArray(v)),
      fc
        .oneof(hostileValue, fc.constantFrom('e', 'x'.repeat(36)))
        .filter((l) => typeof l !== 'string' || l.length < 2 || l.length > 35)
        .map((language) => ({ language })),
      fc.dictionary(
        nastyString(4).filter((k) => k !== 'language' && k !== ''),
        hostileValue,
        { minKeys: 1, maxKeys: 3 },
      ),
    ),
  },
  {
    key: 'POST /api/v1/sites/{siteId}/therapists/{therapistId}/links/rotate',
    method: 'POST',
    path: '/api/v1/sites/{siteId}/therapists/{therapistId}/links/rotate',
    params: () => ({ siteId: SITE, therapistId }),
    as: 'lead',
  },
  {
    key: 'GET /api/v1/audit',
    method: 'GET',
    path: '/api/v1/audit',
    params: () => ({}),
    as: 'lead',
    badQueries: fc
      .tuple(fc.oneof(notIsoDate, dateShaped), fc.oneof(notIsoDate, dateShaped, fc.constant('2027-01-01')))
      .map(([from, to]) => `?from=${encodeSegment(from)}&to=${encodeSegment(to)}`),
  },
  {
    key: 'GET /api/v1/releases',
    method: 'GET',
    path: '/api/v1/releases',
    params: () => ({}),
    as: 'researcher',
  },
  {
    key: 'GET /api/v1/releases/{releaseId}',
    method: 'GET',
    path: '/api/v1/releases/{releaseId}',
    params: () => ({ releaseId }),
    as: 'researcher',
  },
  {
    key: 'GET /api/v1/releases/{releaseId}/files/{name}',
    method: 'GET',
    path: '/api/v1/releases/{releaseId}/files/{name}',
    params: () => ({ releaseId, name: 'scores_long.csv' }),
    // A researcher may not take an analyst-tier file: the working request is itself refused.
    as: 'researcher',
  },
];

/** Who may not call a route: other roles, and a coordinator of another site where the route names one. */
function outsiders(route: StaffRoute): string[] {
  // The lead reads releases and their open tier (DESIGN §5), not analyst-tier files.
  if (route.as === 'researcher')
    return route.path.endsWith('{name}') ? ['coordinator-berlin', 'lead'] : ['coordinator-berlin'];
  const coordinatorElsewhere = route.path.includes('{siteId}') || route.key === 'GET /api/v1/audit';
  return ['researcher', 'analyst', ...(coordinatorElsewhere ? [`coordinator-${OTHER_SITE}`] : [])];
}

function staffRequest(
  route: StaffRoute,
  parts: {
    params?: Record<string, string>;
    query?: string;
    token?: string | undefined;
    body?: Buffer;
    type?: string;
    headers: Record<string, string>;
  },
): RawRequest {
  const params = { ...route.params(), ...parts.params };
  const path = route.path.replace(/\{(\w+)\}/g, (_, name: string) => params[name] ?? '');
  return {
    method: route.method,
    path: `${path}${parts.query ?? ''}`,
    headers: {
      ...parts.headers,
      ...(parts.token === undefined ? {} : { authorization: parts.token }),
      ...(parts.type === undefined ? {} : { 'content-type': parts.type }),
    },
    ...(parts.body === undefined ? {} : { body: parts.body }),
  };
}

describe('staff routes', () => {
  const bearer = (who: string) => `Bearer ${http.token(who)}`;

  it.each(STAFF.map((route) => [route.key, route] as const))(
    '%s refuses bad or missing sign-in with 401 or 403',
    async (_key, route) => {
      await fuzz(
        [route.key],
        fc
          .record({
            auth: fc.oneof(
              badAuthorization,
              fc.constantFrom(...outsiders(route)).map((who) => bearer(who)),
            ),
            tamper: fc.nat(),
            headers: withHeaders({}),
          })
          .map(({ auth, tamper, headers }) => {
            // A valid token of the right user, one character changed, is as bad as none.
            const token = auth ?? (tamper % 3 === 0 ? undefined : tampered(bearer(route.as), tamper));
            return staffRequest(route, { token, headers });
          }),
      );
    },
  );

  it.each(STAFF.filter((route) => route.path.includes('{')).map((route) => [route.key, route] as const))(
    '%s refuses traversal and garbage in every path parameter with a 4xx',
    async (_key, route) => {
      const names = Object.keys(route.params());
      await fuzz(
        [route.key],
        fc
          .record({ name: fc.constantFrom(...names), value: pathSegment, headers: withHeaders({}) })
          .filter(({ name, value }) => value !== route.params()[name])
          .map(({ name, value, headers }) =>
            staffRequest(route, { params: { [name]: value }, token: bearer(route.as), headers }),
          ),
      );
    },
  );

  it.each(STAFF.filter((route) => route.method !== 'GET').map((route) => [route.key, route] as const))(
    '%s refuses bodies it cannot accept with a 4xx',
    async (_key, route) => {
      const refused = route.badBodies
        ? fc.oneof(unparseable, fc.record({ body: route.badBodies.map(json), type: contentType }))
        : unparseable;
      await fuzz(
        [route.key],
        fc
          .record({ sent: refused, headers: withHeaders({}) })
          .map(({ sent, headers }) =>
            staffRequest(route, { token: bearer(route.as), body: sent.body, type: sent.type, headers }),
          ),
      );
    },
  );

  it.each(STAFF.filter((route) => route.badQueries).map((route) => [route.key, route] as const))(
    '%s refuses queries it cannot read with a 4xx',
    async (_key, route) => {
      await fuzz(
        [route.key],
        fc
          .record({ query: route.badQueries ?? fc.constant(''), headers: withHeaders({}) })
          .map(({ query, headers }) => staffRequest(route, { query, token: bearer(route.as), headers })),
      );
    },
  );

  it('an analyst-tier file and unknown files are refused to a researcher whatever the name looks like', async () => {
    const route = STAFF.find((r) => r.key === 'GET /api/v1/releases/{releaseId}/files/{name}');
    if (!route) throw new Error('download route missing');
    await fuzz(
      [route.key],
      fc
        .record({
          name: fc.oneof(
            fc.constantFrom(
              'scores_long.csv',
              'scores_long.parquet',
              'redcap_import.csv',
              'SCORES_LONG.CSV',
              'scores_long.csv.',
              'manifest.json/..',
            ),
            nastyString(4).map((s) => `${s}.csv`),
          ),
          headers: withHeaders({}),
        })
        .filter(({ name }) => !releaseFiles.includes(name) || /scores_long|redcap/.test(name))
        .map(({ name, headers }) =>
          staffRequest(route, {
            params: { name: encodeSegment(name) },
            token: bearer('researcher'),
            headers,
          }),
        ),
    );
  });
});

/**
 * The token with one character of its claims replaced, so its signature no longer matches. (Not the
 * signature's last character: its unused low bits may change without changing the bytes.)
 */
function tampered(authorization: string, at: number): string {
  const token = authorization.slice('Bearer '.length);
  const [header = '', claims = '', signature = ''] = token.split('.');
  const index = at % (claims.length - 1);
  const replacement = claims[index] === 'A' ? 'B' : 'A';
  return `Bearer ${header}.${claims.slice(0, index)}${replacement}${claims.slice(index + 1)}.${signature}`;
}

describe('public pages', () => {
  it('serve /healthz, /signin, /coordinator/, /researcher/, /audit/ and /favicon.ico under odd queries and headers without a 5xx', async () => {
    await fuzz(
      [
        'GET /healthz',
        'GET /signin',
        'GET /coordinator/',
        'GET /researcher/',
        'GET /audit/',
        'GET /favicon.ico',
      ],
      fc
        .record({
          path: fc.constantFrom(
            '/healthz',
            '/signin',
            '/coordinator/',
            '/researcher/',
            '/audit/',
            '/favicon.ico',
          ),
          query,
          headers: withHeaders({}),
        })
        .map(({ path, query, headers }) => ({ method: 'GET', path: `${path}${query}`, headers })),
      true,
    );
  });

  it('answers an asset name it did not build (traversal and garbage included) with a 4xx', async () => {
    await fuzz(
      ['GET /assets/{name}'],
      fc
        .record({ name: pathSegment, headers: withHeaders({}) })
        .map(({ name, headers }) => ({ method: 'GET', path: `/assets/${name}`, headers })),
    );
  });

  it('answers unknown paths and methods with a 4xx', async () => {
    await fuzz(
      [],
      fc
        .record({
          method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH'),
          segments: fc.array(pathSegment, { minLength: 1, maxLength: 4 }),
          headers: withHeaders({}),
        })
        .map(({ method, segments, headers }) => ({ method, path: `/${segments.join('/')}`, headers })),
    );
  });
});

describe('the fuzz', () => {
  it('covered every route of functions/routes.ts', () => {
    const declared = ROUTES.map((route) => `${route.method} ${route.path}`).sort();
    expect([...exercised].sort()).toEqual(declared);
    expect(describeRequest({ method: 'GET', path: '/' })).toContain('GET /');
  });
});
