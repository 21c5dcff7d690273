import { expect } from 'vitest';
import type { LocalServer } from '../../infra/local/server.ts';
import type { Dyad } from '../../shared/ports.ts';
import type { api } from '../local/harness.ts';

// Test support shared by the fault tests: what must hold in the store after a failure, read
// through the healthy store of the stack.

/** Store checks on one site of a stack. */
export function storeChecks(stack: LocalServer, siteId: string) {
  /** Dyads a check has seen with all their links; links are never deleted, so they need no second look. */
  const complete = new Set<string>();

  /** Each hash the dyad holds is a stored link of that dyad and role. */
  const dyadHasLinks = async (dyad: Dyad): Promise<void> => {
    for (const [role, hash] of Object.entries(dyad.linkHashes)) {
      expect((await stack.store.getLink(hash))?.owner, `dyad ${dyad.dyadId} ${role}`).toMatchObject({
        dyadId: dyad.dyadId,
        role,
      });
    }
  };

  return {
    dyadHasLinks,
    /** Every dyad a coordinator can see at the site has a stored link for each of its roles. */
    async everyVisibleDyadHasLinks(): Promise<void> {
      for (const dyad of await stack.store.listDyads(siteId)) {
        if (complete.has(dyad.dyadId)) continue;
        await dyadHasLinks(dyad);
        complete.add(dyad.dyadId);
      }
    },
    /** The dyad as stored now. */
    async dyadOf(enrolled: { siteId: string; dyadId: string }): Promise<Dyad> {
      const dyad = await stack.store.getDyad(enrolled.siteId, enrolled.dyadId);
      if (!dyad) throw new Error(`dyad ${enrolled.dyadId} is missing`);
      return dyad;
    },
  };
}

/** Consents on each link (version 1), expecting a 201 each time. */
export async function consented(http: ReturnType<typeof api>, links: string[]): Promise<void> {
  for (const link of links) expect((await http.post(`${link}/consent`, { version: 1 })).status).toBe(201);
}
