import { describe, expect, it } from 'vitest';
import { html, json } from './respond.ts';
import { CSP, contentSecurityPolicy, mergePolicies, withSecurityHeaders } from './security-headers.ts';

describe('contentSecurityPolicy', () => {
  it('allows nothing but what the page lists, never framing', () => {
    expect(contentSecurityPolicy()).toBe(
      "default-src 'none'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'",
    );
  });

  it('allows inline texts by their SHA-256 and handlers only with unsafe-hashes', () => {
    const policy = contentSecurityPolicy({ scripts: ['a()'], handlers: ['window.print()'], styles: ['b{}'] });
    expect(policy).toContain(
      "script-src 'unsafe-hashes' 'sha256-qVpDBgj7bpq5hMAcGp3AOc79J3Y1Z4HvySTwKrWDoy4=' 'sha256-",
    );
    expect(policy).toMatch(/style-src 'sha256-[A-Za-z0-9+/]+=*';/);
    expect(policy).not.toContain('unsafe-inline');
  });

  it('allows bundled assets by their sources', () => {
    expect(contentSecurityPolicy({ scriptSources: ["'self'"], styleSources: ['/assets/a.css'] })).toBe(
      "default-src 'none'; script-src 'self'; style-src /assets/a.css; form-action 'none'; base-uri 'none'; frame-ancestors 'none'",
    );
  });

  it('merges two pages’ sources without repeating one', () => {
    const merged = mergePolicies(
      { styles: ['x'], connect: ["'self'"] },
      { styles: ['y'], connect: ["'self'"] },
    );
    expect(merged).toEqual({ styles: ['x', 'y'], connect: ["'self'", "'self'"] });
    expect(contentSecurityPolicy(merged)).toContain("connect-src 'self';");
  });
});

describe('withSecurityHeaders', () => {
  it('adds nosniff and no-referrer to JSON, and no framing header', () => {
    const { headers } = withSecurityHeaders(json(400, { error: {} }));
    expect(headers).toMatchObject({ 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer' });
    expect(headers?.[CSP]).toBeUndefined();
    expect(headers?.['x-frame-options']).toBeUndefined();
  });

  it('gives an HTML page without a policy the strictest one', () => {
    const { headers } = withSecurityHeaders(html(200, '<p>hi</p>'));
    expect(headers?.[CSP]).toBe(contentSecurityPolicy());
    expect(headers?.['x-frame-options']).toBe('DENY');
  });

  it('keeps a page’s own policy and makes it unframeable when it forgot to', () => {
    const { headers } = withSecurityHeaders(html(200, '', { [CSP]: "default-src 'self'" }));
    expect(headers?.[CSP]).toBe("default-src 'self'; frame-ancestors 'none'");
    const declared = contentSecurityPolicy({ styles: ['b{}'] });
    expect(withSecurityHeaders(html(200, '', { [CSP]: declared })).headers?.[CSP]).toBe(declared);
  });
});
