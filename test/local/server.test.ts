import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalServer } from '../../infra/local/server.ts';
import { api, startTestStack } from './harness.ts';

let stack: LocalServer;
beforeAll(async () => {
  stack = await startTestStack({
    study: {
      studyId: 'server-test',
      title: { en: 'Server test' },
      sites: [
        { siteId: 'north', name: 'North' },
        { siteId: 'south', name: 'South' },
      ],
      consent: [{ version: 1, text: { en: 'I agree.' } }],
    },
  });
});
afterAll(async () => stack?.stop());

describe('local server', () => {
  it('answers /healthz with 200 once it is ready', async () => {
    const response = await api(stack).get('/healthz');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ok' });
  });

  it('answers an unknown route with a 404 in Tandem’s error format, and a page for browsers', async () => {
    const json = await api(stack).get('/nowhere');
    expect(json.status).toBe(404);
    expect(json.body).toMatchObject({ error: { code: 'not_found' } });
    const page = await api(stack).get('/nowhere', { headers: { accept: 'text/html' } });
    expect(page.status).toBe(404);
    expect(page.text).toContain('<h1>Not found</h1>');
  });

  it('refuses a staff route without a token as API Gateway does', async () => {
    const response = await api(stack).get('/api/v1/sites');
    expect(response.status).toBe(401);
    expect(response.body).toEqual({ message: 'Unauthorized' });
  });

  it('refuses a token sent as a cookie instead of the Authorization header', async () => {
    const token = api(stack).token('lead');
    const response = await api(stack).get('/api/v1/sites', { headers: { cookie: `token=${token}` } });
    expect(response.status).toBe(401);
  });

  it('publishes the JWKS and issues tokens for the demo users of the study’s sites', async () => {
    const jwks = await api(stack).get<{ keys: Array<{ kid: string }> }>('/dev-idp/.well-known/jwks.json');
    expect(jwks.body.keys[0]?.kid).toBe('tandem-dev-1');
    const users = await api(stack).get<Array<{ username: string }>>('/dev-idp/users');
    expect(users.body.map((user) => user.username)).toContain('coordinator-south');
    const issued = await api(stack).post<{ id_token: string }>('/dev-idp/token', {
      username: 'coordinator-south',
    });
    expect(issued.status).toBe(200);
    const verdict = stack.identity.authorize(`Bearer ${issued.body.id_token}`);
    expect(verdict.ok && verdict.claims['custom:sites']).toBe('south');
    const unknown = await api(stack).post('/dev-idp/token', { username: 'mallory' });
    expect(unknown.status).toBe(400);
    // Each sign-in is an audit event the lead sees: who (the token's subject) and the roles, nothing more.
    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    const audit = await api(stack).get<{ events: Array<Record<string, unknown>> }>(
      `/api/v1/audit?from=${day(-1)}&to=${day(1)}`,
      { as: 'lead' },
    );
    expect(audit.status).toBe(200);
    const signIns = audit.body.events.filter((event) => event.action === 'signin');
    expect(signIns).toHaveLength(1);
    expect(signIns[0]).toEqual({
      at: expect.any(String),
      id: expect.any(String),
      actor: verdict.ok ? verdict.claims.sub : 'no subject',
      action: 'signin',
      detail: { roles: 'coordinator' },
    });
  });

  it('refuses a body over 1 MB before reading it', async () => {
    const response = await api(stack).post('/s/AAAAAAAAAAAAAAAAAAAAAAAA', 'x'.repeat(1024 * 1024 + 1), {
      headers: { 'content-type': 'text/plain' },
    });
    expect(response.status).toBe(413);
  });

  it('serves the sign-in page listing the dev identity provider', async () => {
    const response = await api(stack).get('/signin', { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    expect(response.text).toContain('"mode":"dev"');
    // Its script is a hashed asset, the only script its CSP allows; nothing inline runs.
    const script = /<script type="module" src="(\/assets\/signin-[A-Z0-9]+\.js)"><\/script>/.exec(
      response.text,
    )?.[1];
    expect(script).toBeDefined();
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self';");
    expect(response.headers.get('content-security-policy')).not.toContain('unsafe-inline');
    const tags = response.text.match(/<script[^>]*>/g) ?? [];
    expect(tags.every((tag) => tag.includes(' src=') || tag.includes('type="application/json"'))).toBe(true);
    const asset = await fetch(new URL(script ?? '', stack.url));
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toContain('text/javascript');
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect(await asset.text()).toContain('tandem.idToken');
  });

  it('serves a favicon instead of a 404', async () => {
    const icon = await fetch(new URL('/favicon.ico', stack.url));
    expect(icon.status).toBe(200);
    expect(icon.headers.get('content-type')).toBe('image/svg+xml');
    expect(await icon.text()).toContain('<svg');
  });
});
