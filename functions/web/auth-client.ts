/**
 * The browser side of signing in, shared by the static pages: the ID token lives in sessionStorage
 * under `tandem.idToken` (gone when the tab closes) and goes out only as `Authorization: Bearer`,
 * the one place API Gateway's JWT authorizer reads it.
 */

/** sessionStorage key of the ID token. */
export const ID_TOKEN_KEY = 'tandem.idToken';

/**
 * Script text (no `<script>` tag) defining `tandemToken()`, `tandemClaims()`, `tandemSignIn()`,
 * `tandemSignOut()` and `tandemFetch(path, init)`, which adds the token and sends the user to
 * `/signin?next=…` when there is none or the API answers 401.
 */
export const authClientScript = `
function tandemClaims() {
  var token = sessionStorage.getItem(${JSON.stringify(ID_TOKEN_KEY)});
  if (!token) return null;
  try {
    var part = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    var bytes = Uint8Array.from(atob(part), function (c) { return c.charCodeAt(0); });
    var claims = JSON.parse(new TextDecoder().decode(bytes));
    if (typeof claims.exp !== 'number' || claims.exp * 1000 <= Date.now()) return null;
    return claims;
  } catch (e) {
    return null;
  }
}
function tandemToken() {
  return tandemClaims() ? sessionStorage.getItem(${JSON.stringify(ID_TOKEN_KEY)}) : null;
}
function tandemSignIn() {
  sessionStorage.removeItem(${JSON.stringify(ID_TOKEN_KEY)});
  location.assign('/signin?next=' + encodeURIComponent(location.pathname + location.search + location.hash));
  return new Promise(function () {});
}
function tandemSignOut() {
  sessionStorage.removeItem(${JSON.stringify(ID_TOKEN_KEY)});
  location.assign('/signin');
}
function tandemFetch(path, init) {
  var token = tandemToken();
  if (!token) return tandemSignIn();
  init = init || {};
  var headers = new Headers(init.headers || {});
  headers.set('Authorization', 'Bearer ' + token);
  if (!headers.has('Accept')) headers.set('Accept', 'application/json');
  if (init.body && typeof init.body === 'string' && !headers.has('Content-Type')) {
    headers.set('Content-Type', 'application/json');
  }
  return fetch(path, Object.assign({}, init, { headers: headers })).then(function (response) {
    if (response.status === 401) return tandemSignIn();
    return response;
  });
}
`;
