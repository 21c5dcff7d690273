import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type JsonWebKey,
  type KeyObject,
  randomUUID,
  sign,
  verify,
} from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StaffRole } from '../../functions/routes.ts';

/**
 * The dev identity provider: a stand-in for Cognito that signs ID tokens with a local RSA key, and a
 * verifier that accepts or refuses them exactly as API Gateway's JWT authorizer would.
 */

/** A user of the sign-in page. */
export interface DemoUser {
  username: string;
  /** What the sign-in button says. */
  label: string;
  roles: StaffRole[];
  /** Sites of a coordinator; empty for the others. */
  sites: string[];
}

export interface Identity {
  issuer: string;
  clientId: string;
  /** The JSON Web Key Set API Gateway would fetch from the issuer. */
  jwks(): { keys: JsonWebKey[] };
  /** A signed ID token shaped like Cognito's; `ttlSeconds` defaults to one hour. */
  issue(user: Pick<DemoUser, 'username' | 'roles' | 'sites'>, options?: IssueOptions): string;
  /** What the JWT authorizer concludes from an Authorization header. */
  authorize(authorization: string | undefined, now?: Date): AuthorizerResult;
}

export interface IssueOptions {
  ttlSeconds?: number;
  now?: Date;
  /** Overrides for tests of the verifier (a wrong issuer, audience …). */
  claims?: Record<string, unknown>;
}

export type AuthorizerResult =
  | { ok: true; claims: Record<string, string>; scopes: string[] | null }
  | { ok: false; reason: string };

export const CLIENT_ID = 'tandem-dev-client';
const KEY_ID = 'tandem-dev-1';

/** The demo users of a study with these sites: a lead, one coordinator per site, a researcher, an analyst. */
export function demoUsers(siteIds: readonly string[]): DemoUser[] {
  return [
    { username: 'lead', label: 'Study lead (all sites)', roles: ['lead'], sites: [] },
    ...siteIds.map(
      (siteId): DemoUser => ({
        username: `coordinator-${siteId}`,
        label: `Coordinator, ${siteId}`,
        roles: ['coordinator'],
        sites: [siteId],
      }),
    ),
    { username: 'researcher', label: 'Researcher (open tier)', roles: ['researcher'], sites: [] },
    { username: 'analyst', label: 'Analyst (open + analyst tier)', roles: ['analyst'], sites: [] },
  ];
}

/** Loads the key pair from `dir` (PEM), creating it once; without a dir the key lives in memory. */
export function loadOrCreateKey(dir: string | undefined): KeyObject {
  const file = dir === undefined ? undefined : join(dir, 'private.pem');
  if (file && existsSync(file)) return createPrivateKey(readFileSync(file, 'utf8'));
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  if (dir !== undefined && file) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    writeFileSync(join(dir, 'public.pem'), publicKey.export({ type: 'spki', format: 'pem' }));
  }
  return privateKey;
}

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** API Gateway hands claims to the function as strings; arrays become `[a b]`. */
export function claimString(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(String).join(' ')}]`;
  if (typeof value === 'object' && value !== null) return JSON.stringify(value);
  return String(value);
}

/** A dev identity provider for `issuer` (`http://localhost:PORT/dev-idp`) signing with `privateKey`. */
export function createIdentity(options: {
  issuer: string;
  privateKey: KeyObject;
  clientId?: string;
}): Identity {
  const { issuer, privateKey } = options;
  const clientId = options.clientId ?? CLIENT_ID;
  const publicKey = createPublicKey(privateKey);
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid: KEY_ID, alg: 'RS256', use: 'sig' };
  const keys = new Map<string, KeyObject>([[KEY_ID, publicKey]]);

  return {
    issuer,
    clientId,
    jwks: () => ({ keys: [jwk] }),

    issue(user, issueOptions = {}) {
      const now = Math.floor((issueOptions.now ?? new Date()).getTime() / 1000);
      const header = { kid: KEY_ID, alg: 'RS256' };
      const payload = {
        sub: subjectOf(user.username),
        'cognito:groups': user.roles,
        ...(user.sites.length > 0 ? { 'custom:sites': user.sites.join(',') } : {}),
        iss: issuer,
        'cognito:username': user.username,
        origin_jti: randomUUID(),
        aud: clientId,
        event_id: randomUUID(),
        token_use: 'id',
        auth_time: now,
        exp: now + (issueOptions.ttlSeconds ?? 3600),
        iat: now,
        jti: randomUUID(),
        ...issueOptions.claims,
      };
      const signingInput = `${base64url(header)}.${base64url(payload)}`;
      const signature = sign('RSA-SHA256', Buffer.from(signingInput), privateKey).toString('base64url');
      return `${signingInput}.${signature}`;
    },

    authorize(authorization, at = new Date()) {
      return verifyAuthorization(authorization, { issuer, audience: [clientId], keys, now: at });
    },
  };
}

