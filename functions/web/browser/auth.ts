// Signing in on the browser side, shared by the staff pages: the ID token lives in sessionStorage
// (gone when the tab closes) and goes out only as `Authorization: Bearer`, the one place API
// Gateway's JWT authorizer reads it.

/** sessionStorage key of the ID token. */
export const ID_TOKEN_KEY = 'tandem.idToken';

/** The claims of a Cognito (or dev identity provider) ID token that the pages use. */
export interface Claims {
  sub: string;
  exp: number;
  'cognito:username'?: string;
  'cognito:groups'?: string[] | string;
  email?: string;
}

/** The signed-in user's claims, or null without a token or once it has expired. */
export function claims(): Claims | null {
  const token = sessionStorage.getItem(ID_TOKEN_KEY);
  const part = token?.split('.')[1];
  if (!part) return null;
  try {
    const bytes = Uint8Array.from(atob(part.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
    const parsed = JSON.parse(new TextDecoder().decode(bytes)) as Partial<Claims>;
    if (typeof parsed.sub !== 'string' || typeof parsed.exp !== 'number' || parsed.exp * 1000 <= Date.now()) {
      return null;
    }
    return parsed as Claims;
  } catch {
    return null;
  }
}

/** The user's roles (Cognito groups); API Gateway may render a list claim as "[a b]". */
export function rolesOf(user: Claims | null): string[] {
  const groups = user?.['cognito:groups'];
  if (Array.isArray(groups)) return groups;
  if (typeof groups !== 'string') return [];
  return groups
    .replace(/^\[|\]$/g, '')
    .split(/[\s,]+/)
    .filter(Boolean);
}

/** Who is signed in, for the page header. */
export function displayName(user: Claims): string {
  return user['cognito:username'] ?? user.email ?? user.sub;
}

/** Forgets the token and goes to /signin, which comes back here afterwards; never resolves. */
export function signIn(): Promise<never> {
  sessionStorage.removeItem(ID_TOKEN_KEY);
  location.assign(`/signin?next=${encodeURIComponent(location.pathname + location.search + location.hash)}`);
  return new Promise<never>(() => {});
}

/** Forgets the token and shows /signin. */
export function signOut(): void {
  sessionStorage.removeItem(ID_TOKEN_KEY);
  location.assign('/signin');
}

/** fetch with the token; without one, or on a 401, the user signs in again. */
export async function authFetch(path: string, init: RequestInit = {}): Promise<Response> {
  const token = claims() ? sessionStorage.getItem(ID_TOKEN_KEY) : null;
  if (!token) return signIn();
  const headers = new Headers(init.headers);
  headers.set('Authorization', `Bearer ${token}`);
  if (!headers.has('Accept')) headers.set('Accept', 'application/json');
  if (typeof init.body === 'string' && !headers.has('Content-Type'))
    headers.set('Content-Type', 'application/json');
  const response = await fetch(path, { ...init, headers });
  if (response.status === 401) return signIn();
  return response;
}
