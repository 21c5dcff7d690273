import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createIdentity, demoUsers, loadOrCreateKey } from '../../infra/local/identity.ts';

const issuer = 'http://localhost:3999/dev-idp';
const identity = createIdentity({ issuer, privateKey: loadOrCreateKey(undefined) });
const coordinator = { username: 'coordinator-north', roles: ['coordinator' as const], sites: ['north'] };

describe('dev identity provider, checked as the API Gateway JWT authorizer checks', () => {
  it('accepts a fresh token and renders its claims as the authorizer does', () => {
    const result = identity.authorize(`Bearer ${identity.issue(coordinator)}`);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.claims['cognito:groups']).toBe('[coordinator]');
    expect(result.claims['custom:sites']).toBe('north');
    expect(result.claims.token_use).toBe('id');
    expect(result.claims.iss).toBe(issuer);
    expect(result.claims.aud).toBe(identity.clientId);
    expect(result.claims.exp).toMatch(/^\d+$/);
    expect(result.scopes).toBeNull();
  });

  it('accepts the token without the Bearer prefix, as AWS does', () => {
    expect(identity.authorize(identity.issue(coordinator)).ok).toBe(true);
  });

  it('refuses a request without an Authorization header', () => {
    expect(identity.authorize(undefined)).toEqual({ ok: false, reason: 'no Authorization header' });
  });

  it('refuses an expired token', () => {
    const token = identity.issue(coordinator, { now: new Date(Date.now() - 2 * 3600_000) });
    expect(identity.authorize(token)).toEqual({ ok: false, reason: 'expired' });
  });

  it('refuses a token signed with another key', () => {
    const stranger = createIdentity({ issuer, privateKey: loadOrCreateKey(undefined) });
    expect(identity.authorize(stranger.issue(coordinator))).toEqual({ ok: false, reason: 'bad signature' });
  });

  it('refuses a token from another issuer or for another client', () => {
    const wrongIssuer = identity.issue(coordinator, { claims: { iss: 'https://evil.example/idp' } });
    expect(identity.authorize(wrongIssuer)).toEqual({ ok: false, reason: 'wrong issuer' });
    const wrongClient = identity.issue(coordinator, { claims: { aud: 'another-client' } });
    expect(identity.authorize(wrongClient)).toEqual({ ok: false, reason: 'wrong audience' });
  });

  it('refuses a token that is not valid yet', () => {
    const later = identity.issue(coordinator, { claims: { nbf: Math.floor(Date.now() / 1000) + 600 } });
    expect(identity.authorize(later)).toEqual({ ok: false, reason: 'not yet valid' });
  });

  it('publishes the signing key as a JWKS entry with its kid', () => {
    const [key] = identity.jwks().keys;
    expect(key).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig', kid: 'tandem-dev-1' });
  });
});

describe('loadOrCreateKey', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-idp-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps the key pair as PEM and returns the same key on the next start', () => {
    const first = loadOrCreateKey(dir);
    expect(readFileSync(join(dir, 'private.pem'), 'utf8')).toContain('BEGIN PRIVATE KEY');
    const second = loadOrCreateKey(dir);
    expect(second.export({ format: 'jwk' })).toEqual(first.export({ format: 'jwk' }));
  });
});

describe('demoUsers', () => {
  it('lists a lead, one coordinator per site, a researcher and an analyst', () => {
    expect(demoUsers(['a', 'b']).map((user) => user.username)).toEqual([
      'lead',
      'coordinator-a',
      'coordinator-b',
      'researcher',
      'analyst',
    ]);
  });
});
