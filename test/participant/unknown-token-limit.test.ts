import { createHash, createHmac } from 'node:crypto';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalServer } from '../../infra/local/server.ts';
import { ATTEMPT_LIMIT } from '../../shared/participation/attempts.ts';
import { studyInput } from '../../shared/participation/testing.ts';
import { api, startTestStack } from '../local/harness.ts';

// The unknown-token limiter (DESIGN §5, 429) over HTTP against the local stack: a stack of its own,
// so this test's address is fresh, and the table holds nothing but what it writes.

let stack: LocalServer;
let http: ReturnType<typeof api>;

beforeAll(async () => {
  stack = await startTestStack({ study: studyInput });
  http = api(stack);
});
afterAll(async () => stack?.stop());

const PARALLEL = 100;

describe('unknown-token limiter', () => {
  it(`answers exactly ${ATTEMPT_LIMIT} of ${PARALLEL} parallel unknown tokens from one fresh address with 404, the rest with 429`, async () => {
    const statuses = await Promise.all(
      Array.from(
        { length: PARALLEL },
        async (_, i) => (await http.get(`/s/unknownToken${String(i).padStart(8, '0')}`)).status,
      ),
    );
    expect(statuses.filter((status) => status === 404)).toHaveLength(ATTEMPT_LIMIT);
    expect(statuses.filter((status) => status === 429)).toHaveLength(PARALLEL - ATTEMPT_LIMIT);
  });

  it('stores the address only under a keyed hash, which no unkeyed SHA-256 of the address matches', async () => {
    const { emulators } = stack;
    const scanned = await emulators.clients.dynamodb.send(
      new ScanCommand({ TableName: emulators.tableName }),
    );
    const items = scanned.Items ?? [];
    const counters = items.filter((item) => String(item.pk).startsWith('ATTEMPT#'));
    expect(counters).toHaveLength(1);
    const [, stored = ''] = String(counters[0]?.pk).split('#');
    const address = '127.0.0.1';
    expect(stored).toBe(
      createHmac('sha256', process.env.TANDEM_ATTEMPT_SECRET ?? '')
        .update(address)
        .digest('base64url'),
    );
    const unkeyed = [address, `tandem-attempts:${address}`, `::ffff:${address}`].flatMap((input) => {
      const digest = createHash('sha256').update(input).digest();
      return [digest.toString('hex'), digest.toString('base64url'), digest.toString('base64')];
    });
    for (const candidate of unkeyed) {
      expect(candidate.startsWith(stored.slice(0, 8))).toBe(false);
      expect(stored.includes(candidate.slice(0, 16))).toBe(false);
    }
    // Nothing else in the table holds the address itself.
    expect(JSON.stringify(items)).not.toContain(address);
  });
});
