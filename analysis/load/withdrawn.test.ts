import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemoryTandemStore } from '../../shared/adapters/memory/store.ts';
import { answersAll, studyInput } from '../../shared/participation/testing.ts';
import type { Dyad, StoredResponse } from '../../shared/ports.ts';
import { Study } from '../../shared/study/schema.ts';
import { exportStore } from '../export.ts';
import { loadStore } from './store.ts';

const dyad = (dyadId: string, therapistId: string, overrides: Partial<Dyad> = {}): Dyad => ({
  siteId: 'berlin',
  dyadId,
  therapistId,
  modality: 'online',
  interpreter: false,
  language: 'en',
  enrolledOn: '2027-01-04',
  status: 'active',
  currentSession: 1,
  sessionDates: { '1': '2027-01-05' },
  linkHashes: {},
  ...overrides,
});

const response = (
  owner: { dyadId: string } | { therapistId: string },
  role: StoredResponse['role'],
  instrument: string,
  therapistId: string,
): StoredResponse => ({
  responseId: `${JSON.stringify(owner)}-${role}`,
  ownerKey: 'dyadId' in owner ? `DYAD#${owner.dyadId}` : `THER#${owner.therapistId}`,
  siteId: 'berlin',
  therapistId,
  dyadId: 'dyadId' in owner ? owner.dyadId : null,
  role,
  session: 1,
  instrument,
  answers: answersAll(instrument === 'therapist-wellbeing' ? 6 : 12, 3),
  submittedOn: '2027-01-05',
  language: 'en',
  receipt: 'R-AAAAAAAA',
});

/** A store where withdrawals left responses behind: a withdrawn dyad's, and a withdrawn therapist's own. */
async function leftovers(): Promise<MemoryTandemStore> {
  const store = new MemoryTandemStore();
  await store.putStudy(Study.parse(studyInput));
  for (const therapistId of ['T-STAYED', 'T-LEFTUS'])
    await store.putTherapist({
      siteId: 'berlin',
      therapistId,
      enrolledOn: '2027-01-01',
      status: therapistId === 'T-LEFTUS' ? 'withdrawn' : 'active',
    });
  await store.putDyad(dyad('D-STAYED', 'T-STAYED'));
  await store.putDyad(dyad('D-GONEAW', 'T-STAYED', { status: 'withdrawn' }));
  await store.putDyad(dyad('D-THERAP', 'T-LEFTUS', { therapistWithdrawn: '2027-01-06' }));
  const all = [
    response({ dyadId: 'D-STAYED' }, 'client', 'alliance-client', 'T-STAYED'),
    response({ dyadId: 'D-STAYED' }, 'therapist', 'alliance-therapist', 'T-STAYED'),
    response({ dyadId: 'D-GONEAW' }, 'client', 'alliance-client', 'T-STAYED'),
    response({ dyadId: 'D-GONEAW' }, 'therapist', 'alliance-therapist', 'T-STAYED'),
    response({ dyadId: 'D-THERAP' }, 'client', 'alliance-client', 'T-LEFTUS'),
    response({ dyadId: 'D-THERAP' }, 'therapist', 'alliance-therapist', 'T-LEFTUS'),
    response({ therapistId: 'T-LEFTUS' }, 'therapist', 'therapist-wellbeing', 'T-LEFTUS'),
  ];
  for (const r of all) await store.putResponse(r);
  return store;
}

const kept = (responses: readonly StoredResponse[]) => responses.map((r) => `${r.ownerKey} ${r.role}`).sort();
const STAYING = ['DYAD#D-STAYED client', 'DYAD#D-STAYED therapist', 'DYAD#D-THERAP client'];

describe('responses of withdrawn participants', () => {
  it('are never loaded by the nightly job, which deletes them from the store and logs only their count', async () => {
    const store = await leftovers();
    const messages: string[] = [];
    const data = await loadStore(store, (message) => messages.push(message));
    expect(data.responses.count).toBe(3);
    expect(kept(await store.listSiteResponses('berlin'))).toEqual(STAYING);
    expect(messages).toContain('deleted 4 responses of withdrawn participants still stored at site berlin');
    expect(messages.join('\n')).not.toMatch(/D-GONEAW|T-LEFTUS|answers/);
  });

  it('are never written by an export, which leaves the store as it is', async () => {
    const store = await leftovers();
    const dir = await mkdtemp(join(tmpdir(), 'tandem-export-'));
    expect(await exportStore(store, dir)).toMatchObject({ dyads: 3, responses: 3 });
    const lines = (await readFile(join(dir, 'responses.jsonl'), 'utf8')).trim().split('\n');
    expect(
      lines.map((line) => JSON.parse(line) as StoredResponse).map((r) => `${r.dyadId} ${r.role}`),
    ).toEqual(['D-STAYED client', 'D-STAYED therapist', 'D-THERAP client']);
    expect(await store.listSiteResponses('berlin')).toHaveLength(7);
  });
});