/** The `sub` a demo user's tokens carry: like Cognito's, a UUID that stays the same for a user (derived from the username). */
export function subjectOf(username: string): string {
  const hex = createHash('sha256').update(username).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

function decodePart(part: string | undefined): Record<string, unknown> | undefined {
  if (!part) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The checks of API Gateway's JWT authorizer, in its order: the token from the Authorization header
 * (a `Bearer ` prefix is optional), a `kid` of the JWKS, RS256, the signature, `iss`, `aud` (or
 * `client_id` when there is no `aud`), `exp` in the future, `nbf` and `iat` in the past.
 */
export function verifyAuthorization(
  authorization: string | undefined,
  trust: { issuer: string; audience: readonly string[]; keys: ReadonlyMap<string, KeyObject>; now: Date },
): AuthorizerResult {
  if (authorization === undefined || authorization.trim() === '') {
    return { ok: false, reason: 'no Authorization header' };
  }
  const token = authorization.replace(/^Bearer\s+/i, '').trim();
  const parts = token.split('.');
  if (parts.length !== 3) return { ok: false, reason: 'not a JWT' };
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  const header = decodePart(headerPart);
  const claims = decodePart(payloadPart);
  if (!header || !claims) return { ok: false, reason: 'not a JWT' };
  const key = typeof header.kid === 'string' ? trust.keys.get(header.kid) : undefined;
  if (!key) return { ok: false, reason: 'unknown kid' };
  if (header.alg !== 'RS256') return { ok: false, reason: 'alg is not RS256' };
  const signed = verify(
    'RSA-SHA256',
    Buffer.from(`${headerPart}.${payloadPart}`),
    key,
    Buffer.from(signaturePart, 'base64url'),
  );
  if (!signed) return { ok: false, reason: 'bad signature' };
  if (claims.iss !== trust.issuer) return { ok: false, reason: 'wrong issuer' };
  const audience = claims.aud !== undefined ? claims.aud : claims.client_id;
  const audiences = Array.isArray(audience) ? audience : [audience];
  if (!audiences.some((aud) => typeof aud === 'string' && trust.audience.includes(aud))) {
    return { ok: false, reason: 'wrong audience' };
  }
  const now = trust.now.getTime() / 1000;
  if (typeof claims.exp !== 'number' || claims.exp <= now) return { ok: false, reason: 'expired' };
  if (typeof claims.nbf === 'number' && claims.nbf > now) return { ok: false, reason: 'not yet valid' };
  if (typeof claims.iat === 'number' && claims.iat > now)
    return { ok: false, reason: 'issued in the future' };
  const scope = claims.scope ?? claims.scp;
  const scopes = typeof scope === 'string' ? scope.split(' ').filter(Boolean) : null;
  const rendered: Record<string, string> = {};
  for (const [name, value] of Object.entries(claims)) rendered[name] = claimString(value);
  return { ok: true, claims: rendered, scopes };
}

/** The response API Gateway sends when its JWT authorizer refuses a request. */
export function unauthorized(reason: string): {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
} {
  return {
    statusCode: 401,
    headers: {
      'content-type': 'application/json',
      'www-authenticate': `Bearer error="invalid_token" error_description="${reason}"`,
    },
    body: JSON.stringify({ message: 'Unauthorized' }),
  };
}
