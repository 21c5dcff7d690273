import type { HttpResult } from './event.ts';

const noStore = { 'cache-control': 'no-store' };

/** A JSON response. */
export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', ...noStore, ...headers },
    body: JSON.stringify(body),
  };
}

/** An HTML page; a page declares its Content-Security-Policy in `headers` (security-headers.ts). */
export function html(statusCode: number, body: string, headers: Record<string, string> = {}): HttpResult {
  return {
    statusCode,
    headers: { 'content-type': 'text/html; charset=utf-8', ...noStore, ...headers },
    body,
  };
}

/** A 303 (after a form post) or 302 redirect. */
export function redirect(location: string, statusCode: 302 | 303 = 303): HttpResult {
  return { statusCode, headers: { location, ...noStore }, body: '' };
}

/** A CSV download. */
export function csv(body: string, filename: string): HttpResult {
  return {
    statusCode: 200,
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${filename.replace(/[^A-Za-z0-9._-]/g, '_')}"`,
      ...noStore,
    },
    body,
  };
}

/** Whether the client prefers HTML (a browser) over JSON. */
export function wantsHtml(headers: Record<string, string | undefined>): boolean {
  const accept = headers.accept ?? '';
  const contentType = headers['content-type'] ?? '';
  if (accept.includes('application/json')) return false;
  return accept.includes('text/html') || contentType.startsWith('application/x-www-form-urlencoded');
}
