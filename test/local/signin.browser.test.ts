import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type WebAssets, webAssets } from '../../functions/web/assets.ts';
import { PAGES, type SigninConfig, staffCsp } from '../../functions/web/pages.ts';
import { createIdentity, loadOrCreateKey } from '../../infra/local/identity.ts';
import { buildWebAssets } from '../../infra/web-assets.ts';
import { resetConfig } from '../../shared/config.ts';
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

let browser: Browser;
let assets: WebAssets;
const webDir = mkdtempSync(join(tmpdir(), 'tandem-web-test-'));
beforeAll(async () => {
  await buildWebAssets(webDir);
  process.env.TANDEM_WEB_DIR = webDir;
  resetConfig();
  assets = webAssets();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  rmSync(webDir, { recursive: true, force: true });
});

/** Serves a static page as the pages handler renders it, with its CSP, or one of the built assets; false for other paths. */
function servePage(route: Route, signin: SigninConfig): Promise<void> | false {
  const url = new URL(route.request().url());
  if (url.origin !== origin) return false;
  const page = PAGES[`GET ${url.pathname}`];
  if (page) {
    return route.fulfill({
      contentType: 'text/html',
      headers: { 'content-security-policy': staffCsp(signin) },
      body: page(assets, signin),
    });
  }
  const file = url.pathname.startsWith('/assets/') ? assets.file(url.pathname.slice(8)) : undefined;
  return file ? route.fulfill({ contentType: file.contentType, body: file.body }) : false;
}

/** The claims of the ID token the page keeps, decoded here rather than in the page. */
async function storedClaims(context: BrowserContext): Promise<Record<string, unknown>> {
  const [page] = context.pages();
  const token = String(await page?.evaluate("sessionStorage.getItem('tandem.idToken')"));
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
}

const cognito: SigninConfig = { mode: 'cognito', domain, clientId: 'client-123' };
const devSignin: SigninConfig = { mode: 'dev', usersUrl: '/dev-idp/users', tokenUrl: '/dev-idp/token' };

describe('/signin with Cognito', () => {
  it('runs the code flow with PKCE, keeps the ID token and goes on to ?next=', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    const page404 = { status: 404, body: 'not here' };
    let tokenRequest: URLSearchParams | undefined;
    await context.route('**/*', async (route) => {
      const url = new URL(route.request().url());
      if (url.origin === origin && url.pathname.startsWith('/api/')) {
        return route.fulfill({ contentType: 'application/json', body: '{"releases":[],"latest":null}' });
      }
      const served = servePage(route, cognito);
      if (served) return served;
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
    expect((await storedClaims(context))['cognito:groups']).toEqual(['analyst']);
    // The researcher page ran under its CSP: its own script, signed in with the kept token.
    await expect.poll(() => page.textContent('#releases')).toContain('No release has been published yet');
    await context.close();
  });

  it('refuses an answer whose state does not match, and never follows a ?next= to another site', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await context.route(
      (url) => url.origin === origin,
      (route) => servePage(route, { mode: 'cognito', domain, clientId: 'c' }) || route.abort(),
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

describe('the staff pages’ fetch', () => {
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
        return servePage(route, cognito) || route.abort();
      },
    );
    const token = identity.issue({ username: 'r', roles: ['researcher'], sites: [] });
    await page.goto(`${origin}/signin`);
    await page.evaluate(`sessionStorage.setItem('tandem.idToken', ${JSON.stringify(token)})`);
    await page.goto(`${origin}/researcher/?tab=2`);
    await page.waitForURL(`${origin}/signin?next=%2Fresearcher%2F%3Ftab%3D2`);
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
      // The sign-in page and its assets as the server renders them; any other page is a stand-in.
      if (url.pathname === '/signin' || url.pathname.startsWith('/assets/'))
        return servePage(route, devSignin) || route.abort();
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
