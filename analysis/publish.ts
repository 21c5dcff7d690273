import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { isoDateIn } from '../shared/dates.ts';
import { ValidationError } from '../shared/errors.ts';
import { RELEASE_ID_PATTERN } from '../shared/ids.ts';
import type { ReleaseBucket, ReleaseRecord, TandemStore } from '../shared/ports.ts';
import { releaseScaleNames, scoresLong } from './columns.ts';
import { withStudyLevels } from './levels.ts';
import { loadRawExport, type Progress } from './load/raw-export.ts';
import { loadStore } from './load/store.ts';
import { isoDay, type StudyData } from './load/study-data.ts';
import {
  type ComputedRelease,
  computeRelease,
  GENERATOR,
  type Manifest,
  type ManifestFile,
  manifestEntry,
  type Prerendered,
  releaseFiles,
  renderOpenFiles,
} from './release.ts';
import { type StageTimes, timeAsync, timed } from './stages.ts';
import { COMPARED_WITH, type PreviousRelease } from './write/changes.ts';
import { type ScoresLongInput, scoresLongOf } from './write/scores-long-files.ts';
import { startScoresLongWorkers } from './write/scores-long-pool.ts';

// Publishing (DESIGN §8): files under releases/{id}/, then manifest.json, then
// releases/latest.json, so a reader who follows latest.json never sees a half-written release.
// The same steps write to the release bucket or to a folder (`--out DIR`).

/** Where a release is published: the release bucket, or a folder. Keys are `releases/…`. */
export interface ReleaseSink {
  put(key: string, body: Uint8Array | string, contentType: string): Promise<void>;
  get(key: string): Promise<Uint8Array | undefined>;
}

/** A folder as a release sink; each file is written to a temporary name and renamed into place. */
export class FolderSink implements ReleaseSink {
  constructor(readonly root: string) {}

  async put(key: string, body: Uint8Array | string, _contentType?: string): Promise<void> {
    const path = join(this.root, key);
    await mkdir(dirname(path), { recursive: true });
    const temporary = `${path}.partial`;
    await writeFile(temporary, body);
    await rename(temporary, path);
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      return new Uint8Array(await readFile(join(this.root, key)));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }
}

/** More same-day releases than this means something is re-publishing in a loop. */
const MAX_SAME_DAY = 99;

/** The manifest at releases/{id}/manifest.json, or undefined when there is none. */
export async function readManifest(sink: ReleaseSink, releaseId: string): Promise<Manifest | undefined> {
  const bytes = await sink.get(`releases/${releaseId}/manifest.json`);
  return bytes && (JSON.parse(new TextDecoder().decode(bytes)) as Manifest);
}

/**
 * The release changes.md compares with: the latest one, or, when the latest is the release being
 * written again (a rerun), the one its changes.md named, so that a rerun gives the same bytes.
 */
async function previousRelease(
  sink: ReleaseSink,
  releaseId: string,
  timeZone: string,
): Promise<PreviousRelease | undefined> {
  const latest = await sink.get('releases/latest.json');
  let previousId =
    latest && (JSON.parse(new TextDecoder().decode(latest)) as { releaseId?: string }).releaseId;
  if (previousId === releaseId) {
    const changes = await sink.get(`releases/${releaseId}/changes.md`);
    const named =
      changes &&
      new TextDecoder()
        .decode(changes)
        .split('\n')
        .find((line) => line.startsWith(COMPARED_WITH));
    previousId = named?.slice(COMPARED_WITH.length).replace(/\.$/, '');
  }
  const manifest = previousId ? await readManifest(sink, previousId) : undefined;
  if (!manifest || Number.isNaN(Date.parse(manifest.createdAt))) return undefined;
  return {
    releaseId: manifest.releaseId,
    sinceDay: isoDay(isoDateIn(timeZone, new Date(manifest.createdAt))),
    files: manifest.files,
  };
}

