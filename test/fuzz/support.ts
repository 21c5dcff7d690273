import { type IncomingHttpHeaders, request } from 'node:http';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { expect } from 'vitest';
import type { LocalServer } from '../../infra/local/server.ts';

// Test support for the fuzz tests: requests sent byte for byte (no URL normalisation, any header),
// the checks every answer to bad input must pass, and a snapshot of the whole table.

export interface RawRequest {
  method: string;
  /** Path and query exactly as sent on the request line. */
  path: string;
  headers?: Record<string, string>;
  body?: Buffer;
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

/** Sends one request to the stack as it is given; nothing is normalised or encoded on the way. */
export function send(stack: LocalServer, raw: RawRequest): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        host: '127.0.0.1',
        port: stack.port,
        method: raw.method,
        path: raw.path,
        headers: {
          ...raw.headers,
          ...(raw.body === undefined ? {} : { 'content-length': String(raw.body.byteLength) }),
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        response.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(raw.body);
  });
}

/** What gives away the server's insides: a stack frame, a source path, an SDK or runtime error name. */
const LEAKS =
  /\n\s+at |\bat [\w.<>]+ \(|node_modules|\.ts:\d+|\.js:\d+|TypeError|ReferenceError|SyntaxError:|ValidationException/;

/** Describes a request for a failure message, with its body cut short. */
export function describeRequest(raw: RawRequest): string {
  const body =
    raw.body === undefined
      ? ''
      : ` body(${raw.body.byteLength} B)=${JSON.stringify(raw.body.subarray(0, 200).toString('utf8'))}`;
  return `${raw.method} ${raw.path} headers=${JSON.stringify(raw.headers ?? {})}${body}`;
}

/**
 * The promise every answer to bad input keeps: a 4xx (or, with `okAllowed`, any status below 500),
 * JSON that parses when it says it is JSON, and no stack trace or source path.
 */
export function expectClientError(raw: RawRequest, response: RawResponse, okAllowed = false): void {
  const what = `${describeRequest(raw)} → ${response.status} ${response.text.slice(0, 300)}`;
  if (okAllowed) expect(response.status, what).toBeLessThan(500);
  else {
    expect(response.status, what).toBeGreaterThanOrEqual(400);
    expect(response.status, what).toBeLessThan(500);
  }
  expect(LEAKS.test(response.text), what).toBe(false);
  if ((response.headers['content-type'] ?? '').includes('json'))
    expect(() => JSON.parse(response.text), what).not.toThrow();
}

/**
 * Every item of the table, sorted, as JSON text. Rate-limit records (items with `expiresAt`, kept by
 * the table's TTL) are left out: counting unknown tokens is the one write bad input is meant to make.
 */
export async function tableSnapshot(stack: LocalServer): Promise<string> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await stack.emulators.clients.dynamodb.send(
      new ScanCommand({
        TableName: stack.emulators.tableName,
        ConsistentRead: true,
        ...(start === undefined ? {} : { ExclusiveStartKey: start }),
      }),
    );
    items.push(...((page.Items ?? []) as Record<string, unknown>[]));
    start = page.LastEvaluatedKey;
  } while (start !== undefined);
  return items
    .filter((item) => item.expiresAt === undefined)
    .map((item) => JSON.stringify(item, Object.keys(item).sort()))
    .sort()
    .join('\n');
}
