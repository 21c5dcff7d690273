import { createHash } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSP } from '../../functions/http/security-headers.ts';
import { authClientScript } from '../../functions/web/auth-client.ts';
import { type SigninConfig, signinPage } from '../../functions/web/signin-page.ts';
import { createIdentity, loadOrCreateKey } from '../../infra/local/identity.ts';
import { launchChromium } from '../browser.ts';
import { startTestStack } from './harness.ts';

// The AWS branch of /signin in real Chromium. Cognito cannot run here, so its two endpoints are
// played by routes the test intercepts (the one mock in this file): /oauth2/authorize is only
// looked at, /oauth2/token answers with an ID token signed by the dev identity provider.

const origin = 'https://tandem.test';
const domain = 'auth.tandem.test';
const identity = createIdentity({
  issuer: 'https://cognito.test/pool',
  privateKey: loadOrCreateKey(undefined),
});

/** The sign-in page as the server sends it: with its Content-Security-Policy. */
function signinResponse(config: SigninConfig) {
  const page = signinPage(config);
  return { contentType: 'text/html', headers: { [CSP]: page.csp }, body: page.html };
}

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => browser?.close());

describe('/signin with Cognito', () => {
  it('runs the code flow with PKCE, keeps the ID token and goes on to ?next=', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    const page404 = { status: 404, body: 'not here' };
    let tokenRequest: URLSearchParams | undefined;
    await context.route('**/*', async (route) => {
      const url = new URL(route.request().url());
      if (url.origin === origin && url.pathname === '/signin') {
        return route.fulfill({
          ...signinResponse({ mode: 'cognito', domain, clientId: 'client-123' }),
        });
      }
      if (url.origin === origin && url.pathname === '/researcher/') {
        return route.fulfill({
          contentType: 'text/html',
          body: `<h1>Researcher</h1><script>${authClientScript}</script>`,
        });
      }
      if (url.host === domain && url.pathname === '/oauth2/authorize') {
        return route.fulfill({ contentType: 'text/html', body: '<h1>Hosted UI</h1>' });
      }
      if (url.host === domain && url.pathname === '/oauth2/token') {
        tokenRequest = new URLSearchParams(route.request().postData() ?? '');
        const idToken = identity.issue({ username: 'ana', roles: ['analyst'], sites: [] });
        return route.fulfill({
          contentType: 'application/json',
          headers: { 'access-control-allow-origin': '*' },
          body: JSON.stringify({ id_token: idToken, access_token: 'a', token_type: 'Bearer' }),
        });
      }
      return route.fulfill(page404);
    });

    await page.goto(`${origin}/signin?next=/researcher/%3Ftab%3Dfiles`);
    await page.waitForURL((url) => url.host === domain);
    const authorize = new URL(page.url());
    expect(authorize.pathname).toBe('/oauth2/authorize');
    expect(authorize.searchParams.get('client_id')).toBe('client-123');
    expect(authorize.searchParams.get('redirect_uri')).toBe(`${origin}/signin`);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');

    // Cognito sends the browser back with a code and the state it was given.
    const state = authorize.searchParams.get('state');
    await page.goto(`${origin}/signin?code=the-code&state=${state}`);
    await page.waitForURL(`${origin}/researcher/?tab=files`);

    const verifier = tokenRequest?.get('code_verifier') ?? '';
    expect(createHash('sha256').update(verifier).digest('base64url')).toBe(
      authorize.searchParams.get('code_challenge'),
    );
    expect(tokenRequest?.get('grant_type')).toBe('authorization_code');
    expect(tokenRequest?.get('code')).toBe('the-code');
    const claims = (await page.evaluate('tandemClaims()')) as Record<string, unknown>;
    expect(claims['cognito:groups']).toEqual(['analyst']);
    await context.close();
  });

  it('refuses an answer whose state does not match, and never follows a ?next= to another site', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await context.route(
      (url) => url.origin === origin && url.pathname === '/signin',
      (route) =>
        route.fulfill({
          ...signinResponse({ mode: 'cognito', domain, clientId: 'c' }),
        }),
    );
    await context.route(
      (url) => url.host === domain,
      (route) => route.fulfill({ contentType: 'text/html', body: 'hosted' }),
    );
    await page.goto(`${origin}/signin?next=//evil.example/x`);
    await page.waitForURL((url) => url.host === domain);
    expect(await page.evaluate("sessionStorage.getItem('tandem.next')")).toBeNull();
    await page.goto(`${origin}/signin?code=c&state=forged`);
    await expect.poll(() => page.textContent('#status')).toContain('did not match');
    await context.close();
  });
});