export interface PublishOptions {
  /** A given id is used as it is, or with `.2`, `.3`… when its release holds other files. */
  releaseId: string;
  secret: string;
  createdAt: string;
  progress?: Progress;
  /** Records the time of each writer and of publishing. */
  times?: StageTimes;
  /** Files being rendered ahead on another thread for one release id (scores_long). */
  prerendered?: Promise<Prerendered>;
}

/**
 * Publishes a computed release: under the given id when that id is free or holds the same files
 * (a byte-identical rerun: the files are left as they are, the manifest is rewritten), else under
 * the first free or identical `{id}.2`, `{id}.3`, …. Files are rendered and written one at a
 * time, so the largest (scores_long) is never in memory next to the others.
 */
export async function publishRelease(
  sink: ReleaseSink,
  computed: ComputedRelease,
  options: PublishOptions,
): Promise<Manifest> {
  const [base, suffix] = options.releaseId.split('.') as [string, string | undefined];
  const first = suffix === undefined ? 1 : Number(suffix);
  const openFiles = renderOpenFiles(computed, options.times);
  const prerendered =
    options.prerendered &&
    (await timeAsync(options.times, 'wait for the scores_long worker', () => options.prerendered!));
  for (let attempt = first; attempt <= MAX_SAME_DAY; attempt++) {
    const releaseId = attempt === 1 ? base : `${base}.${attempt}`;
    const existing = await readManifest(sink, releaseId);
    const previous = await previousRelease(sink, releaseId, computed.scored.data.study.timezone);
    options.progress?.(`${existing ? 'comparing with' : 'writing'} release ${releaseId}`);
    const entries: ManifestFile[] = [];
    let same = existing !== undefined;
    const fileOptions = { openFiles, times: options.times, prerendered, previous };
    for (const file of releaseFiles(computed, releaseId, options.secret, fileOptions)) {
      const entry = timed(options.times, 'publish (hash)', () => manifestEntry(file));
      if (existing) {
        const before = existing.files[entries.length];
        same = before?.name === entry.name && before.sha256 === entry.sha256;
        if (!same) break;
      } else {
        await timeAsync(options.times, 'publish (store)', () =>
          sink.put(`releases/${releaseId}/${file.name}`, file.body, file.contentType),
        );
      }
      entries.push(entry);
    }
    if (existing && !(same && existing.files.length === entries.length)) continue;
    const manifest: Manifest = {
      releaseId,
      studyId: computed.studyId,
      createdAt: options.createdAt,
      generator: GENERATOR,
      suppressionK: computed.suppressionK,
      inputs: computed.inputs,
      files: entries,
    };
    await sink.put(
      `releases/${releaseId}/manifest.json`,
      `${JSON.stringify(manifest, null, 2)}\n`,
      'application/json',
    );
    await sink.put('releases/latest.json', `${JSON.stringify({ releaseId })}\n`, 'application/json');
    return manifest;
  }
  throw new Error(`release ${base}: more than ${MAX_SAME_DAY} releases with different contents on one day`);
}

export interface AggregateOptions {
  /** A raw export folder to read instead of the store. */
  from?: string;
  store?: TandemStore;
  bucket?: ReleaseBucket;
  /** A folder to publish to instead of the bucket: `{out}/releases/{id}/`. */
  out?: string;
  releaseId?: string;
  /** Suppression threshold; the study's suppressionK when omitted; below it only with `out`. */
  k?: number;
  /** Pseudonym key for the analyst-tier files. */
  secret: string;
  clock: () => Date;
  progress?: Progress;
  /** Records where the time goes (load, score, each statistic, each writer). */
  times?: StageTimes;
  /**
   * Threads to use: parsing responses.jsonl, and scores_long rendered beside the statistics.
   * Default: the cores available (at most 4) for inputs large enough to repay a worker's start.
   */
  threads?: number;
}

/** From this many responses on, scores_long is rendered on another thread while statistics run. */
export const OFFLOAD_MIN_RESPONSES = 200_000;

export interface AggregateResult {
  manifest: Manifest;
  /** Where it went: the folder, or `bucket`. */
  destination: string;
  /** Malformed input records (the first 1000), with line numbers. */
  problems: StudyData['problems'];
}

