import { ValidationError } from '../../shared/errors.ts';
import type { TandemStore } from '../../shared/ports.ts';
import type { Progress } from './raw-export.ts';
import { type StudyData, StudyDataBuilder } from './study-data.ts';
import { readSiteForRelease, type SiteForRelease } from './withdrawn.ts';

/** Sites read from the store at once; enough to hide latency, few enough not to throttle. */
const SITE_CONCURRENCY = 4;

/**
 * Loads the study from the store through the same builder as a raw export, site by site (dyads,
 * then responses through the GSI); records are numbered in the order the store returns them.
 * Responses of withdrawn participants are never read, and deleted where still stored.
 */
export async function loadStore(store: TandemStore, progress?: Progress): Promise<StudyData> {
  const study = await store.getStudy();
  if (!study) throw new ValidationError('the store holds no study definition');
  const sites = await store.listSites();
  const builder = new StudyDataBuilder(study, sites);
  const siteIds = [...new Set([...study.sites, ...sites].map((site) => site.siteId))].sort();

  const reads = new Map<string, Promise<SiteForRelease>>();
  let next = 0;
  const startNext = (): void => {
    const siteId = siteIds[next++];
    if (siteId !== undefined) reads.set(siteId, readSiteForRelease(store, siteId, { sweep: true }));
  };
  for (let i = 0; i < SITE_CONCURRENCY; i++) startNext();
  let dyadRecord = 0;
  let responseRecord = 0;
  for (const siteId of siteIds) {
    const { dyads, responses, withdrawn } = await reads.get(siteId)!;
    reads.delete(siteId);
    startNext();
    progress?.(`read site ${siteId}: ${dyads.length} dyads, ${responses.length} responses`);
    if (withdrawn > 0)
      progress?.(`deleted ${withdrawn} responses of withdrawn participants still stored at site ${siteId}`);
    for (const dyad of dyads) builder.addDyad(dyad, 'store dyads', ++dyadRecord);
    for (const response of responses) builder.addResponse(response, 'store responses', ++responseRecord);
  }
  return builder.finish();
}
