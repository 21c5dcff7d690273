import { randomBytes } from 'node:crypto';
import * as z from 'zod/mini';
import { StudyDataBuilder } from '../../analysis/load/study-data.ts';
import { readSiteForRelease } from '../../analysis/load/withdrawn.ts';
import { publishRelease } from '../../analysis/publish.ts';
import { computeRelease, type Manifest } from '../../analysis/release.ts';
import { isoDateIn } from '../../shared/dates.ts';
import { ValidationError } from '../../shared/errors.ts';
import { RELEASE_ID_PATTERN } from '../../shared/ids.ts';
import type { Dyad, ReleaseBucket, StoredResponse, TandemStore } from '../../shared/ports.ts';
import type { Site, Study } from '../../shared/study/schema.ts';
import { writeLog } from '../runtime/observability.ts';

// The nightly job as three Step Functions steps (DESIGN §2): list the sites, read each site in
// parallel (a Map state) and stage what it holds, then combine the staged sites into one release
// and publish it. The combine step feeds the staged records to the same builder, in the same order,
// as loading the whole store at once (analysis/load/store.ts), so the release is the one
// `aggregate` would publish from the same store. Publishing is analysis/publish.ts: files, then the
// manifest, then latest.json, so a run that fails anywhere leaves the previous release the latest.

export interface NightlyDeps {
  store: TandemStore;
  bucket: ReleaseBucket;
  clock: () => Date;
  /** The pseudonym key; read only by the combine step. */
  secret: () => Promise<string>;
}

/** Staged partials live under this prefix, one folder per run. */
export const STAGING_PREFIX = 'staging/';

const ReleaseIdInput = z.string().check(z.regex(RELEASE_ID_PATTERN, 'expected YYYY-MM-DD or YYYY-MM-DD.N'));
const RunId = z.string().check(z.regex(/^[A-Za-z0-9._-]{1,80}$/, 'expected a run id'));
const SiteId = z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/, 'expected a site id'));

/** What starts a run: the schedule sends `{trigger}`; an operator may fix the release id or k. */
export const RunInput = z.looseObject({
  releaseId: z.optional(ReleaseIdInput),
  k: z.optional(z.int().check(z.minimum(1))),
});
export type RunInput = z.infer<typeof RunInput>;

/** One element of the Map state: a site to read in this run. */
export const SiteTask = z.object({ runId: RunId, siteId: SiteId });
export type SiteTask = z.infer<typeof SiteTask>;

/** What a site step leaves for combine. */
export const StagedSite = z.object({
  siteId: SiteId,
  key: z.string(),
  dyads: z.int(),
  responses: z.int(),
  /** Records of this site that the builder would skip (combine counts them again, study-wide). */
  malformed: z.int(),
});
export type StagedSite = z.infer<typeof StagedSite>;

/** The state after list-sites; the Map state adds `partials`. */
export const RunPlan = z.object({
  runId: RunId,
  releaseId: ReleaseIdInput,
  k: z.optional(z.int().check(z.minimum(1))),
  sites: z.array(SiteTask),
});
export type RunPlan = z.infer<typeof RunPlan>;

export const CombineInput = z.looseObject({ ...RunPlan.shape, partials: z.array(StagedSite) });
export type CombineInput = z.infer<typeof CombineInput>;

export interface CombineResult {
  releaseId: string;
  files: number;
  /** Bytes of the release's files. */
  bytes: number;
  inputs: Manifest['inputs'];
}

/** The fields of the raw export (DESIGN §8): what the release reads, and nothing else (no link hashes, no receipts). */
type StagedDyad = Pick<
  Dyad,
  | 'dyadId'
  | 'siteId'
  | 'therapistId'
  | 'modality'
  | 'interpreter'
  | 'language'
  | 'enrolledOn'
  | 'status'
  | 'lastSession'
