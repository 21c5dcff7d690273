import { createHash } from 'node:crypto';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nightlyDeps } from '../../functions/nightly/deps.ts';
import { runNightly } from '../../functions/nightly/steps.ts';
import { type LocalServer, startLocalServer } from '../../infra/local/server.ts';
import { alliance, COORDINATOR_STUDY, phq9 } from '../coordinator/study.ts';
import { api } from '../local/harness.ts';

// Issue 9 item 5, the one log-scan test: a full run of the local stack — enrolment, cards, consent,
// submissions (JSON and form, repeats, conflicts, bad input, unknown links), withdrawal by
// participant and by coordinator, rotations, downloads and the nightly job — with every line the
// process writes captured (console and process.stdout/stderr, so any logger is caught), at the
// most verbose log level. Then no log line may hold a link token (or its hash), a D-/T- code, a
// response id, a receipt or an answer, and the table may hold tokens only as SHA-256 hashes.

const lines: string[] = [];
const restore: (() => void)[] = [];

/** Records everything written to stdout and stderr, and every console call, from now on. */
function captureLogs(): void {
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write;
    stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      lines.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      const done = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
      done?.();
      return true;
    }) as typeof stream.write;
    restore.push(() => {
      stream.write = write;
    });
  }
  // Vitest hooks console in its workers; record what reaches it too.
  for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
    const original = console[method];
    console[method] = (...args: unknown[]) => {
      lines.push(
        args
          .map((arg) =>
            arg instanceof Error
              ? `${arg.message}\n${arg.stack}`
              : typeof arg === 'string'
                ? arg
                : JSON.stringify(arg),
          )
          .join(' '),
      );
    };
    restore.push(() => {
      console[method] = original;
    });
  }
}

const secrets = {
  tokens: new Set<string>(),
  ids: new Set<string>(),
  submitted: new Set<string>(),
};
const tokenOf = (url: string) => new URL(url).pathname.split('/')[2]!;
const pathOf = (url: string) => new URL(url).pathname;
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

let stack: LocalServer;
let previousLogLevel: string | undefined;

beforeAll(async () => {
  previousLogLevel = process.env.LOG_LEVEL;
  process.env.LOG_LEVEL = 'debug';
  captureLogs();
  stack = await startLocalServer({ port: 0, quiet: false, seed: true, study: COORDINATOR_STUDY });
}, 60_000);

afterAll(async () => {
  await stack?.stop();
  for (const undo of restore.reverse()) undo();
  if (previousLogLevel === undefined) delete process.env.LOG_LEVEL;
  else process.env.LOG_LEVEL = previousLogLevel;
});