/**
 * The nightly job: loads the raw export (`from`) or the store, computes every table, and publishes
 * the release to the folder (`out`) or the bucket, recording it in the store when it goes to the
 * bucket. Returns the manifest and the malformed records that were skipped.
 */
export async function aggregate(options: AggregateOptions): Promise<AggregateResult> {
  if (options.releaseId !== undefined && !RELEASE_ID_PATTERN.test(options.releaseId)) {
    throw new ValidationError('release id must be YYYY-MM-DD or YYYY-MM-DD.N', {
      details: [
        { path: 'releaseId', message: 'expected YYYY-MM-DD or YYYY-MM-DD.N', received: options.releaseId },
      ],
    });
  }
  if (options.k !== undefined && !(Number.isInteger(options.k) && options.k >= 1)) {
    throw new ValidationError('k must be a whole number ≥ 1', {
      details: [{ path: 'k', message: 'expected a whole number ≥ 1', received: options.k }],
    });
  }
  let data: StudyData;
  const { times } = options;
  if (options.from !== undefined) {
    const from = options.from;
    data = await timeAsync(times, 'load', () =>
      loadRawExport(from, {
        ...(options.progress ? { progress: options.progress } : {}),
        ...(options.threads === undefined ? {} : { threads: options.threads }),
      }),
    );
  } else if (options.store) {
    const store = options.store;
    data = await timeAsync(times, 'load', () => loadStore(store, options.progress));
  } else throw new ValidationError('nothing to aggregate: give a raw export folder or a store');

  // Below the study's k a release may only go to a folder, never where researchers read it.
  const k = options.k ?? data.study.suppressionK;
  if (options.out === undefined && k < data.study.suppressionK) {
    throw new ValidationError(
      `--k ${k} is below the study's suppressionK ${data.study.suppressionK}: publish to a folder with --out, or leave out --k`,
    );
  }

  let sink: ReleaseSink;
  let destination: string;
  if (options.out !== undefined) {
    sink = new FolderSink(options.out);
    destination = options.out;
  } else if (options.bucket) {
    sink = options.bucket;
    destination = 'bucket';
  } else throw new ValidationError('nowhere to publish: give an output folder or a bucket');

  options.progress?.(`scoring ${data.responses.count} responses of ${data.dyads.count} dyads`);
  const now = options.clock();
  const releaseId = options.releaseId ?? isoDateIn(data.study.timezone, now);
  const threads =
    options.threads ??
    (data.responses.count >= OFFLOAD_MIN_RESPONSES ? Math.min(4, availableParallelism()) : 1);
  let prerendered: Promise<Prerendered> | undefined;
  // Started now, so that they load their modules while this thread scores alone.
  const workers = threads >= 2 ? startScoresLongWorkers(threads) : undefined;
  let computed: ComputedRelease;
  try {
    computed = computeRelease(data, k, times, (scored) => {
      if (!workers) return;
      const file = scoresLong(releaseScaleNames(data.instruments));
      const [described] = withStudyLevels([file], data);
      const input: ScoresLongInput = {
        scored,
        file,
        described: described!,
        releaseId,
        secret: options.secret,
      };
      const long = scoresLongOf(input, times);
      prerendered = workers.render(input, long, times).then((files) => ({ releaseId, files }));
      // Awaited in publishRelease; until then a failure must not count as unhandled.
      prerendered.catch(() => {});
    });
  } catch (error) {
    workers?.stop();
    throw error;
  }
  const manifest = await publishRelease(sink, computed, {
    releaseId,
    secret: options.secret,
    createdAt: now.toISOString(),
    ...(options.progress ? { progress: options.progress } : {}),
    ...(times ? { times } : {}),
    ...(prerendered ? { prerendered } : {}),
  });
  if (options.out === undefined && options.store) {
    const record: ReleaseRecord = {
      releaseId: manifest.releaseId,
      createdAt: manifest.createdAt,
      studyId: manifest.studyId,
      files: manifest.files.length,
      inputs: manifest.inputs,
    };
    await options.store.putRelease(record);
  }
  return { manifest, destination, problems: data.problems };
}
