import './signin.css';
import { safeNext } from '../safe-next.ts';
import { claims, ID_TOKEN_KEY, rolesOf } from './auth.ts';
import { byId, h } from './dom.ts';

// /signin: with the dev identity provider it lists the demo users as buttons; with Cognito it runs
// the hosted-UI authorization-code flow with PKCE (RFC 7636). Either way it keeps the ID token in
// sessionStorage and goes on to `?next=` (a path on this site) or to the page that suits the roles.
// `safeNext` (functions/web/safe-next.ts) is the one check of `next`: the server answers a hostile
// one with a redirect to /signin before the page loads, and this script checks it again.

/** What the server put into the page's `#tandem-signin` JSON (functions/web/pages.ts). */
type SigninConfig =
  | { mode: 'cognito'; domain: string; clientId: string }
  | { mode: 'dev'; usersUrl: string; tokenUrl: string };

interface DemoUser {
  username: string;
  label: string;
  roles: string[];
  sites: string[];
}

const NEXT_KEY = 'tandem.next';
const VERIFIER_KEY = 'tandem.pkce.verifier';
const STATE_KEY = 'tandem.pkce.state';

const config = JSON.parse(byId('tandem-signin').textContent ?? '{}') as SigninConfig;
const params = new URLSearchParams(location.search);
const status = byId('status');

function fail(message: string): void {
  status.textContent = message;
  status.setAttribute('data-error', '');
}

const home = (roles: string[]): string =>
  roles.includes('lead') || roles.includes('coordinator') ? '/coordinator/' : '/researcher/';

function finish(idToken: string): void {
  sessionStorage.setItem(ID_TOKEN_KEY, idToken);
  const target = safeNext(sessionStorage.getItem(NEXT_KEY)) ?? home(rolesOf(claims()));
  sessionStorage.removeItem(NEXT_KEY);
  location.replace(target);
}

async function tokenFrom(response: Response): Promise<string> {
  if (!response.ok) throw new Error(`sign-in failed (${response.status})`);
  const body = (await response.json()) as { id_token?: unknown };
  if (typeof body.id_token !== 'string') throw new Error('sign-in gave no ID token');
  return body.id_token;
}

function base64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

function random(n: number): string {
  return base64url(crypto.getRandomValues(new Uint8Array(n)));
}

async function devSignIn(dev: { usersUrl: string; tokenUrl: string }): Promise<void> {
  const response = await fetch(dev.usersUrl).catch(() => undefined);
  if (!response?.ok) return fail('The list of demo users could not be loaded.');
  const users = (await response.json()) as DemoUser[];
  byId('users').replaceChildren(
    ...users.map((user) => {
      const detail = [user.username, user.roles.join(', '), user.sites.join(', ')]
        .filter(Boolean)
        .join(' · ');
      const button = h('button', { type: 'button', 'data-username': user.username }, [
        h('strong', { text: user.label }),
        h('span', { text: detail }),
      ]);
      button.addEventListener('click', () => {
        status.textContent = 'Signing in…';
        const body = JSON.stringify({ username: user.username });
        fetch(dev.tokenUrl, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
          body,
        })
          .then(tokenFrom)
          .then(finish, (error: Error) => fail(error.message));
      });
      return h('li', {}, button);
    }),
  );
}

async function cognitoSignIn(cognito: { domain: string; clientId: string }): Promise<void> {
  const redirectUri = `${location.origin}/signin`;
  const code = params.get('code');
  if (code) {
    if (params.get('state') !== sessionStorage.getItem(STATE_KEY)) {
      return fail('The sign-in answer did not match; try again.');
    }
    const body = new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: cognito.clientId,
      code,
      redirect_uri: redirectUri,
      code_verifier: sessionStorage.getItem(VERIFIER_KEY) ?? '',
    });
    try {
      const token = await tokenFrom(
        await fetch(`https://${cognito.domain}/oauth2/token`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
          body,
        }),
      );
      sessionStorage.removeItem(VERIFIER_KEY);
      sessionStorage.removeItem(STATE_KEY);
      finish(token);
    } catch (error) {
      fail((error as Error).message);
    }
    return;
  }
  const verifier = random(32);
  const state = random(16);
  sessionStorage.setItem(VERIFIER_KEY, verifier);
  sessionStorage.setItem(STATE_KEY, state);
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: cognito.clientId,
    redirect_uri: redirectUri,
    scope: 'openid',
    state,
    code_challenge_method: 'S256',
    code_challenge: base64url(new Uint8Array(digest)),
  });
  location.assign(`https://${cognito.domain}/oauth2/authorize?${query}`);
}

const next = safeNext(params.get('next'));
if (next) sessionStorage.setItem(NEXT_KEY, next);
else if (!params.get('code')) sessionStorage.removeItem(NEXT_KEY);
void (config.mode === 'dev' ? devSignIn(config) : cognitoSignIn(config));
