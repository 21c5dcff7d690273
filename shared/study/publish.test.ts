import { describe, expect, it } from 'vitest';
import { MemoryTandemStore } from '../adapters/memory/store.ts';
import { MINIMAL_STUDY } from './example.ts';
import { publishStudy } from './publish.ts';
import { validateStudy } from './validate.ts';

const definition = MINIMAL_STUDY;

function study(changes: Record<string, unknown> = {}) {
  const result = validateStudy({ ...definition, ...changes });
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.study;
}

describe('publishStudy', () => {
  it('stores the first definition with its version and its sites', async () => {
    const store = new MemoryTandemStore();
    expect(await publishStudy(store, study())).toEqual({ outcome: 'published', version: 1 });
    expect((await store.getStudy())?.version).toBe(1);
    expect((await store.listSites()).map((s) => s.siteId)).toEqual(['berlin-mitte']);
  });

  it('writes nothing when the same definition is published again, whatever its version says', async () => {
    const store = new MemoryTandemStore();
    await publishStudy(store, study());
    expect(await publishStudy(store, study({ version: 1 }))).toEqual({ outcome: 'unchanged', version: 1 });
    expect(await publishStudy(store, study())).toEqual({ outcome: 'unchanged', version: 1 });
  });

  it('stores an amendment as the next version, even when the file kept the old number', async () => {
    const store = new MemoryTandemStore();
    await publishStudy(store, study());
    const amended = study({ overdueDays: 21 });
    expect(await publishStudy(store, amended)).toEqual({ outcome: 'published', version: 2 });
    expect(await store.getStudy()).toMatchObject({ version: 2, overdueDays: 21 });
  });
});
