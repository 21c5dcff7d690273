import { beforeAll, describe, expect, it } from 'vitest';
import { demoData, rotateDemoLinks, seedDemo } from '../../infra/local/demo.ts';
import { MemoryTandemStore } from '../../shared/adapters/memory/store.ts';
import { hashToken } from '../../shared/ids.ts';
import { recordConsent } from '../../shared/participation/consent.ts';
import { openLink } from '../../shared/participation/open-link.ts';
import { nextStep } from '../../shared/participation/visit.ts';
import { ownerKeyOf } from '../../shared/ports.ts';

const clock = () => new Date();
const store = new MemoryTandemStore();
const data = demoData();

beforeAll(async () => {
  await seedDemo({ store, log: () => {}, clock, publicUrl: 'http://localhost:3000' });
});

describe('seedDemo', () => {
  it('stores the generated study: three sites and about sixty dyads, each with a current client link', async () => {
    const sites = await store.listSites();
    expect(sites).toHaveLength(3);
    const dyads = (await Promise.all(sites.map((site) => store.listDyads(site.siteId)))).flat();
    expect(dyads).toHaveLength(data.dyads.length);
    expect(dyads.length).toBeGreaterThanOrEqual(50);
    for (const dyad of dyads) expect(dyad.linkHashes.client).toMatch(/^[0-9a-f]{64}$/);
  });

  it('keeps the answers of every dyad that has not withdrawn, with receipts, and none of the withdrawn', async () => {
    const withdrawn = data.dyads.find((dyad) => dyad.status === 'withdrawn');
    const active = data.dyads.find((dyad) => dyad.status === 'active')!;
    const expected = data.responses.filter((response) => response.dyadId === active.dyadId);
    const stored = await store.listResponses(ownerKeyOf(active));
    expect(stored).toHaveLength(expected.length);
    for (const response of stored) expect(response.receipt).toMatch(/^R-[2-9A-Z]{8}$/);
    if (withdrawn) expect(await store.listResponses(ownerKeyOf(withdrawn))).toEqual([]);
  });

  it('does nothing when the store already holds a study', async () => {
    expect(await seedDemo({ store, log: () => {} })).toBe(false);
  });
});

describe('rotateDemoLinks', () => {
  it('gives a dyad whose client owes a questionnaire working new links and retires the old ones', async () => {
    const rotated = await rotateDemoLinks({ store, clock, publicUrl: 'http://localhost:3000' });
    expect(rotated).toBeDefined();
    if (!rotated) return;
    expect(rotated.due.length).toBeGreaterThan(0);
    const token = rotated.links.client.url.split('/s/')[1]!;
    expect(rotated.dyad.linkHashes.client).toBe(hashToken(token));
    const opened = await openLink({ store, clock }, { token });
    expect(opened.outcome).toBe('open');

    // The banner and the client's session question come from one function, so they agree.
    if (opened.outcome !== 'open') return;
    if ((await nextStep({ store, clock }, opened, {})).step === 'consent')
      await recordConsent({ store, clock }, opened, { version: 1, language: 'en' });
    const reopened = await openLink({ store, clock }, { token });
    if (reopened.outcome !== 'open') throw new Error('the rotated link stopped working');
    expect(await nextStep({ store, clock }, reopened, {})).toEqual({
      step: 'choose_session',
      suggested: rotated.choices.next,
      max: rotated.choices.max,
      open: rotated.choices.open,
    });
    const dueSessions = new Set(rotated.due.map((item) => item.session));
    dueSessions.delete(rotated.choices.next);
    expect([...dueSessions].sort((a, b) => b - a)).toEqual(rotated.choices.open);

    const again = await rotateDemoLinks({ store, clock, publicUrl: 'http://localhost:3000' });
    expect(again?.dyad.dyadId).toBe(rotated.dyad.dyadId);
    expect((await openLink({ store, clock }, { token })).outcome).toBe('not_found');
  });
});
