import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo, isIPv6 } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Context } from 'aws-lambda';
import type { HttpEvent, HttpResult } from '../../functions/http/event.ts';
import { wantsHtml } from '../../functions/http/respond.ts';
import { withSecurityHeaders } from '../../functions/http/security-headers.ts';
import type { RouteSpec } from '../../functions/routes.ts';
import { store } from '../../functions/runtime/store.ts';
import { auditSignIn } from '../../shared/audit.ts';
import { config, resetConfig } from '../../shared/config.ts';
import type { TandemStore } from '../../shared/ports.ts';
import type { StudyInput } from '../../shared/study/schema.ts';
import { buildWebAssets } from '../web-assets.ts';
import { type Emulators, startEmulators } from './emulators.ts';
import { buildEvent, fromIncomingMessage, matchRoute } from './events.ts';
import {
  createIdentity,
  type DemoUser,
  demoUsers,
  type Identity,
  loadOrCreateKey,
  subjectOf,
  unauthorized,
} from './identity.ts';
import { localSecret, pseudonymSecret } from './local-secret.ts';
import { invitedUsers } from './staff.ts';

/** The repository root: handler paths in ROUTES are relative to it. */
export const REPO_ROOT = new URL('../../', import.meta.url);

/** Bodies above this are refused before they are read (API Gateway's own limit is higher; Tandem's routes need 16 KB). */
export const MAX_BODY_BYTES = 1024 * 1024;

export interface LocalServerOptions {
  /** 0 picks a free port. */
  port: number;
  /**
   * Address to listen on. The dev sign-in has no password, so only this machine by default.
   * @default '127.0.0.1'
   */
  host?: string;
  /** Folder for the emulators' data, the dev identity key, the pseudonym secret and `endpoints.json` (`.tandem/`); in memory when undefined. */
  dataDir?: string | undefined;
  /** Seed the demo study (and run the nightly job once) when the store holds no study yet. */
  seed?: boolean;
  /** A study to seed instead of a generated one (tests). */
  study?: StudyInput;
  /** No request or progress lines on stdout. */
  quiet?: boolean;
  /** A DynamoDB already running in another process (emulator-process.ts) instead of dynalite in this one; in memory runs only. */
  dynamodbEndpoint?: string;
}

export interface LocalServer {
  url: string;
  port: number;
  /** The address the server listens on. */
  host: string;
  emulators: Emulators;
  identity: Identity;
  /** The store the handlers use (DynamoDB adapter on the emulator). */
  store: TandemStore;
  /** The demo users of the study's sites, as the sign-in page lists them. */
  users(): Promise<DemoUser[]>;
  /** Whether this start seeded the demo study. */
  seeded: boolean;
  /** Closes the server and its connections, then the emulators. */
  stop(): Promise<void>;
}

type Handler = (event: HttpEvent, context: Context) => Promise<unknown>;

// Re-exported where they used to live; the aggregate command imports local-secret.ts itself.
export { localSecret, pseudonymSecret };

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Where `tandem dev` listens unless told otherwise. */
export const LOOPBACK = '127.0.0.1';

/** The host name for links: localhost for loopback and wildcard addresses, else the address itself. */
function publicHost(host: string): string {
  if (['127.0.0.1', '::1', '0.0.0.0', '::', 'localhost'].includes(host)) return 'localhost';
  return isIPv6(host) ? `[${host}]` : host;
}

function send(response: ServerResponse, result: HttpResult): void {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(result.headers ?? {}))
    headers[name.toLowerCase()] = String(value);
  if (result.cookies && result.cookies.length > 0) headers['set-cookie'] = result.cookies;
  const body = result.body === undefined ? '' : result.body;
  const bytes = result.isBase64Encoded ? Buffer.from(body, 'base64') : Buffer.from(body, 'utf8');
  headers['content-length'] = String(bytes.byteLength);
  response.writeHead(result.statusCode, headers);
  response.end(bytes);
}

// The server's own answers (API Gateway's, in AWS) carry the security headers the handlers' do.
const jsonResult = (statusCode: number, body: unknown): HttpResult =>
  withSecurityHeaders({
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
    body: JSON.stringify(body),
  });

/** What API Gateway makes of a function's return value (payload 2.0): a structured result, or any JSON as a 200. */
export function toResult(value: unknown): HttpResult {
  if (typeof value === 'object' && value !== null && 'statusCode' in value) {
    const result = value as HttpResult;
    if (typeof result.statusCode === 'number') return result;
  }
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/json' },
    body: typeof value === 'string' ? value : JSON.stringify(value ?? null),
  };
}

