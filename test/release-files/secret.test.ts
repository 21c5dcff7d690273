import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { fetchSecretString, NodeSha256 } from '../../functions/runtime/secrets-manager.ts';

// The combine step reads the pseudonym key from Secrets Manager with one SigV4-signed request. AWS
// cannot be reached here, so a local server stands in for Secrets Manager and checks the signature
// by recomputing it from the request it received (AWS Signature Version 4, as documented).

const credentials = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
};
const hex = (data: string) => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();

/** The signature AWS would compute for the request, from its headers and body. */
function expectedSignature(request: IncomingMessage, body: string): { signature: string; received: string } {
  const authorization = String(request.headers.authorization);
  const match =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(
      authorization,
    );
  if (!match) throw new Error(`unexpected authorization header ${authorization}`);
  const [, , day = '', region = '', service = '', signedHeaders = '', received = ''] = match;
  const names = signedHeaders.split(';');
  const canonicalHeaders = names.map((name) => `${name}:${String(request.headers[name]).trim()}\n`).join('');
  const canonicalRequest = [request.method, '/', '', canonicalHeaders, signedHeaders, hex(body)].join('\n');
  const amzDate = String(request.headers['x-amz-date']);
  const scope = `${day}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, hex(canonicalRequest)].join('\n');
  let key = hmac(`AWS4${credentials.secretAccessKey}`, day);
  for (const part of [region, service, 'aws4_request']) key = hmac(key, part);
  return { signature: createHmac('sha256', key).update(stringToSign).digest('hex'), received };
}

describe('NodeSha256', () => {
  it('gives the SHA-256 and HMAC-SHA-256 of strings and bytes, and starts over after reset', async () => {
    const plain = new NodeSha256();
    plain.update('tan');
    plain.update(new TextEncoder().encode('dem'));
    expect(Buffer.from(await plain.digest()).toString('hex')).toBe(hex('tandem'));
    const keyed = new NodeSha256(new Uint8Array([1, 2, 3]));
    keyed.update('x');
    keyed.reset();
    keyed.update('tandem');
    expect(Buffer.from(await keyed.digest())).toEqual(
      createHmac('sha256', Buffer.from([1, 2, 3]))
        .update('tandem')
        .digest(),
    );
  });
});

describe('fetchSecretString', () => {
  it('sends a correctly signed GetSecretValue and returns the SecretString', async () => {
    const seen: { target?: string; secretId?: string; signature?: { signature: string; received: string } } =
      {};
    const server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => {
        body += chunk;
      });
      request.on('end', () => {
        seen.target = String(request.headers['x-amz-target']);
        seen.secretId = (JSON.parse(body) as { SecretId: string }).SecretId;
        seen.signature = expectedSignature(request, body);
        response.setHeader('content-type', 'application/x-amz-json-1.1');
        response.end(JSON.stringify({ SecretString: 'the-pseudonym-key', Name: 'tandem/pseudonyms' }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const secret = await fetchSecretString(
        'arn:aws:secretsmanager:eu-central-1:123456789012:secret:tandem',
        'eu-central-1',
        {
          endpoint,
          credentials,
        },
      );
      expect(secret).toBe('the-pseudonym-key');
      expect(seen.target).toBe('secretsmanager.GetSecretValue');
      expect(seen.secretId).toBe('arn:aws:secretsmanager:eu-central-1:123456789012:secret:tandem');
      expect(seen.signature?.received).toBe(seen.signature?.signature);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('fails with the status when Secrets Manager refuses', async () => {
    const server = createServer((_request, response) => {
      response.statusCode = 400;
      response.end('{"__type":"AccessDeniedException"}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      await expect(fetchSecretString('x', 'eu-central-1', { endpoint, credentials })).rejects.toThrow(
        /GetSecretValue failed with 400: .*AccessDenied/,
      );
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
