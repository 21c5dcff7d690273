import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { duckdbSiteSessionSummary, singlePassLoop } from './yardsticks.ts';

const run = promisify(execFile);
const CLI = resolve('bin/tandem.js');
const RSS_PROBE = resolve('bench/rss-probe.ts');

export interface AggregateMeasure {
  responses: number;
  sites: number;
  dyads: number;
  seconds: number;
  peakRssMb: number;
  duckdbSeconds: number;
  singlePassSeconds: number;
  ratioToDuckdb: number;
  ratioToSinglePass: number;
}

/** A generated raw export, made once per size and kept under `.tandem/bench/` for later runs. */
export async function rawExport(sites: number, dyads: number, responses: number): Promise<string> {
  const dir = resolve('.tandem', 'bench', `s${sites}-d${dyads}-r${responses}`);
  if (existsSync(join(dir, 'responses.jsonl'))) return dir;
  await run(
    process.execPath,
    [
      CLI,
      'demo-data',
      '--out',
      dir,
      '--sites',
      String(sites),
      '--dyads',
      String(dyads),
      '--responses',
      String(responses),
      '--seed',
      '7',
    ],
    { maxBuffer: 1 << 24 },
  );
  return dir;
}

async function timed<T>(work: () => Promise<T>): Promise<number> {
  const start = performance.now();
  await work();
  return (performance.now() - start) / 1000;
}

/**
 * DESIGN §11: a full release from a raw export (`tandem aggregate --from`) in a fresh process,
 * its wall time and peak RSS, next to the two yardsticks measured in the same run.
 */
export async function measureAggregate(
  sites: number,
  dyads: number,
  responses: number,
): Promise<AggregateMeasure> {
  const from = await rawExport(sites, dyads, responses);
  const out = await mkdtemp(join(tmpdir(), 'tandem-bench-release-'));
  try {
    let stderr = '';
    const seconds = await timed(async () => {
      const result = await run(
        process.execPath,
        [
          '--import',
          'tsx',
          '--import',
          RSS_PROBE,
          CLI,
          'aggregate',
          '--from',
          from,
          '--out',
          out,
          '--release-id',
          '2026-01-01',
        ],
        { maxBuffer: 1 << 24 },
      );
      stderr = result.stderr;
    });
    const rssKb = Number(/TANDEM_MAX_RSS_KB=(\d+)/.exec(stderr)?.[1] ?? Number.NaN);
    const duckdbSeconds = await timed(() => duckdbSiteSessionSummary(from));
    const singlePassSeconds = await timed(() => singlePassLoop(from));
    return {
      responses,
      sites,
      dyads,
      seconds,
      peakRssMb: rssKb / 1024,
      duckdbSeconds,
      singlePassSeconds,
      ratioToDuckdb: seconds / duckdbSeconds,
      ratioToSinglePass: seconds / singlePassSeconds,
    };
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}
