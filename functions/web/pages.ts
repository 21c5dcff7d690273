import { config } from '../../shared/config.ts';
import { NotFoundError } from '../../shared/errors.ts';
import { routeOf } from '../http/authorize.ts';
import { html, redirect } from '../http/respond.ts';
import { httpRoute } from '../http/route.ts';
import { CSP } from '../http/security-headers.ts';
import { coordinatorPage } from './coordinator-page.ts';
import { researcherPage } from './researcher-page.ts';
import { safeNext } from './safe-next.ts';
import { type SigninConfig, signinPage } from './signin-page.ts';
import type { StaticPage } from './staff-page.ts';

/** Cognito's hosted UI when the stack configured it; the local dev identity provider otherwise. */
function signinConfig(): SigninConfig {
  const { TANDEM_COGNITO_DOMAIN: domain, TANDEM_COGNITO_CLIENT_ID: clientId } = config();
  return domain && clientId
    ? { mode: 'cognito', domain, clientId }
    : { mode: 'dev', usersUrl: '/dev-idp/users', tokenUrl: '/dev-idp/token' };
}

// The dashboards are the same on every request: built, and their script hashes taken, once.
const coordinator = coordinatorPage();
const researcher = researcherPage();
const pages: Record<string, () => StaticPage> = {
  'GET /signin': () => signinPage(signinConfig()),
  'GET /coordinator/': () => coordinator,
  'GET /researcher/': () => researcher,
};

/** The static pages: sign-in, coordinator dashboard, researcher page. They hold no data; their scripts call the API. */
export const handler = httpRoute({}, async ({ event }) => {
  // In AWS the dashboards arrive as `GET /coordinator` (no trailing slash): key by the declared route.
  const route = routeOf(event);
  const page = pages[`${route.method} ${route.path}`];
  if (!page) throw new NotFoundError(`No page at ${event.rawPath}.`);
  // A `next` that would leave the site never reaches the page (whose script checks it again).
  const next = event.queryStringParameters?.next;
  if (route.path === '/signin' && next !== undefined && safeNext(next) === null)
    return redirect('/signin', 302);
  const { html: body, csp } = page();
  return html(200, body, { [CSP]: csp });
});
