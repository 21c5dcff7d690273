import { describe, expect, it } from 'vitest';
import { MemoryTandemStore } from '../../shared/adapters/memory/store.ts';
import type { AuditEvent } from '../../shared/ports.ts';
import { type PostAuthenticationEvent, postAuthentication } from './post-authentication.ts';

/** A post-authentication event as AWS documents it (Cognito developer guide, post authentication trigger). */
const cognitoEvent = (): PostAuthenticationEvent => ({
  version: '1',
  region: 'eu-central-1',
  userPoolId: 'eu-central-1_EXAMPLE12',
  userName: 'd4a8f2c1-5b7e-4c3a-9f1d-2e6b8a0c7d35',
  callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: '1example23456789' },
  triggerSource: 'PostAuthentication_Authentication',
  request: {
    userAttributes: {
      sub: 'd4a8f2c1-5b7e-4c3a-9f1d-2e6b8a0c7d35',
      'cognito:user_status': 'CONFIRMED',
      email_verified: 'true',
      email: 'coordinator@clinic.example',
      'custom:sites': 'berlin,hamburg',
    },
    newDeviceUsed: false,
  },
  response: {},
});

const at = new Date('2027-03-01T08:30:00Z');

async function signIn(event: PostAuthenticationEvent, store = new MemoryTandemStore()) {
  const logged: Array<Record<string, unknown>> = [];
  const handler = postAuthentication(
    () => ({ store, clock: () => at }),
    (entry) => logged.push(entry),
  );
  const returned = await handler(event);
  return { returned, logged, events: await store.listAudit('2027-03-01', '2027-03-01') };
}

describe('postAuthentication', () => {
  it('writes a signin event with the user’s sub and returns the event unchanged', async () => {
    const event = cognitoEvent();
    const { returned, events, logged } = await signIn(event);
    expect(returned).toEqual(cognitoEvent());
    expect(events).toEqual([
      {
        at: at.toISOString(),
        id: expect.any(String),
        actor: event.request.userAttributes.sub,
        action: 'signin',
      },
    ]);
    expect(logged).toEqual([]);
  });

  it('records the groups as roles when the event carries them, and no other attribute', async () => {
    const event = cognitoEvent();
    event.request.groupConfiguration = { groupsToOverride: ['coordinator', 'lead'] };
    const { events } = await signIn(event);
    expect(events.map((e: AuditEvent) => e.detail)).toEqual([{ roles: 'coordinator,lead' }]);
    expect(JSON.stringify(events)).not.toContain('clinic.example');
    expect(JSON.stringify(events)).not.toContain('berlin');
  });

  it('looks the user’s groups up in the user pool and records them as roles', async () => {
    const store = new MemoryTandemStore();
    const asked: string[] = [];
    const handler = postAuthentication(() => ({
      store,
      clock: () => at,
      groupsOf: async (pool, user) => {
        asked.push(`${pool}/${user}`);
        return ['lead', 'coordinator'];
      },
    }));
    await handler(cognitoEvent());
    const events = await store.listAudit('2027-03-01', '2027-03-01');
    expect(asked).toEqual(['eu-central-1_EXAMPLE12/d4a8f2c1-5b7e-4c3a-9f1d-2e6b8a0c7d35']);
    expect(events.map((e: AuditEvent) => e.detail)).toEqual([{ roles: 'coordinator,lead' }]);
  });

  it('lets the sign-in through and logs when the store fails', async () => {
    const store = new MemoryTandemStore();
    store.putAudit = async () => {
      throw new Error('ProvisionedThroughputExceededException');
    };
    const { returned, logged } = await signIn(cognitoEvent(), store);
    expect(returned).toEqual(cognitoEvent());
    expect(logged).toEqual([
      expect.objectContaining({
        level: 'error',
        subject: 'd4a8f2c1-5b7e-4c3a-9f1d-2e6b8a0c7d35',
        error: 'ProvisionedThroughputExceededException',
      }),
    ]);
  });

  it('writes nothing for an event without a sub, and still returns it', async () => {
    const event = cognitoEvent();
    delete event.request.userAttributes.sub;
    const { returned, events, logged } = await signIn(event);
    expect(returned).toBe(event);
    expect(events).toEqual([]);
    expect(logged).toHaveLength(1);
  });
});
