import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ValidationError } from '../shared/errors.ts';
import type { Dyad, StoredResponse, TandemStore } from '../shared/ports.ts';
import type { Site } from '../shared/study/schema.ts';
import { readSiteForRelease } from './load/withdrawn.ts';

// `tandem export`: the store as a raw export folder (DESIGN §8), the same format `tandem aggregate
// --from` reads, so aggregating an export gives the same release as aggregating the store.

/** A dyad as a raw export holds it (DESIGN §8 dyads.jsonl): the stored dyad without its working state. */
export type ExportDyad = Omit<
  Dyad,
  | 'currentSession'
  | 'sessionDates'
  | 'linkHashes'
  | 'safetyFollowUps'
  | 'consentVersions'
  | 'therapistWithdrawn'
>;

/** A response as a raw export holds it (DESIGN §8 responses.jsonl): no receipt, no storage keys. */
export type ExportResponse = Omit<StoredResponse, 'ownerKey' | 'receipt'>;

export interface ExportCounts {
  sites: number;
  dyads: number;
  responses: number;
}

/** A dyad as dyads.jsonl holds it. */
export function exportDyad(dyad: Dyad): ExportDyad {
  return {
    dyadId: dyad.dyadId,
    siteId: dyad.siteId,
    therapistId: dyad.therapistId,
    modality: dyad.modality,
    interpreter: dyad.interpreter,
    language: dyad.language,
    enrolledOn: dyad.enrolledOn,
    status: dyad.status,
    ...(dyad.lastSession === undefined ? {} : { lastSession: dyad.lastSession }),
  };
}

/** A response as responses.jsonl holds it (no receipt, no storage keys). */
export function exportResponse(response: StoredResponse): ExportResponse {
  return {
    responseId: response.responseId,
    siteId: response.siteId,
    therapistId: response.therapistId,
    dyadId: response.dyadId,
    role: response.role,
    session: response.session,
    instrument: response.instrument,
    answers: response.answers,
    submittedOn: response.submittedOn,
    language: response.language,
  };
}

async function writeLine(stream: WriteStream, value: unknown): Promise<void> {
  if (!stream.write(`${JSON.stringify(value)}\n`)) await once(stream, 'drain');
}

async function close(stream: WriteStream): Promise<void> {
  stream.end();
  await once(stream, 'finish');
}

/**
 * Writes study.json (with every site the store knows), dyads.jsonl and responses.jsonl to `dir`,
 * site by site; responses of withdrawn participants are never written.
 */
export async function exportStore(store: TandemStore, dir: string): Promise<ExportCounts> {
  const study = await store.getStudy();
  if (!study) throw new ValidationError('the store holds no study definition');
  const sites = new Map<string, Site>(study.sites.map((site) => [site.siteId, site]));
  for (const site of await store.listSites()) if (!sites.has(site.siteId)) sites.set(site.siteId, site);
  const siteIds = [...sites.keys()].sort();
  await mkdir(dir, { recursive: true });
  await writeFile(
    join(dir, 'study.json'),
    `${JSON.stringify({ ...study, sites: [...sites.values()] }, null, 2)}\n`,
  );

  const dyadsOut = createWriteStream(join(dir, 'dyads.jsonl'));
  const responsesOut = createWriteStream(join(dir, 'responses.jsonl'));
  const counts: ExportCounts = { sites: siteIds.length, dyads: 0, responses: 0 };
  try {
    for (const siteId of siteIds) {
      const site = await readSiteForRelease(store, siteId, { sweep: false });
      for (const dyad of site.dyads) {
        await writeLine(dyadsOut, exportDyad(dyad));
        counts.dyads++;
      }
      for (const response of site.responses) {
        await writeLine(responsesOut, exportResponse(response));
        counts.responses++;
      }
    }
  } finally {
    await Promise.all([close(dyadsOut), close(responsesOut)]);
  }
  return counts;
}