/** Everything a site, its participants and its researchers do in a study's life, over HTTP. */
async function fullRun(): Promise<void> {
  const http = api(stack);
  const site = '/api/v1/sites/berlin';
  const therapist = await http.post<{ therapist: { therapistId: string }; link: string }>(
    `${site}/therapists`,
    {},
    { as: 'coordinator-berlin' },
  );
  expect(therapist.status).toBe(201);
  const therapistId = therapist.body.therapist.therapistId;
  secrets.ids.add(therapistId);
  secrets.tokens.add(tokenOf(therapist.body.link));

  const dyads: { dyadId: string; links: Record<string, string> }[] = [];
  for (const interpreter of [true, false, false]) {
    const enrolled = await http.post<{ dyad: { dyadId: string }; links: Record<string, string> }>(
      `${site}/dyads`,
      { therapistId, modality: 'online', interpreter, language: 'en' },
      { as: 'coordinator-berlin' },
    );
    expect(enrolled.status).toBe(201);
    secrets.ids.add(enrolled.body.dyad.dyadId);
    for (const url of Object.values(enrolled.body.links)) secrets.tokens.add(tokenOf(url));
    dyads.push({ dyadId: enrolled.body.dyad.dyadId, links: enrolled.body.links });
  }
  const [first, second, third] = dyads as [(typeof dyads)[0], (typeof dyads)[0], (typeof dyads)[0]];

  // A card rotates every link of the first dyad.
  const card = await http.post(`${site}/dyads/${first.dyadId}/card`, undefined, {
    as: 'coordinator-berlin',
    headers: { accept: 'text/html' },
  });
  expect(card.status).toBe(200);
  for (const [, role, url] of card.text.matchAll(/<p class="url" data-role="(\w+)">([^<]+)<\/p>/g)) {
    secrets.tokens.add(tokenOf(url!));
    first.links[role!] = url!;
  }
  // A lost link: rotated for the second dyad's client, and the therapist's own link.
  const rotated = await http.post<{ link: string }>(
    `${site}/dyads/${second.dyadId}/links/client/rotate`,
    undefined,
    {
      as: 'coordinator-berlin',
    },
  );
  expect(rotated.status).toBe(201);
  secrets.tokens.add(tokenOf(rotated.body.link));
  const oldClient = second.links.client!;
  second.links.client = rotated.body.link;
  const therapistRotated = await http.post<{ link: string }>(
    `${site}/therapists/${therapistId}/links/rotate`,
    undefined,
    { as: 'coordinator-berlin' },
  );
  expect(therapistRotated.status).toBe(201);
  secrets.tokens.add(tokenOf(therapistRotated.body.link));

  // Participants: consent, answers as JSON and as a form, repeats, conflicts and mistakes.
  for (const dyad of dyads) {
    for (const role of Object.keys(dyad.links)) {
      expect((await http.post(`${pathOf(dyad.links[role]!)}/consent`, { version: 1 })).status).toBe(201);
    }
    const client = pathOf(dyad.links.client!);
    const submission = { session: 1, instrument: 'alliance-client', answers: alliance(4) };
    secrets.submitted.add(JSON.stringify(submission.answers));
    const stored = await http.post<{ receipt: string }>(client, submission);
    expect(stored.status).toBe(201);
    secrets.ids.add(stored.body.receipt);
    await http.post(client, submission); // a repeat
    await http.post(client, { ...submission, answers: alliance(2) }); // a conflict
    await http.post(client, { session: 1, instrument: 'phq9', answers: { ...phq9(1), i9: 7 } }); // out of range
    const form = new URLSearchParams({ session: '1', instrument: 'alliance-therapist' });
    for (let i = 1; i <= 12; i++) form.set(`i${i}`, String(1 + (i % 5)));
    secrets.submitted.add(form.toString());
    const therapistAnswer = await http.post(pathOf(dyad.links.therapist!), form.toString(), {
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
    });
    expect(therapistAnswer.status).toBe(201);
  }
  const safety = await http.post(pathOf(third.links.client!), {
    session: 1,
    instrument: 'phq9',
    answers: phq9(2),
  });
  expect(safety.status).toBe(201);
  expect((await http.get(pathOf(oldClient), { headers: { accept: 'text/html' } })).status).toBe(404);
  await http.get('/s/AAAAAAAAAAAAAAAAAAAAAAAA');
  await http.get(`/s/${tokenOf(oldClient)}/nothing-here`, { headers: { accept: 'text/html' } });

  // Withdrawal: the first dyad's client on their own link, the second dyad by its coordinator.
  expect((await http.post(`${pathOf(first.links.client!)}/withdraw`, {})).status).toBe(400);
  expect((await http.post(`${pathOf(first.links.client!)}/withdraw`, { confirm: true })).status).toBe(200);
  expect(
    (
      await http.post(pathOf(first.links.therapist!), {
        session: 2,
        instrument: 'alliance-therapist',
        answers: alliance(3),
      })
    ).status,
  ).toBe(410);
  expect(
    (
      await http.patch(
        `${site}/dyads/${second.dyadId}`,
        { status: 'withdrawn' },
        { as: 'coordinator-berlin' },
      )
    ).status,
  ).toBe(200);

  // Dashboards, the nightly job and the researcher's downloads.
  expect((await http.get(`${site}/enrolment`, { as: 'coordinator-berlin' })).status).toBe(200);
  expect((await http.get(`${site}/dyads`, { as: 'lead' })).status).toBe(200);
  const today = new Date().toISOString().slice(0, 10);
  const audit = await http.get(`/api/v1/audit?from=${today}&to=${today}`, { as: 'lead' });
  expect(audit.status, audit.text).toBe(200);
  const nightly = await runNightly(nightlyDeps());
  const files = await http.get<{ files: { name: string }[] }>(`/api/v1/releases/${nightly.releaseId}`, {
    as: 'analyst',
  });
  expect(files.status).toBe(200);
  for (const { name } of files.body.files)
    expect(
      (await http.get(`/api/v1/releases/${nightly.releaseId}/files/${name}`, { as: 'analyst' })).status,
    ).toBe(200);
}

describe('tokens, answers and raw ids in logs and in the table', () => {
  it('writes none to any log line of a full run, and keeps tokens in the table only as hashes', async () => {
    await fullRun();
    const table = await stack.emulators.clients.dynamodb.send(
      new ScanCommand({ TableName: stack.emulators.tableName }),
    );
    const items = (table.Items ?? []).map((item) => JSON.stringify(item));
    expect(table.LastEvaluatedKey).toBeUndefined();

    const log = lines.join('\n');
    // The run was seen: the request log of LOG_LEVEL=debug is there.
    expect(log).toMatch(/POST \/api\/v1\/sites\/\{siteId\}\/dyads 201/);
    expect(log).toMatch(/POST \/s\/\{token\} 409/);
    expect(secrets.tokens.size).toBeGreaterThanOrEqual(13);

    for (const token of secrets.tokens) {
      expect(log, 'a link token in the logs').not.toContain(token);
      expect(log, 'a token hash in the logs').not.toContain(sha256(token));
      expect(
        items.filter((item) => item.includes(token)),
        'a raw token in the table',
      ).toEqual([]);
    }
    // Every link still stored is keyed by its hash.
    const links = items.filter((item) => item.includes('"sk":"LINK"'));
    expect(links.length).toBeGreaterThan(0);
    for (const link of links) expect(link).toMatch(/"pk":"LINK#[0-9a-f]{64}"/);

    for (const id of secrets.ids) expect(log, `${id} in the logs`).not.toContain(id);
    expect(log).not.toMatch(/\b[DT]-[23456789ABCDEFGHJKMNPQRSTVWXYZ]{6}\b/);
    for (const response of items.filter((item) => item.includes('"responseId"'))) {
      const responseId = /"responseId":"([^"]+)"/.exec(response)?.[1] ?? '';
      expect(log, 'a response id in the logs').not.toContain(responseId);
    }
    for (const body of secrets.submitted) expect(log).not.toContain(body);
    expect(log).not.toMatch(/"answers"|"i[0-9]+"\s*:|\bi[0-9]+=[0-9]/);
  }, 120_000);
});
