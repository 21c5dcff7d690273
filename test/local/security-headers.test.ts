import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalServer } from '../../infra/local/server.ts';
import { COORDINATOR_STUDY } from '../coordinator/study.ts';
import { type ApiResponse, api, startTestStack } from './harness.ts';

// DESIGN §5 security headers, read off the local server for every kind of response: participant
// pages, the card, the staff pages, JSON (success and errors) and the server's own answers.

let stack: LocalServer;
let http: ReturnType<typeof api>;
const html = { headers: { accept: 'text/html' } };

beforeAll(async () => {
  stack = await startTestStack({ study: COORDINATOR_STUDY });
  http = api(stack);
});
afterAll(async () => stack?.stop());

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

/** The directives of a Content-Security-Policy, by name. */
function directives(response: ApiResponse): Map<string, string[]> {
  const policy = response.headers.get('content-security-policy') ?? '';
  return new Map(
    policy
      .split(';')
      .map((part) => part.trim().split(/\s+/))
      .filter((words) => words[0])
      .map(([name, ...sources]) => [name!, sources]),
  );
}

/** The texts between the page's inline tags (`<script>` without a type, `<style>`). */
const inline = (page: string, tag: 'script' | 'style') =>
  [...page.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'g'))].map((match) => match[1]!);

function expectEveryResponseHeader(response: ApiResponse): void {
  expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  expect(response.headers.get('referrer-policy')).toBe('no-referrer');
}

function expectUnframeablePage(response: ApiResponse): Map<string, string[]> {
  expectEveryResponseHeader(response);
  expect(response.headers.get('content-type')).toMatch(/^text\/html/);
  expect(response.headers.get('x-frame-options')).toBe('DENY');
  const csp = directives(response);
  expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
  expect(csp.get('default-src')).toEqual(["'none'"]);
  expect(csp.get('base-uri')).toEqual(["'none'"]);
  return csp;
}

async function enrol(): Promise<{ dyadId: string; client: string }> {
  const therapist = await http.post<{ therapist: { therapistId: string } }>(
    '/api/v1/sites/berlin/therapists',
    {},
    { as: 'lead' },
  );
  const dyad = await http.post<{ dyad: { dyadId: string }; links: Record<string, string> }>(
    '/api/v1/sites/berlin/dyads',
    {
      therapistId: therapist.body.therapist.therapistId,
      modality: 'online',
      interpreter: false,
      language: 'en',
    },
    { as: 'lead' },
  );
  expect(dyad.status).toBe(201);
  return { dyadId: dyad.body.dyad.dyadId, client: new URL(dyad.body.links.client ?? '').pathname };
}

describe('security headers', () => {
  it('participant pages load nothing but their inline stylesheet, and send no Referer', async () => {
    const { client } = await enrol();
    for (const response of [
      await http.get(client, html),
      await http.get('/s/AAAAAAAAAAAAAAAAAAAAAA', html), // the 404 page
      await http.post(client, 'session=1&instrument=phq9&i1=9', {
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
      }), // a 400 page before consent
    ]) {
      const csp = expectUnframeablePage(response);
      expect(csp.has('script-src')).toBe(false);
      expect(csp.get('style-src')).toEqual(inline(response.text, 'style').map(sha256));
      expect(csp.get('form-action')).toEqual(["'self'"]);
    }
  });

  it('the printable card allows its inline stylesheet and no script at all', async () => {
    const { dyadId } = await enrol();
    const card = await http.post(`/api/v1/sites/berlin/dyads/${dyadId}/card`, undefined, {
      as: 'lead',
      headers: { accept: 'text/html' },
    });
    expect(card.status).toBe(200);
    const csp = expectUnframeablePage(card);
    expect(card.text).toContain('<svg');
    expect(csp.get('style-src')).toEqual(inline(card.text, 'style').map(sha256));
    // The Print button has no handler of its own (the dashboard that opens the card makes it print).
    expect(inline(card.text, 'script')).toEqual([]);
    expect(card.text).not.toMatch(/\son[a-z]+=/i);
    expect(csp.has('script-src')).toBe(false);
  });

  it.each(['/coordinator/', '/researcher/', '/audit/', '/signin'])(
    '%s runs only its bundled script and stylesheet from this site, nothing inline, and fetches this site',
    async (path) => {
      const page = await http.get(path, html);
      expect(page.status).toBe(200);
      const csp = expectUnframeablePage(page);
      expect(inline(page.text, 'script')).toEqual([]);
      expect(inline(page.text, 'style')).toEqual([]);
      expect(page.text).not.toMatch(/\son[a-z]+=/i);
      expect(csp.get('script-src')).toEqual(["'self'"]);
      expect(csp.get('style-src')?.[0]).toBe("'self'");
      expect(csp.get('style-src')?.join(' ')).not.toContain('unsafe-inline');
      expect(csp.get('connect-src')).toEqual(["'self'"]);
      // Its script and stylesheet are this site's hashed assets, served nosniff.
      const assets = [
        ...page.text.matchAll(
          /<script type="module" src="([^"]+)"><\/script>|<link rel="stylesheet" href="([^"]+)">/g,
        ),
      ].map((match) => match[1] ?? match[2] ?? '');
      expect(assets).toHaveLength(2);
      for (const asset of assets) {
        expect(asset).toMatch(/^\/assets\/[^/]+$/);
        const served = await http.get(asset);
        expect(served.status).toBe(200);
        expectEveryResponseHeader(served);
      }
    },
  );

  it('JSON responses, errors included, are nosniff', async () => {
    const responses = [
      await http.get('/healthz'),
      await http.get('/api/v1/sites', { as: 'lead' }),
      await http.post('/api/v1/sites/berlin/dyads', { therapistId: 7 }, { as: 'lead' }), // 400
      await http.get('/api/v1/sites/berlin/dyads', { as: 'researcher' }), // 403
      await http.get('/api/v1/sites'), // 401 from the authorizer
      await http.get('/s/AAAAAAAAAAAAAAAAAAAAAA'), // 404 JSON
      await http.get('/nothing-here'), // the server's own 404
      await http.post('/dev-idp/token', { username: 'nobody' }), // the dev identity provider
    ];
    expect(responses.map((response) => response.status)).toEqual([200, 200, 400, 403, 401, 404, 404, 400]);
    for (const response of responses) {
      expect(response.headers.get('content-type')).toMatch(/json/);
      expectEveryResponseHeader(response);
    }
  });

  it('an HTML page the server itself answers gets the strictest policy', async () => {
    const response = await http.get('/nothing-here', html);
    expect(response.status).toBe(404);
    const csp = expectUnframeablePage(response);
    expect([...csp.keys()]).toEqual(['default-src', 'form-action', 'base-uri', 'frame-ancestors']);
  });
});