>;
type StagedResponse = Pick<
  StoredResponse,
  | 'responseId'
  | 'siteId'
  | 'therapistId'
  | 'dyadId'
  | 'role'
  | 'session'
  | 'instrument'
  | 'answers'
  | 'submittedOn'
  | 'language'
>;

/** A staged site: its dyads and responses in the order the store returned them. */
interface Partial {
  siteId: string;
  dyads: StagedDyad[];
  responses: StagedResponse[];
}

const stagedDyad = (d: Dyad): StagedDyad => ({
  dyadId: d.dyadId,
  siteId: d.siteId,
  therapistId: d.therapistId,
  modality: d.modality,
  interpreter: d.interpreter,
  language: d.language,
  enrolledOn: d.enrolledOn,
  status: d.status,
  ...(d.lastSession === undefined ? {} : { lastSession: d.lastSession }),
});

const stagedResponse = (r: StoredResponse): StagedResponse => ({
  responseId: r.responseId,
  siteId: r.siteId,
  therapistId: r.therapistId,
  dyadId: r.dyadId,
  role: r.role,
  session: r.session,
  instrument: r.instrument,
  answers: r.answers,
  submittedOn: r.submittedOn,
  language: r.language,
});

/** Parses a step's input, or fails the step with every problem named (Step Functions shows it). */
export function stepInput<T>(schema: z.ZodMiniType<T, unknown>, event: unknown, step: string): T {
  const parsed = schema.safeParse(event);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues
    .map((i) => `${i.path.join('.') || '(input)'}: ${i.message}`)
    .join('; ');
  throw new ValidationError(`${step}: invalid input: ${problems}`);
}

async function studyAndSites(
  store: TandemStore,
): Promise<{ study: Study; sites: Site[]; siteIds: string[] }> {
  const study = await store.getStudy();
  if (!study) throw new ValidationError('the store holds no study definition');
  const sites = await store.listSites();
  // As loadStore: the study's sites and any the store knows besides, by id.
  const siteIds = [...new Set([...study.sites, ...sites].map((site) => site.siteId))].sort();
  return { study, sites, siteIds };
}

/** Step 1: the run id, the release id (today in the study's time zone unless given) and one task per site. */
export async function listSites(
  deps: Pick<NightlyDeps, 'store' | 'clock'>,
  input: RunInput,
): Promise<RunPlan> {
  const { study, siteIds } = await studyAndSites(deps.store);
  const now = deps.clock();
  const runId = `${now.toISOString().replace(/[:.]/g, '-')}-${randomBytes(4).toString('hex')}`;
  return {
    runId,
    releaseId: input.releaseId ?? isoDateIn(study.timezone, now),
    ...(input.k === undefined ? {} : { k: input.k }),
    sites: siteIds.map((siteId) => ({ runId, siteId })),
  };
}

const partialKey = (runId: string, siteId: string): string => `${STAGING_PREFIX}${runId}/${siteId}.json`;

/**
 * Step 2 (one per site, in parallel): reads the site's dyads and responses (responses through the
 * GSI; those of withdrawn participants are deleted, never read), checks them with the release's
 * own builder and stages them for combine.
 */
export async function scoreSite(
  deps: Pick<NightlyDeps, 'store' | 'bucket'>,
  task: SiteTask,
): Promise<StagedSite> {
  const { study, sites } = await studyAndSites(deps.store);
  const site = await readSiteForRelease(deps.store, task.siteId, { sweep: true });
  if (site.withdrawn > 0) {
    console.info(
      JSON.stringify({
        level: 'info',
        message: 'deleted responses of withdrawn participants still stored',
        siteId: task.siteId,
        count: site.withdrawn,
      }),
    );
  }
  const dyads = site.dyads.map(stagedDyad);
  const responses = site.responses.map(stagedResponse);
  const check = new StudyDataBuilder(study, sites);
  for (const [i, dyad] of dyads.entries()) check.addDyad(dyad, 'store dyads', i + 1);
  for (const [i, response] of responses.entries()) check.addResponse(response, 'store responses', i + 1);
  const { skipped } = check.finish();
  const key = partialKey(task.runId, task.siteId);
  const partial: Partial = { siteId: task.siteId, dyads, responses };
  await deps.bucket.put(key, JSON.stringify(partial), 'application/json');
  return { siteId: task.siteId, key, dyads: dyads.length, responses: responses.length, malformed: skipped };
}

