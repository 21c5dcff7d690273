import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { ConflictError } from '../../shared/errors.ts';
import { apiEvent } from '../../test/fixtures/events.ts';
import { json } from './respond.ts';
import { httpRoute } from './route.ts';

const context = { awsRequestId: 'test', getRemainingTimeInMillis: () => 10_000 } as unknown as Context;
const coordinatorOf = (sites: string) => ({
  sub: 'u-1',
  'cognito:groups': '[coordinator]',
  'custom:sites': sites,
});

const enrol = httpRoute(
  {
    path: z.object({ siteId: z.string() }),
    body: z.object({ therapistId: z.string(), interpreter: z.boolean() }),
  },
  async ({ path, body, principal }) => json(201, { siteId: path.siteId, body, subject: principal?.subject }),
);
const enrolEvent = (extra: { claims?: Record<string, string>; body?: string; siteId?: string }) =>
  apiEvent({
    routeKey: 'POST /api/v1/sites/{siteId}/dyads',
    rawPath: `/api/v1/sites/${extra.siteId ?? 'berlin'}/dyads`,
    pathParameters: { siteId: extra.siteId ?? 'berlin' },
    headers: { 'content-type': 'application/json' },
    ...(extra.claims ? { claims: extra.claims } : {}),
    ...(extra.body !== undefined ? { body: extra.body } : {}),
  });

describe('httpRoute', () => {
  it('passes the validated body and the principal to the use case', async () => {
    const result = await enrol(
      enrolEvent({ claims: coordinatorOf('berlin'), body: '{"therapistId":"T-2345AB","interpreter":false}' }),
      context,
    );
    expect(result.statusCode).toBe(201);
    expect(JSON.parse(result.body ?? '')).toEqual({
      siteId: 'berlin',
      body: { therapistId: 'T-2345AB', interpreter: false },
      subject: 'u-1',
    });
  });

  it('answers 401 when a staff route arrives without claims', async () => {
    const result = await enrol(enrolEvent({ body: '{}' }), context);
    expect(result.statusCode).toBe(401);
  });

  it('answers 403 to a coordinator of another site', async () => {
    const result = await enrol(enrolEvent({ claims: coordinatorOf('hamburg'), body: '{}' }), context);
    expect(result.statusCode).toBe(403);
  });

  it('answers 403 to a role the route does not allow', async () => {
    const claims = { sub: 'r-1', 'cognito:groups': '[researcher]' };
    expect((await enrol(enrolEvent({ claims, body: '{}' }), context)).statusCode).toBe(403);
  });

  it('lets a lead act on any site', async () => {
    const claims = { sub: 'l-1', 'cognito:groups': '[lead]' };
    const body = '{"therapistId":"T-2345AB","interpreter":true}';
    expect((await enrol(enrolEvent({ claims, body, siteId: 'zurich' }), context)).statusCode).toBe(201);
  });

  it('answers 400 naming each invalid field with the value received', async () => {
    const result = await enrol(
      enrolEvent({ claims: coordinatorOf('berlin'), body: '{"therapistId":7,"interpreter":"yes"}' }),
      context,
    );
    expect(result.statusCode).toBe(400);
    const { error } = JSON.parse(result.body ?? '');
    expect(error.code).toBe('invalid_input');
    expect(error.details).toEqual([
      { path: 'therapistId', message: 'expected string', received: 7 },
      { path: 'interpreter', message: 'expected boolean', received: 'yes' },
    ]);
  });

  it('answers 400 for a body that is not JSON', async () => {
    const result = await enrol(
      enrolEvent({ claims: coordinatorOf('berlin'), body: '{"therapistId":' }),
      context,
    );
    expect(result.statusCode).toBe(400);
    expect(JSON.parse(result.body ?? '').error.details[0].path).toBe('(body)');
  });

  it('answers 413 for a body over 16 KB', async () => {
    const body = JSON.stringify({ therapistId: 'x'.repeat(17 * 1024), interpreter: false });
    expect((await enrol(enrolEvent({ claims: coordinatorOf('berlin'), body }), context)).statusCode).toBe(
      413,
    );
  });

  it('maps an expected error to its own status and hides unexpected ones', async () => {
    const health = { routeKey: 'GET /healthz', rawPath: '/healthz' };
    const conflict = httpRoute({}, async () => {
      throw new ConflictError('Different answers were already recorded.');
    });
    const crash = httpRoute({}, async () => {
      throw new Error('secret internals');
    });
    const conflictResult = await conflict(apiEvent(health), context);
    expect(conflictResult.statusCode).toBe(409);
    expect(JSON.parse(conflictResult.body ?? '').error.code).toBe('conflict');
    // The log line is Powertools' JSON on the process's output streams.
    const logged: string[] = [];
    const capture = (stream: NodeJS.WriteStream) => {
      const original = stream.write.bind(stream);
      stream.write = ((chunk: string | Uint8Array) => {
        logged.push(String(chunk));
        return true;
      }) as typeof stream.write;
      return () => {
        stream.write = original;
      };
    };
    const restore = [capture(process.stdout), capture(process.stderr)];
    let crashResult: Awaited<ReturnType<typeof crash>>;
    try {
      crashResult = await crash(apiEvent(health), context);
    } finally {
      for (const undo of restore) undo();
    }
    expect(crashResult.statusCode).toBe(500);
    expect(crashResult.body).not.toContain('secret internals');
    const line = logged.find((l) => l.includes('secret internals'));
    expect(JSON.parse(line ?? '{}')).toMatchObject({
      level: 'ERROR',
      message: 'unhandled error',
      routeKey: 'GET /healthz',
      function_request_id: 'test',
    });
  });

  it('parses a form post into fields', async () => {
    const echo = httpRoute({ body: z.object({ session: z.string() }) }, async ({ body }) => json(200, body));
    const event = apiEvent({
      routeKey: 'POST /s/{token}',
      rawPath: '/s/abc',
      pathParameters: { token: 'abc' },
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'session=3&i1=4',
    });
    const result = await echo(event, context);
    expect(JSON.parse(result.body ?? '')).toEqual({ session: '3' });
  });
});
