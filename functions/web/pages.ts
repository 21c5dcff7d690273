import { config } from '../../shared/config.ts';
import { NotFoundError } from '../../shared/errors.ts';
import { html, type Markup, trusted } from '../../shared/html.ts';
import { CARD_STYLE_SOURCE } from '../coordinator/card-style.ts';
import { routeOf } from '../http/authorize.ts';
import type { HttpResult } from '../http/event.ts';
import { html as htmlResponse, redirect } from '../http/respond.ts';
import { httpRoute } from '../http/route.ts';
import { CSP, contentSecurityPolicy } from '../http/security-headers.ts';
import { type WebAssets, webAssets } from './assets.ts';
import { safeNext } from './safe-next.ts';
import { pageHead, staffPage } from './staff-page.ts';

// The static pages (sign-in, coordinator dashboard, researcher page, audit log), their hashed
// assets and the favicon. The pages hold no data; their scripts call the API.

/** Where the sign-in page gets its token from. */
export type SigninConfig =
  /** AWS: Cognito's hosted UI, authorization-code flow with PKCE. */
  | { mode: 'cognito'; domain: string; clientId: string }
  /** Locally: the dev identity provider's user list and token endpoint. */
  | { mode: 'dev'; usersUrl: string; tokenUrl: string };

/** Cognito's hosted UI when the stack configured it; the local dev identity provider otherwise. */
function signinConfig(): SigninConfig {
  const { TANDEM_COGNITO_DOMAIN: domain, TANDEM_COGNITO_CLIENT_ID: clientId } = config();
  return domain && clientId
    ? { mode: 'cognito', domain, clientId }
    : { mode: 'dev', usersUrl: '/dev-idp/users', tokenUrl: '/dev-idp/token' };
}

/**
 * The one Content-Security-Policy of the staff pages: their own hashed scripts and stylesheets and
 * nothing inline, except the printable card's stylesheet (the card opens in a window that inherits
 * this policy); API calls to this origin, and to Cognito's token endpoint when it signs in.
 */
export function staffCsp(signin: SigninConfig): string {
  return contentSecurityPolicy({
    scriptSources: ["'self'"],
    styleSources: ["'self'", CARD_STYLE_SOURCE],
    images: ["'self'"],
    connect: signin.mode === 'cognito' ? ["'self'", `https://${signin.domain}`] : ["'self'"],
    forms: ["'self'"],
  });
}

// JSON inside a <script type="application/json"> is not HTML-escaped text: it is kept as it is,
// with every `<` escaped so that it cannot close the tag.
const scriptJson = (value: unknown): Markup => trusted(JSON.stringify(value).replace(/</g, '\\u003c'));

function signinPage(assets: WebAssets, signin: SigninConfig): string {
  const hint =
    signin.mode === 'dev' ? 'Local development: choose a demo user.' : 'Redirecting to the sign-in page…';
  return html`<!doctype html>
<html lang="en">
<head>
${pageHead(assets, 'signin', 'Sign in · Tandem')}
<script id="tandem-signin" type="application/json">${scriptJson(signin)}</script>
</head>
<body>
<main>
<h1>Sign in to Tandem</h1>
<p class="hint" id="hint">${hint}</p>
<ul id="users"></ul>
<p id="status" role="status" aria-live="polite"></p>
<noscript><p>Signing in needs JavaScript.</p></noscript>
</main>
</body>
</html>
`.toString();
}

const coordinatorPage = (assets: WebAssets): string =>
  staffPage(assets, 'coordinator', {
    title: 'Coordinator dashboard · Tandem',
    heading: html`Tandem · Coordinator dashboard <span class="visually-hidden">for</span> <small id="study"></small>`,
    main: html`<section aria-labelledby="overview-h">
<h2 id="overview-h">Sites at a glance</h2>
<p class="muted">Completion status only: no answer is shown here or anywhere else in Tandem.</p>
<div id="overview" class="grid"></div>
</section>
<section aria-labelledby="manage-h">
<h2 id="manage-h">Enrol and manage</h2>
<p><label for="site-select">Site </label><select id="site-select"></select></p>
<div id="shown-once" aria-live="polite"></div>
<div id="site-detail"></div>
</section>`,
  });

const researcherPage = (assets: WebAssets): string =>
  staffPage(assets, 'researcher', {
    title: 'Releases · Tandem',
    heading: 'Tandem releases',
    main: html`<p class="muted">Each nightly release holds de-identified tables (CSV and Parquet), their codebook, loaders and a report. Open-tier files are for every researcher and the study lead; analyst-tier files only for approved analysts. Every download is logged.</p>
<div id="releases"><p>Loading…</p></div>`,
  });

const auditPage = (assets: WebAssets): string =>
  staffPage(assets, 'audit', {
    title: 'Audit log · Tandem',
    heading: 'Tandem audit log',
    main: html`<p class="muted">Who enrolled, printed, rotated, ended, withdrew, closed and downloaded what, and when. Days are UTC.</p>
<form id="audit-range" class="inline">
<div class="field"><label for="audit-from">From</label><input type="date" id="audit-from" name="from" required></div>
<div class="field"><label for="audit-to">To</label><input type="date" id="audit-to" name="to" required></div>
<button type="submit">Show</button>
</form>
<div id="events"></div>`,
  });

/** Each static page by its route key (`GET /signin`), rendered with these assets and sign-in. */
export const PAGES: Readonly<Record<string, (assets: WebAssets, signin: SigninConfig) => string>> = {
  'GET /signin': signinPage,
  'GET /coordinator/': coordinatorPage,
  'GET /researcher/': researcherPage,
  'GET /audit/': auditPage,
};

const YEAR_SECONDS = 31_536_000;

function asset(name: string | undefined, assets: WebAssets): HttpResult {
  const file = name === undefined ? undefined : assets.file(name);
  if (!file) throw new NotFoundError(`There is no asset ${name}.`);
  return {
    statusCode: 200,
    // Names change with their content: a browser may keep each for good.
    headers: {
      'content-type': file.contentType,
      'cache-control': `public, max-age=${YEAR_SECONDS}, immutable`,
    },
    body: file.body,
  };
}

/** The static pages, each with the staff CSP; their hashed assets; the favicon. */
export const handler = httpRoute({}, async ({ event }) => {
  const assets = webAssets();
  // In AWS the dashboards arrive as `GET /coordinator` (no trailing slash): key by the declared route.
  const route = routeOf(event);
  if (route.path === '/assets/{name}') return asset(event.pathParameters?.name, assets);
  if (route.path === '/favicon.ico') return asset(assets.manifest.favicon, assets);
  const page = PAGES[`${route.method} ${route.path}`];
  if (!page) throw new NotFoundError(`No page at ${event.rawPath}.`);
  // A `next` that would leave the site never reaches the page (whose script checks it again).
  const next = event.queryStringParameters?.next;
  if (route.path === '/signin' && next !== undefined && safeNext(next) === null)
    return redirect('/signin', 302);
  const signin = signinConfig();
  return htmlResponse(200, page(assets, signin), { [CSP]: staffCsp(signin) });
});
