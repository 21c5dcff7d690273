import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { HttpEvent } from '../../functions/http/event.ts';
import { buildEvent, matchRoute, type RequestFacts } from '../../infra/local/events.ts';

// Fixtures are written as AWS documents the HTTP API payload 2.0 (Lambda proxy integration), for
// two of Tandem's routes: a staff POST behind the JWT authorizer, and a participant form post.
const fixture = (name: string): HttpEvent =>
  JSON.parse(readFileSync(new URL(`fixtures/${name}`, import.meta.url), 'utf8')) as HttpEvent;

// What only AWS can know: its ids, the trace header, TLS at the edge.
function withoutAwsOnlyFields(event: HttpEvent): unknown {
  const copy = structuredClone(event) as HttpEvent;
  copy.requestContext.requestId = '(id)';
  copy.requestContext.accountId = '(account)';
  copy.requestContext.apiId = '(api)';
  delete copy.headers['x-amzn-trace-id'];
  delete copy.headers['x-forwarded-proto'];
  return copy;
}

function factsFor(event: HttpEvent, rawHeaders: Array<[string, string]>, body: Buffer): RequestFacts {
  return {
    method: event.requestContext.http.method,
    url: event.rawQueryString ? `${event.rawPath}?${event.rawQueryString}` : event.rawPath,
    headers: rawHeaders,
    body,
    sourceIp: event.requestContext.http.sourceIp,
    protocol: event.requestContext.http.protocol,
    port: 443,
    now: new Date(event.requestContext.timeEpoch),
  };
}

describe('buildEvent', () => {
  it('builds the event AWS documents for a staff JSON post, claims included', () => {
    const expected = fixture('apigw-v2-staff-post.json');
    const match = matchRoute('POST', expected.rawPath);
    expect(match?.routeKey).toBe('POST /api/v1/sites/{siteId}/dyads');
    const facts = factsFor(
      expected,
      [
        ['Host', 'abc123.execute-api.eu-central-1.amazonaws.com'],
        ['User-Agent', 'curl/8.5.0'],
        ['Accept', 'application/json'],
        ['Authorization', expected.headers.authorization ?? ''],
        ['Content-Type', 'application/json'],
        ['Cookie', 'theme=dark; lang=de'],
        ['X-Custom', 'one'],
        ['X-Custom', 'two'],
      ],
      Buffer.from(expected.body ?? ''),
    );
    const jwt = expected.requestContext.authorizer?.jwt;
    const built = buildEvent(facts, match!, {
      claims: jwt?.claims as Record<string, string>,
      scopes: jwt?.scopes ?? null,
    });
    expect(withoutAwsOnlyFields(built)).toEqual(withoutAwsOnlyFields(expected));
  });

  it('base64-encodes a form post and leaves out what a request does not carry', () => {
    const expected = fixture('apigw-v2-form-post.json');
    const match = matchRoute('POST', expected.rawPath);
    const facts = factsFor(
      expected,
      [
        ['Host', 'abc123.execute-api.eu-central-1.amazonaws.com'],
        ['User-Agent', 'Mozilla/5.0'],
        ['Accept', 'text/html,application/xhtml+xml'],
        ['Content-Type', 'application/x-www-form-urlencoded'],
      ],
      Buffer.from('session=2&i1=4&i2=5&i3=3'),
    );
    const built = buildEvent(facts, match!);
    expect(withoutAwsOnlyFields(built)).toEqual(withoutAwsOnlyFields(expected));
    expect(built).not.toHaveProperty('cookies');
    expect(built).not.toHaveProperty('queryStringParameters');
    expect(built.requestContext).not.toHaveProperty('authorizer');
  });
});

describe('matchRoute', () => {
  it('prefers a literal segment over a parameter and decodes parameters', () => {
    expect(matchRoute('GET', '/api/v1/sites/a%20b/dyads')?.pathParameters).toEqual({ siteId: 'a b' });
    expect(matchRoute('POST', '/s/abc/consent')?.routeKey).toBe('POST /s/{token}/consent');
  });

  it('finds no route for an unknown path, a wrong method or an empty parameter', () => {
    expect(matchRoute('GET', '/nowhere')).toBeUndefined();
    expect(matchRoute('DELETE', '/healthz')).toBeUndefined();
    expect(matchRoute('GET', '/s/')).toBeUndefined();
  });
});