function lambdaContext(route: RouteSpec, region: string): Context {
  const name = `tandem-${route.handler
    .replace(/^functions\//, '')
    .replace(/\.ts$/, '')
    .replace(/\W+/g, '-')}`;
  const deadline = Date.now() + 30_000;
  const unsupported = () => {
    throw new Error('callback-style Lambda handlers are not supported');
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${region}:000000000000:function:${name}`,
    memoryLimitInMB: '1024',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
}

/** Reads a request body, refusing (413, connection closed) anything over MAX_BODY_BYTES. */
function readBody(request: IncomingMessage): Promise<Buffer | 'too large'> {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > MAX_BODY_BYTES) return Promise.resolve('too large');
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > MAX_BODY_BYTES) {
        request.pause();
        resolve('too large');
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

/**
 * Tandem on one machine: dynalite and s3rver, the dev identity provider, and one HTTP server that
 * turns each request into the API Gateway v2 event AWS would send and calls the route's handler
 * module, as Lambda would. The environment that shared/config.ts reads is set before any handler
 * is imported. `GET /healthz` answers 503 until everything is ready, then 200.
 */
export async function startLocalServer(options: LocalServerOptions): Promise<LocalServer> {
  const { dataDir, quiet = false } = options;
  const log = (line: string) => {
    if (!quiet) console.log(line);
  };
  let ready = false;
  let handle: (request: IncomingMessage, response: ServerResponse) => Promise<void> = async () => {};
  const server = createServer((request, response) => {
    if (!ready) {
      send(response, jsonResult(503, { error: { code: 'starting', message: 'Tandem is starting.' } }));
      return;
    }
    handle(request, response).catch((error: unknown) => {
      console.error('local server: request failed', error);
      if (!response.headersSent) send(response, jsonResult(500, { message: 'Internal Server Error' }));
      else response.destroy();
    });
  });
  // The staff pages' scripts and styles, built from functions/web/browser/ on every start (a fresh
  // clone needs no build step); in memory runs they go to a temporary folder removed on stop.
  const webDir = dataDir === undefined ? mkdtempSync(join(tmpdir(), 'tandem-web-')) : join(dataDir, 'web');
  await buildWebAssets(webDir);
  const host = options.host ?? LOOPBACK;
  const port = await listen(server, options.port, host);
  const url = `http://${publicHost(host)}:${port}`;

  // The environment first: everything that reads config() reads it after this. The SDK's notice
  // about future Node versions is for maintainers (the lock file pins the SDK), not for each start.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  process.env.TANDEM_PUBLIC_URL = url;
  process.env.TANDEM_PSEUDONYM_SECRET = pseudonymSecret(dataDir);
  process.env.TANDEM_WEB_DIR = webDir;
  process.env.TANDEM_ATTEMPT_SECRET = localSecret(dataDir, 'attempt-secret');
  process.env.TANDEM_TABLE ??= 'tandem';
  process.env.TANDEM_BUCKET ??= 'tandem-releases';
  delete process.env.TANDEM_DYNAMODB_ENDPOINT;
  delete process.env.TANDEM_S3_ENDPOINT;
  resetConfig();

  let emulators: Emulators;
  try {
    emulators = await startEmulators({
      ...(dataDir === undefined ? {} : { dataDir }),
      ...(options.dynamodbEndpoint === undefined ? {} : { dynamodbEndpoint: options.dynamodbEndpoint }),
    });
  } catch (error) {
    server.close();
    throw error;
  }
  process.env.TANDEM_DYNAMODB_ENDPOINT = emulators.dynamodbEndpoint;
  process.env.TANDEM_S3_ENDPOINT = emulators.s3Endpoint;
  resetConfig();
  const region = config().AWS_REGION;
  const tandemStore = store();

  const identity = createIdentity({
    issuer: `${url}/dev-idp`,
    privateKey: loadOrCreateKey(dataDir === undefined ? undefined : join(dataDir, 'identity')),
  });
  const users = async () => [
    ...demoUsers((await tandemStore.listSites()).map((site) => site.siteId)),
    ...(dataDir === undefined ? [] : invitedUsers(dataDir)),
  ];

  const modules = new Map<string, Promise<Handler>>();
  const handlerOf = (route: RouteSpec): Promise<Handler> => {
    let loading = modules.get(route.handler);
    if (!loading) {
      loading = import(new URL(route.handler, REPO_ROOT).href).then((module: { handler?: unknown }) => {
        if (typeof module.handler !== 'function') throw new Error(`${route.handler} exports no handler`);
        return module.handler as Handler;
      });
      // A failed import is not cached, so a module written later is picked up on the next request.
      loading.catch(() => modules.delete(route.handler));
      modules.set(route.handler, loading);
    }
    return loading;
  };

  const devIdp = async (method: string, path: string, body: Buffer): Promise<HttpResult | undefined> => {
    if (method === 'GET' && path === '/dev-idp/.well-known/jwks.json')
      return jsonResult(200, identity.jwks());
    if (method === 'GET' && path === '/dev-idp/.well-known/openid-configuration') {
      return jsonResult(200, {
        issuer: identity.issuer,
        jwks_uri: `${identity.issuer}/.well-known/jwks.json`,
        token_endpoint: `${identity.issuer}/token`,
        id_token_signing_alg_values_supported: ['RS256'],
      });
    }
    if (method === 'GET' && path === '/dev-idp/users') return jsonResult(200, await users());
    if (method === 'POST' && path === '/dev-idp/token') {
      let username: unknown;
      try {
        username = (JSON.parse(body.toString('utf8')) as { username?: unknown }).username;
      } catch {
        username = undefined;
      }
      const user = (await users()).find((candidate) => candidate.username === username);
      if (!user) {
        return jsonResult(400, {
          error: {
            code: 'invalid_input',
            message: 'Unknown demo user.',
            details: [{ path: 'username', message: 'not a demo user', received: username }],
          },
        });
      }
      // As Cognito's post-authentication trigger does in AWS (functions/auth/post-authentication.ts).
      await auditSignIn(
        { store: tandemStore, clock: () => new Date() },
        subjectOf(user.username),
        user.roles,
      );
      return jsonResult(200, { id_token: identity.issue(user), token_type: 'Bearer', expires_in: 3600 });
    }
    return undefined;
  };

  handle = async (request, response) => {
    const started = Date.now();
    const body = await readBody(request);
    if (body === 'too large') {
      response.setHeader('connection', 'close');
      send(
        response,
        jsonResult(413, {
          error: { code: 'payload_too_large', message: `The body is over ${MAX_BODY_BYTES} bytes.` },
        }),
      );
      response.on('finish', () => request.destroy());
      return;
    }
    const facts = fromIncomingMessage(request, body);
    const method = facts.method;
    const rawPath = facts.url.split('?')[0] ?? '/';
    let result = rawPath.startsWith('/dev-idp/') ? await devIdp(method, rawPath, body) : undefined;
    if (!result) result = await dispatch(facts, method, rawPath);
    send(response, result);
    // The route key, never the path: a path holds link tokens and dyad and therapist codes.
    if (config().LOG_LEVEL === 'debug') {
      const logged = rawPath.startsWith('/dev-idp/')
        ? `${method} ${rawPath}`
        : (matchRoute(method, rawPath)?.routeKey ?? `${method} (no route)`);
      log(`${logged} ${result.statusCode} ${Date.now() - started} ms`);
    }
  };

  const dispatch = async (
    facts: ReturnType<typeof fromIncomingMessage>,
    method: string,
    rawPath: string,
  ): Promise<HttpResult> => {
    const match = matchRoute(method, rawPath);
    if (!match) {
      const message = `Nothing is served at ${method} ${rawPath}.`;
      const accept = Object.fromEntries(facts.headers.map(([name, value]) => [name.toLowerCase(), value]));
      return wantsHtml(accept)
        ? withSecurityHeaders({
            statusCode: 404,
            headers: { 'content-type': 'text/html; charset=utf-8' },
            body: `<!doctype html><html lang="en"><meta charset="utf-8"><title>Not found · Tandem</title><h1>Not found</h1><p>${message.replace(/[<>&"]/g, '')}</p><p><a href="/signin">Sign in</a></p></html>`,
          })
        : jsonResult(404, { error: { code: 'not_found', message } });
    }
    let jwt: { claims: Record<string, string>; scopes: string[] | null } | undefined;
    if (match.route.access !== 'public') {
      // The authorizer reads the Authorization header only; cookies or query tokens do not count.
      const header = facts.headers.find(([name]) => name.toLowerCase() === 'authorization')?.[1];
      const verdict = identity.authorize(header);
      if (!verdict.ok) return withSecurityHeaders(unauthorized(verdict.reason));
      jwt = { claims: verdict.claims, scopes: verdict.scopes };
    }
    const event = buildEvent(facts, match, jwt);
    try {
      const handler = await handlerOf(match.route);
      return toResult(await handler(event, lambdaContext(match.route, region)));
    } catch (error) {
      // What API Gateway answers when the function itself fails.
      console.error(`local server: ${match.routeKey} failed`, error);
      return jsonResult(500, { message: 'Internal Server Error' });
    }
  };

  let seeded = false;
  if (options.seed) {
    const { seedDemo } = await import('./demo.ts');
    seeded = await seedDemo(
      { store: tandemStore, log },
      options.study === undefined ? {} : { study: options.study },
    );
  }

  const endpointsFile = dataDir === undefined ? undefined : join(dataDir, 'endpoints.json');
  if (endpointsFile) {
    writeFileSync(
      endpointsFile,
      `${JSON.stringify(
        {
          url,
          pid: process.pid,
          dynamodbEndpoint: emulators.dynamodbEndpoint,
          s3Endpoint: emulators.s3Endpoint,
          tableName: emulators.tableName,
          bucketName: emulators.bucketName,
          region,
        },
        null,
        2,
      )}\n`,
    );
  }
  ready = true;

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      ready = false;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      if (endpointsFile) rmSync(endpointsFile, { force: true });
      if (dataDir === undefined) rmSync(webDir, { recursive: true, force: true });
      await emulators.stop();
    })();
    return stopping;
  };

  return { url, port, host, emulators, identity, store: tandemStore, users, seeded, stop };
}
