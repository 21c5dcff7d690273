import { createHash } from 'node:crypto';
import type middy from '@middy/core';
import type { HttpEvent, HttpResult } from './event.ts';

// The one place security headers are set (DESIGN §5). Every response: `nosniff` and
// `Referrer-Policy: no-referrer` (a participant page's URL holds its token, and no Tandem page needs
// to tell another site where a user came from). Every HTML response: no framing, and a
// Content-Security-Policy — the one the page declared, else the strictest (nothing may load).
// A page declares its policy with `contentSecurityPolicy(…)` in its `content-security-policy` header.

export const CSP = 'content-security-policy';

/** What a page may load: inline texts are allowed by their SHA-256, sources as given. */
export interface PagePolicy {
  /** Inline `<script>` texts, exactly as between the tags. */
  scripts?: readonly string[];
  /** Script sources (`'self'`, or bundled assets' paths). */
  scriptSources?: readonly string[];
  /** Inline event handler attribute values (allowed with `'unsafe-hashes'`, only these). */
  handlers?: readonly string[];
  /** Inline `<style>` texts, exactly as between the tags. */
  styles?: readonly string[];
  /** Stylesheet sources (`'self'`, or bundled assets' paths). */
  styleSources?: readonly string[];
  /** Sources of `fetch` (`'self'` for the API). */
  connect?: readonly string[];
  /** Sources of images. */
  images?: readonly string[];
  /** Where forms may post. @default none */
  forms?: readonly string[];
}

const hashOf = (text: string): string => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

/** The Content-Security-Policy header value for a page that loads only what `policy` lists. */
export function contentSecurityPolicy(policy: PagePolicy = {}): string {
  const scripts = [
    ...(policy.scriptSources ?? []),
    ...(policy.handlers?.length ? ["'unsafe-hashes'"] : []),
    ...(policy.scripts ?? []).map(hashOf),
    ...(policy.handlers ?? []).map(hashOf),
  ];
  const directives: [string, readonly string[]][] = [
    ['default-src', ["'none'"]],
    ['script-src', scripts],
    ['style-src', [...(policy.styleSources ?? []), ...(policy.styles ?? []).map(hashOf)]],
    ['img-src', policy.images ?? []],
    ['connect-src', policy.connect ?? []],
    ['form-action', policy.forms?.length ? policy.forms : ["'none'"]],
    ['base-uri', ["'none'"]],
    ['frame-ancestors', ["'none'"]],
  ];
  return directives
    .filter(([, sources]) => sources.length > 0)
    .map(([name, sources]) => `${name} ${[...new Set(sources)].join(' ')}`)
    .join('; ');
}

/** Both policies' sources together: for a page that shows documents another policy was made for. */
export function mergePolicies(...policies: PagePolicy[]): PagePolicy {
  const keys = [
    'scripts',
    'scriptSources',
    'handlers',
    'styles',
    'styleSources',
    'connect',
    'images',
    'forms',
  ] as const;
  const merged: PagePolicy = {};
  for (const key of keys) {
    const sources = policies.flatMap((policy) => policy[key] ?? []);
    if (sources.length > 0) merged[key] = sources;
  }
  return merged;
}

const isHtml = (headers: Record<string, string | number | boolean>): boolean =>
  String(headers['content-type'] ?? '').startsWith('text/html');

/** The result with Tandem's security headers added (a page's own CSP is kept, made unframeable). */
export function withSecurityHeaders(result: HttpResult): HttpResult {
  const headers: Record<string, string | number | boolean> = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name.toLowerCase()] = value;
  headers['x-content-type-options'] = 'nosniff';
  headers['referrer-policy'] = 'no-referrer';
  if (isHtml(headers)) {
    headers['x-frame-options'] = 'DENY';
    const declared = headers[CSP];
    if (typeof declared !== 'string') headers[CSP] = contentSecurityPolicy();
    else if (!/(^|;)\s*frame-ancestors\s/.test(declared))
      headers[CSP] = `${declared}; frame-ancestors 'none'`;
  }
  return { ...result, headers };
}

/** Middleware: the security headers on every response of a route, errors included. */
export function securityHeaders(): middy.MiddlewareObj<HttpEvent, HttpResult> {
  const secure = async (request: middy.Request<HttpEvent, HttpResult>): Promise<void> => {
    if (request.response) request.response = withSecurityHeaders(request.response);
  };
  return { after: secure, onError: secure };
}
