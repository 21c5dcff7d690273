import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { HttpEvent } from '../../functions/http/event.ts';
import { ROUTES, type RouteSpec } from '../../functions/routes.ts';

/** A route of the table, compiled for matching a request path against its `{param}` segments. */
export interface RouteMatch {
  route: RouteSpec;
  /** API Gateway's route key, `METHOD /path/{param}`. */
  routeKey: string;
  pathParameters: Record<string, string>;
}

interface CompiledRoute {
  route: RouteSpec;
  segments: string[];
  /** Literal segments count more than parameters: API Gateway prefers the most specific route. */
  literals: number;
}

const compiled: CompiledRoute[] = ROUTES.map((route) => {
  const segments = route.path.split('/');
  return { route, segments, literals: segments.filter((s) => !isParam(s)).length };
});

function isParam(segment: string): boolean {
  return segment.startsWith('{') && segment.endsWith('}');
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** The route a method and raw path reach, as API Gateway would pick it; undefined for none. */
export function matchRoute(method: string, rawPath: string, routes = compiled): RouteMatch | undefined {
  const parts = rawPath.split('/');
  let best: { match: RouteMatch; literals: number } | undefined;
  for (const candidate of routes) {
    if (candidate.route.method !== method || candidate.segments.length !== parts.length) continue;
    const pathParameters: Record<string, string> = {};
    let fits = true;
    for (const [i, segment] of candidate.segments.entries()) {
      const part = parts[i] ?? '';
      if (isParam(segment)) {
        // A `{param}` is one non-empty segment.
        if (part === '') fits = false;
        else pathParameters[segment.slice(1, -1)] = decode(part);
      } else if (segment !== part) fits = false;
      if (!fits) break;
    }
    if (fits && (!best || candidate.literals > best.literals)) {
      best = {
        match: {
          route: candidate.route,
          routeKey: `${candidate.route.method} ${candidate.route.path}`,
          pathParameters,
        },
        literals: candidate.literals,
      };
    }
  }
  return best?.match;
}

// HTTP APIs pass these bodies as text; everything else (form posts included) arrives base64-encoded.
const TEXT_TYPES = [/^text\//, /^application\/(json|xml|javascript)\b/, /\+(json|xml)\b/];

/** Whether API Gateway would hand this body to the function as plain text. */
export function isTextBody(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const type = contentType.toLowerCase();
  return TEXT_TYPES.some((pattern) => pattern.test(type));
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `12/Mar/2020:19:03:58 +0000`, the form of `requestContext.time`. */
export function requestTime(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return (
    `${pad(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`
  );
}

/** The request facts an event is built from; `fromIncomingMessage` reads them off a Node request. */
export interface RequestFacts {
  method: string;
  /** Path and query as sent, e.g. `/s/abc?lang=de`. */
  url: string;
  /** Raw header pairs in arrival order (Node's `rawHeaders` flattened as [name, value] pairs). */
  headers: ReadonlyArray<readonly [string, string]>;
  body: Buffer;
  sourceIp: string;
  protocol: string;
  /** Local TCP port, for the `x-forwarded-port` header API Gateway adds. */
  port: number;
  now?: Date;
}

/** Reads the facts off a Node request whose body has been read already. */
export function fromIncomingMessage(request: IncomingMessage, body: Buffer): RequestFacts {
  const pairs: Array<readonly [string, string]> = [];
  for (let i = 0; i + 1 < request.rawHeaders.length; i += 2) {
    pairs.push([request.rawHeaders[i] ?? '', request.rawHeaders[i + 1] ?? '']);
  }
  const ip = request.socket.remoteAddress ?? '127.0.0.1';
  return {
    method: request.method ?? 'GET',
    url: request.url ?? '/',
    headers: pairs,
    body,
    sourceIp: ip.startsWith('::ffff:') ? ip.slice(7) : ip,
    protocol: `HTTP/${request.httpVersion}`,
    port: request.socket.localPort ?? 80,
  };
}

function requestId(): string {
  // API Gateway's ids look like `JKJaXmPLvHcESHA=`: 10 random bytes, base64.
  return randomBytes(10).toString('base64');
}

/**
 * The API Gateway HTTP API payload 2.0 event AWS would send for this request to the matched route:
 * lower-cased headers with repeats comma-joined, cookies taken out of the headers into `cookies`,
 * query parameters decoded with repeats comma-joined, base64 bodies for non-text content types.
 * Claims, when given, are set as the JWT authorizer sets them.
 */
export function buildEvent(
  facts: RequestFacts,
  match: RouteMatch,
  jwt?: { claims: Record<string, string>; scopes: string[] | null },
): HttpEvent {
  const now = facts.now ?? new Date();
  const queryAt = facts.url.indexOf('?');
  const rawPath = queryAt === -1 ? facts.url : facts.url.slice(0, queryAt);
  const rawQueryString = queryAt === -1 ? '' : facts.url.slice(queryAt + 1);

  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (const [name, value] of facts.headers) {
    const key = name.toLowerCase();
    if (key === 'cookie') {
      cookies.push(
        ...value
          .split(';')
          .map((c) => c.trim())
          .filter(Boolean),
      );
      continue;
    }
    headers[key] = headers[key] === undefined ? value : `${headers[key]},${value}`;
  }
  headers['x-forwarded-for'] = headers['x-forwarded-for']
    ? `${headers['x-forwarded-for']}, ${facts.sourceIp}`
    : facts.sourceIp;
  headers['x-forwarded-port'] = String(facts.port);
  headers['x-forwarded-proto'] = 'http';
  if (facts.body.byteLength > 0) headers['content-length'] = String(facts.body.byteLength);

  const queryStringParameters: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(rawQueryString)) {
    queryStringParameters[key] =
      queryStringParameters[key] === undefined ? value : `${queryStringParameters[key]},${value}`;
  }

  const text = isTextBody(headers['content-type']);
  const hasBody = facts.body.byteLength > 0;
  const event: HttpEvent = {
    version: '2.0',
    routeKey: match.routeKey,
    rawPath,
    rawQueryString,
    headers,
    requestContext: {
      accountId: 'offline',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: (headers.host ?? 'localhost').split('.')[0] ?? 'localhost',
      http: {
        method: facts.method,
        path: rawPath,
        protocol: facts.protocol,
        sourceIp: facts.sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: requestId(),
      routeKey: match.routeKey,
      stage: '$default',
      time: requestTime(now),
      timeEpoch: now.getTime(),
      ...(jwt ? { authorizer: { jwt } } : {}),
    },
    isBase64Encoded: hasBody && !text,
  };
  if (cookies.length > 0) event.cookies = cookies;
  if (rawQueryString !== '') event.queryStringParameters = queryStringParameters;
  if (Object.keys(match.pathParameters).length > 0) event.pathParameters = match.pathParameters;
  if (hasBody) event.body = text ? facts.body.toString('utf8') : facts.body.toString('base64');
  return event;
}