async function readPartial(bucket: ReleaseBucket, staged: StagedSite): Promise<Partial> {
  const bytes = await bucket.get(staged.key);
  if (!bytes) throw new Error(`the staged partial of site ${staged.siteId} is missing (${staged.key})`);
  const partial = JSON.parse(new TextDecoder().decode(bytes)) as Partial;
  if (partial.siteId !== staged.siteId) throw new Error(`${staged.key} holds site ${partial.siteId}`);
  return partial;
}

/**
 * Step 3: every staged site into one study (sites in id order, records numbered as loadStore
 * numbers them), statistics across sites, all files, then publish and record the release.
 */
export async function combine(deps: NightlyDeps, input: CombineInput): Promise<CombineResult> {
  const { study, sites, siteIds } = await studyAndSites(deps.store);
  const staged = new Map(input.partials.map((p) => [p.siteId, p]));
  const missing = siteIds.filter((siteId) => !staged.has(siteId));
  if (missing.length) throw new Error(`no staged partial for site(s) ${missing.join(', ')}`);

  const builder = new StudyDataBuilder(study, sites);
  let dyadRecord = 0;
  let responseRecord = 0;
  for (const siteId of siteIds) {
    const partial = await readPartial(deps.bucket, staged.get(siteId)!);
    for (const dyad of partial.dyads) builder.addDyad(dyad, 'store dyads', ++dyadRecord);
    for (const response of partial.responses)
      builder.addResponse(response, 'store responses', ++responseRecord);
  }
  const data = builder.finish();
  const computed = computeRelease(data, input.k ?? study.suppressionK);
  const manifest = await publishRelease(deps.bucket, computed, {
    releaseId: input.releaseId,
    secret: await deps.secret(),
    createdAt: deps.clock().toISOString(),
  });
  await deps.store.putRelease({
    releaseId: manifest.releaseId,
    createdAt: manifest.createdAt,
    studyId: manifest.studyId,
    files: manifest.files.length,
    inputs: manifest.inputs,
  });
  await removeStaged(deps.bucket, input.partials);
  return {
    releaseId: manifest.releaseId,
    files: manifest.files.length,
    bytes: manifest.files.reduce((sum, file) => sum + file.bytes, 0),
    inputs: manifest.inputs,
  };
}

/**
 * Deletes a published run's partials, which this step alone reads (and may delete): they copy
 * participants' answers, and a withdrawal must not live on in staging. The release is already
 * published, so a failure here is logged as an error (the bucket's lifecycle rule expires what is
 * left) rather than failing the run. A failed run keeps its partials so a retry of combine can use them.
 */
async function removeStaged(bucket: ReleaseBucket, partials: readonly StagedSite[]): Promise<void> {
  try {
    await bucket.delete(partials.map((partial) => partial.key));
  } catch (error) {
    writeLog({
      level: 'error',
      message: 'could not delete the staged partials; the staging lifecycle rule will',
      error: error instanceof Error ? error.message : String(error),
    });
  }
}

/** The three steps in-process, sites read concurrently (`width` at a time), as the state machine runs them. */
export async function runNightly(deps: NightlyDeps, input: RunInput = {}, width = 4): Promise<CombineResult> {
  const plan = await listSites(deps, input);
  const partials: StagedSite[] = new Array(plan.sites.length);
  for (let start = 0; start < plan.sites.length; start += width) {
    const batch = plan.sites.slice(start, start + width);
    const done = await Promise.all(batch.map((task) => scoreSite(deps, task)));
    done.forEach((site, i) => {
      partials[start + i] = site;
    });
  }
  return combine(deps, { ...plan, partials });
}
