import { contentSecurityPolicy } from '../http/security-headers.ts';
import { authClientScript, ID_TOKEN_KEY } from './auth-client.ts';
import { safeNext } from './safe-next.ts';
import type { StaticPage } from './staff-page.ts';

/** Where the sign-in page gets its token from. */
export type SigninConfig =
  /** AWS: Cognito's hosted UI, authorization-code flow with PKCE. */
  | { mode: 'cognito'; domain: string; clientId: string }
  /** Locally: the dev identity provider's user list and token endpoint. */
  | { mode: 'dev'; usersUrl: string; tokenUrl: string };

// JSON inside a <script> must not be able to close the tag.
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

/** The sign-in page's stylesheet. */
const STYLE = `
  body { font: 16px/1.5 system-ui, sans-serif; margin: 0; background: #f4f5f7; color: #1d232b; }
  main { max-width: 34rem; margin: 3rem auto; padding: 0 1rem; }
  h1 { font-size: 1.6rem; margin-bottom: .25rem; }
  p.hint { color: #4a5563; margin-top: 0; }
  ul { list-style: none; padding: 0; display: grid; gap: .75rem; }
  button { width: 100%; text-align: left; font: inherit; padding: 1rem 1.25rem; border-radius: .6rem;
    border: 1px solid #c4cad3; background: #fff; cursor: pointer; }
  button:hover, button:focus-visible { border-color: #1f5fbf; outline: 2px solid #1f5fbf; }
  button strong { display: block; font-size: 1.1rem; }
  button span { color: #4a5563; font-size: .9rem; }
  #status[data-error] { color: #a4161a; }
`;

/**
 * The `/signin` page: with the dev identity provider it lists the demo users as buttons; with Cognito
 * it runs the hosted-UI code flow with PKCE. Either way it keeps the ID token in sessionStorage and
 * goes on to `?next=` (a same-site path, `safeNext`), or to the dashboard that suits the user's roles.
 * Its policy allows its inline script and styles, and `fetch` to this site and Cognito.
 */
export function signinPage(signin: SigninConfig): StaticPage {
  const script = `
${authClientScript}
(function () {
  var config = JSON.parse(document.getElementById('tandem-signin').textContent);
  var params = new URLSearchParams(location.search);
  var status = document.getElementById('status');

  function fail(message) {
    status.textContent = message;
    status.setAttribute('data-error', '');
  }
  // Only a path on this site: never an open redirect (functions/web/safe-next.ts).
  var safeNext = ${safeNext.toString()};
  function home(groups) {
    return groups.indexOf('lead') >= 0 || groups.indexOf('coordinator') >= 0 ? '/coordinator/' : '/researcher/';
  }
  function finish(idToken) {
    sessionStorage.setItem(${JSON.stringify(ID_TOKEN_KEY)}, idToken);
    var claims = tandemClaims() || {};
    var groups = claims['cognito:groups'] || [];
    location.replace(safeNext(sessionStorage.getItem('tandem.next')) || home(groups));
    sessionStorage.removeItem('tandem.next');
  }
  var next = safeNext(params.get('next'));
  if (next) sessionStorage.setItem('tandem.next', next);
  else if (!params.get('code')) sessionStorage.removeItem('tandem.next');

  function base64url(bytes) {
    var text = '';
    for (var i = 0; i < bytes.length; i++) text += String.fromCharCode(bytes[i]);
    return btoa(text).replace(/\\+/g, '-').replace(/\\//g, '_').replace(/=+$/, '');
  }
  function random(n) {
    var bytes = new Uint8Array(n);
    crypto.getRandomValues(bytes);
    return base64url(bytes);
  }

  if (config.mode === 'dev') {
    fetch(config.usersUrl).then(function (r) { return r.json(); }).then(function (users) {
      var list = document.getElementById('users');
      users.forEach(function (user) {
        var item = document.createElement('li');
        var button = document.createElement('button');
        button.type = 'button';
        button.dataset.username = user.username;
        var name = document.createElement('strong');
        name.textContent = user.label;
        var detail = document.createElement('span');
        detail.textContent = user.username + ' · ' + user.roles.join(', ') + (user.sites.length ? ' · ' + user.sites.join(', ') : '');
        button.append(name, detail);
        button.addEventListener('click', function () {
          status.textContent = 'Signing in…';
          fetch(config.tokenUrl, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
            body: JSON.stringify({ username: user.username })
          }).then(function (r) {
            if (!r.ok) throw new Error('sign-in failed (' + r.status + ')');
            return r.json();
          }).then(function (body) { finish(body.id_token); }, function (e) { fail(e.message); });
        });
        item.append(button);
        list.append(item);
      });
    }, function () { fail('The list of demo users could not be loaded.'); });
    return;
  }

  // Cognito hosted UI, authorization code with PKCE (RFC 7636).
  var redirectUri = location.origin + '/signin';
  var code = params.get('code');
  if (code) {
    if (params.get('state') !== sessionStorage.getItem('tandem.pkce.state')) return fail('The sign-in answer did not match; try again.');
    var body = new URLSearchParams({
      grant_type: 'authorization_code', client_id: config.clientId, code: code,
      redirect_uri: redirectUri, code_verifier: sessionStorage.getItem('tandem.pkce.verifier') || ''
    });
    fetch('https://' + config.domain + '/oauth2/token', {
      method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: body
    }).then(function (r) {
      if (!r.ok) throw new Error('sign-in failed (' + r.status + ')');
      return r.json();
    }).then(function (tokens) {
      sessionStorage.removeItem('tandem.pkce.verifier');
      sessionStorage.removeItem('tandem.pkce.state');
      finish(tokens.id_token);
    }, function (e) { fail(e.message); });
    return;
  }
  var verifier = random(32);
  var state = random(16);
  sessionStorage.setItem('tandem.pkce.verifier', verifier);
  sessionStorage.setItem('tandem.pkce.state', state);
  crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)).then(function (digest) {
    var query = new URLSearchParams({
      response_type: 'code', client_id: config.clientId, redirect_uri: redirectUri, scope: 'openid',
      state: state, code_challenge_method: 'S256', code_challenge: base64url(new Uint8Array(digest))
    });
    location.assign('https://' + config.domain + '/oauth2/authorize?' + query);
  });
})();
`;
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in · Tandem</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>Sign in to Tandem</h1>
<p class="hint" id="hint">${signin.mode === 'dev' ? 'Local development: choose a demo user.' : 'Redirecting to the sign-in page…'}</p>
<ul id="users"></ul>
<p id="status" role="status" aria-live="polite"></p>
<noscript><p>Signing in needs JavaScript.</p></noscript>
</main>
<script id="tandem-signin" type="application/json">${scriptJson(signin)}</script>
<script>${script}</script>
</body>
</html>
`;
  return {
    html,
    csp: contentSecurityPolicy({
      scripts: [script],
      styles: [STYLE],
      connect: signin.mode === 'cognito' ? ["'self'", `https://${signin.domain}`] : ["'self'"],
    }),
  };
}