describe('tandemFetch', () => {
  it('sends the token as a Bearer header and goes to /signin with the page as ?next= on a 401', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    const seen: Array<string | undefined> = [];
    await context.route(
      (url) => url.origin === origin,
      (route) => {
        const url = new URL(route.request().url());
        if (url.pathname === '/api/v1/releases') {
          seen.push(route.request().headers().authorization);
          return route.fulfill({
            status: 401,
            contentType: 'application/json',
            body: '{"message":"Unauthorized"}',
          });
        }
        if (url.pathname === '/signin')
          return route.fulfill({ contentType: 'text/html', body: '<h1>Sign in</h1>' });
        return route.fulfill({
          contentType: 'text/html',
          body: `<h1>Page</h1><script>${authClientScript}</script>`,
        });
      },
    );
    const token = identity.issue({ username: 'r', roles: ['researcher'], sites: [] });
    await page.goto(`${origin}/researcher/?tab=2`);
    await page.evaluate(`sessionStorage.setItem('tandem.idToken', ${JSON.stringify(token)})`);
    await Promise.all([
      page.waitForURL(`${origin}/signin?next=%2Fresearcher%2F%3Ftab%3D2`),
      page.evaluate("tandemFetch('/api/v1/releases')").catch(() => undefined),
    ]);
    expect(seen).toEqual([`Bearer ${token}`]);
    await context.close();
  });
});

/** `?next=` values that leave the site in a naive check, as they would be put in a link (encoded). */
const HOSTILE_NEXT = [
  '/\t/evil.example',
  '/\n/evil.example',
  '//evil.example',
  '/\\evil.example',
  '/.//evil.example',
  '/%2e//evil.example',
  'javascript:alert(1)',
  'https://evil.example/',
];

describe('/signin ?next= never leaves the site', () => {
  it('signs in through the local server and ends on its origin for ?next=%2F%09%2Fevil.example', async () => {
    const stack = await startTestStack();
    const context = await browser.newContext();
    try {
      const offsite: string[] = [];
      await context.route(
        (url) => url.origin !== new URL(stack.url).origin,
        (route) => {
          offsite.push(route.request().url());
          return route.fulfill({ contentType: 'text/html', body: '<h1>evil</h1>' });
        },
      );
      const page = await context.newPage();
      page.setDefaultTimeout(10_000);
      await page.goto(`${stack.url}/signin?next=%2F%09%2Fevil.example`);
      // The server sends the hostile next away before the page sees it.
      expect(page.url()).toBe(`${stack.url}/signin`);
      await page.click('button[data-username="researcher"]');
      await page.waitForURL((url) => url.pathname !== '/signin');
      await page.waitForLoadState('networkidle');
      expect(new URL(page.url()).origin).toBe(new URL(stack.url).origin);
      expect(offsite).toEqual([]);
    } finally {
      await context.close();
      await stack.stop();
    }
  });

  it('the page script itself goes to the dashboard, not off the site, for every hostile ?next=', async () => {
    const context = await browser.newContext();
    const offsite: string[] = [];
    await context.route('**/*', (route) => {
      const url = new URL(route.request().url());
      if (url.origin !== origin) {
        offsite.push(url.href);
        return route.fulfill({ contentType: 'text/html', body: '<h1>evil</h1>' });
      }
      if (url.pathname === '/signin')
        return route.fulfill({
          ...signinResponse({ mode: 'dev', usersUrl: '/dev-idp/users', tokenUrl: '/dev-idp/token' }),
        });
      if (url.pathname === '/dev-idp/users')
        return route.fulfill({
          contentType: 'application/json',
          body: JSON.stringify([{ username: 'ana', label: 'Analyst', roles: ['analyst'], sites: [] }]),
        });
      if (url.pathname === '/dev-idp/token')
        return route.fulfill({
          contentType: 'application/json',
          body: JSON.stringify({
            id_token: identity.issue({ username: 'ana', roles: ['analyst'], sites: [] }),
          }),
        });
      return route.fulfill({ contentType: 'text/html', body: '<h1>Tandem page</h1>' });
    });
    try {
      for (const next of HOSTILE_NEXT) {
        const page = await context.newPage();
        page.setDefaultTimeout(10_000);
        await page.goto(`${origin}/signin?next=${encodeURIComponent(next)}`);
        await page.click('button[data-username="ana"]');
        await page.waitForURL((url) => url.pathname !== '/signin');
        expect(page.url(), JSON.stringify(next)).toBe(`${origin}/researcher/`);
        await page.close();
      }
      // A hostile value already in sessionStorage (as a Cognito round trip keeps it) is refused too.
      const page = await context.newPage();
      await page.goto(`${origin}/signin`);
      await page.evaluate("sessionStorage.setItem('tandem.next', '/\\t/evil.example')");
      await page.click('button[data-username="ana"]');
      await page.waitForURL((url) => url.pathname !== '/signin');
      expect(page.url()).toBe(`${origin}/researcher/`);
      expect(offsite).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
