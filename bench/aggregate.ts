import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { PARSE_WORKER } from '../analysis/load/parse-pool.ts';
import type { Stage } from '../analysis/stages.ts';
import { SCORES_LONG_WORKER } from '../analysis/write/scores-long-pool.ts';
import { bundled } from '../bin/bundle.js';

const run = promisify(execFile);
const CLI = resolve('bin/tandem.js');
/** The module `tandem aggregate` runs from, bundled (bin/tandem.js). */
const CLI_SOURCE = new URL('../infra/local/cli.ts', import.meta.url);
const PROBE = resolve('bench/probe.mjs');
/**
 * The yardsticks of DESIGN §11, byte for byte the scripts of `../shared/yardsticks/` (copied here
 * so the bench runs from any checkout): DuckDB's site_session_summary and the single-pass floor.
 */
const YARDSTICKS = {
  duckdb: resolve('bench/yardsticks/duckdb_summary.mjs'),
  floor: resolve('bench/yardsticks/node_floor.mjs'),
};

/** One size of the release benchmark, every figure from the same run on the same files. */
export interface AggregateMeasure {
  responses: number;
  sites: number;
  dyads: number;
  /** Rounds of (DuckDB, floor, release), interleaved so that load on the machine hits all three alike. */
  rounds: number;
  /** Median wall time of `tandem aggregate --from … --out …` (process start to exit). */
  seconds: number;
  /** Every round's release time. */
  secondsEach: number[];
  /** Peak RSS of the release process, workers included (they are threads of it), the largest of the rounds. */
  peakRssMb: number;
  duckdbSeconds: number;
  floorSeconds: number;
  ratioToDuckdb: number;
  ratioToFloor: number;
  /** Ratios of each round on its own. */
  ratiosEach: { duckdb: number; floor: number }[];
  /**
   * Median CPU seconds (all threads) of each process: on a busy machine wall time measures the
   * other processes too; CPU time does not (DuckDB's is summed over its threads).
   */
  cpuSeconds: { release: number; duckdb: number; floor: number };
  /** Where the median round's time went (load, score, each statistic, each writer). */
  stages: Stage[];
}

/** A generated raw export (`demo-data --seed 11`), made once per size and kept under `.tandem/bench/`. */
export async function rawExport(sites: number, dyads: number, responses: number): Promise<string> {
  const dir = resolve('.tandem', 'bench', `s${sites}-d${dyads}-r${responses}-seed11`);
  if (existsSync(join(dir, 'responses.jsonl'))) return dir;
  const args = ['demo-data', '--out', dir, '--sites', String(sites), '--dyads', String(dyads)];
  await run(process.execPath, [CLI, ...args, '--responses', String(responses), '--seed', '11'], {
    maxBuffer: 1 << 24,
  });
  return dir;
}

/** What bench/probe.mjs reports of a finished process. */
interface Probe {
  maxRssKb: number;
  cpuSeconds: number;
}

function probeOf(stderr: string): Probe {
  const line = /TANDEM_PROBE=(\{.*\})/.exec(stderr)?.[1];
  if (line === undefined) throw new Error(`the measured process reported nothing: ${stderr.slice(-500)}`);
  return JSON.parse(line) as Probe;
}

/**
 * A yardstick's own figure: the seconds it prints (its process start-up is not counted, ours is),
 * and its whole process's CPU time.
 */
async function yardstick(script: string, dir: string): Promise<{ seconds: number; cpuSeconds: number }> {
  const { stdout, stderr } = await run(process.execPath, ['--import', PROBE, script, dir], {
    env: { ...process.env, NODE_PATH: resolve('node_modules') },
    maxBuffer: 1 << 24,
  });
  const seconds = (JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as { seconds?: number }).seconds;
  if (typeof seconds !== 'number') throw new Error(`${script} printed no seconds: ${stdout}`);
  return { seconds, cpuSeconds: probeOf(stderr).cpuSeconds };
}

/** One release in a fresh process: wall time, CPU time, peak RSS and stage times. */
async function release(
  from: string,
): Promise<{ seconds: number; cpuSeconds: number; rssMb: number; stages: Stage[] }> {
  const out = await mkdtemp(join(tmpdir(), 'tandem-bench-release-'));
  try {
    const timings = join(out, 'timings.json');
    const args = [
      'aggregate',
      '--from',
      from,
      '--out',
      out,
      '--release-id',
      '2026-01-01',
      '--timings',
      timings,
    ];
    const start = performance.now();
    const { stderr } = await run(process.execPath, ['--import', PROBE, CLI, ...args], { maxBuffer: 1 << 24 });
    const seconds = (performance.now() - start) / 1000;
    const probe = probeOf(stderr);
    const { stages } = JSON.parse(await readFile(timings, 'utf8')) as { stages: Stage[] };
    return { seconds, cpuSeconds: probe.cpuSeconds, rssMb: probe.maxRssKb / 1024, stages };
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

/**
 * DESIGN §11: full releases from a raw export (`tandem aggregate --from`), each in a fresh process,
 * with the two yardsticks on the same file in the same rounds; figures are medians over the rounds.
 */
export async function measureAggregate(
  sites: number,
  dyads: number,
  responses: number,
  rounds: number,
): Promise<AggregateMeasure> {
  const from = await rawExport(sites, dyads, responses);
  // The bundles a release runs from (bin/bundle.js) are built before anything is timed: a fresh
  // checkout builds each on first use, and a worker whose bundle is missing or stale loads through
  // tsx meanwhile, which made the first 1M round after a change about 0.8 s slower than the others.
  for (const entry of [CLI_SOURCE, PARSE_WORKER, SCORES_LONG_WORKER]) await bundled(fileURLToPath(entry));
  const each: {
    duckdb: Awaited<ReturnType<typeof yardstick>>;
    floor: Awaited<ReturnType<typeof yardstick>>;
    release: Awaited<ReturnType<typeof release>>;
  }[] = [];
  for (let round = 0; round < rounds; round++) {
    const duckdb = await yardstick(YARDSTICKS.duckdb, from);
    const floor = await yardstick(YARDSTICKS.floor, from);
    each.push({ duckdb, floor, release: await release(from) });
  }
  const seconds = median(each.map((r) => r.release.seconds));
  const duckdbSeconds = median(each.map((r) => r.duckdb.seconds));
  const floorSeconds = median(each.map((r) => r.floor.seconds));
  const middle = [...each].sort((a, b) => a.release.seconds - b.release.seconds)[
    Math.floor((rounds - 1) / 2)
  ]!;
  return {
    responses,
    sites,
    dyads,
    rounds,
    seconds,
    secondsEach: each.map((r) => r.release.seconds),
    peakRssMb: Math.max(...each.map((r) => r.release.rssMb)),
    duckdbSeconds,
    floorSeconds,
    ratioToDuckdb: seconds / duckdbSeconds,
    ratioToFloor: seconds / floorSeconds,
    ratiosEach: each.map((r) => ({
      duckdb: r.release.seconds / r.duckdb.seconds,
      floor: r.release.seconds / r.floor.seconds,
    })),
    cpuSeconds: {
      release: median(each.map((r) => r.release.cpuSeconds)),
      duckdb: median(each.map((r) => r.duckdb.cpuSeconds)),
      floor: median(each.map((r) => r.floor.cpuSeconds)),
    },
    stages: middle.release.stages,
  };
}

/** A budget of DESIGN §11 with what this run measured. */
export interface Check {
  budget: string;
  measured: string;
  pass: boolean;
}

/** What the release part of the bench reports: the sizes measured and the budgets judged. */
export interface ReleaseBench {
  small: AggregateMeasure;
  big: AggregateMeasure;
  /** 5M responses (DESIGN §11: reported, not judged); absent with --quick. */
  huge?: AggregateMeasure;
  growth: number;
  checks: Check[];
}

const describeRatio = (seconds: number, yardstickSeconds: number, ratio: number): string =>
  `${seconds.toFixed(2)} s vs ${yardstickSeconds.toFixed(2)} s = ${ratio.toFixed(2)}×`;

/**
 * The release budgets of DESIGN §11: 1M responses ≤ 8 × DuckDB and ≤ 2 × the floor in the same
 * run, ≤ 1 GB peak RSS, 1M ≤ 11 × 100k; 5M reported. `--quick` uses 10k/100k and one round.
 */
export async function benchRelease(quick: boolean, log: (line: string) => void): Promise<ReleaseBench> {
  const checks: Check[] = [];
  const check = (budget: string, measured: string, pass: boolean) => {
    checks.push({ budget, measured, pass });
    log(`${pass ? 'ok  ' : 'FAIL'} ${budget}: ${measured}`);
  };
  const rounds = quick ? 1 : 3;
  const [smallResponses, bigResponses] = quick ? [10_000, 100_000] : [100_000, 1_000_000];
  log(`aggregate ${smallResponses} responses …`);
  const small = await measureAggregate(50, smallResponses / 50, smallResponses, rounds);
  log(`aggregate ${bigResponses} responses …`);
  const big = await measureAggregate(50, bigResponses / 50, bigResponses, rounds);
  for (const stage of big.stages)
    log(
      `     ${stage.seconds.toFixed(3).padStart(7)} s  ${stage.cpuSeconds.toFixed(3).padStart(7)} s CPU  ${stage.name}`,
    );
  const cpu = big.cpuSeconds;
  log(
    `     CPU seconds (all threads): release ${cpu.release.toFixed(2)}, DuckDB ${cpu.duckdb.toFixed(2)}, floor ${cpu.floor.toFixed(2)}; machine load ${loadavg()[0]!.toFixed(1)}`,
  );
  check(`aggregate ${bigResponses} peak RSS ≤ 1 GB`, `${big.peakRssMb.toFixed(0)} MB`, big.peakRssMb <= 1024);
  check(
    `aggregate ${bigResponses} ≤ 8 × DuckDB site_session_summary (same run)`,
    describeRatio(big.seconds, big.duckdbSeconds, big.ratioToDuckdb),
    big.ratioToDuckdb <= 8,
  );
  check(
    `aggregate ${bigResponses} ≤ 2 × single-pass floor (same run)`,
    describeRatio(big.seconds, big.floorSeconds, big.ratioToFloor),
    big.ratioToFloor <= 2,
  );
  const growth = big.seconds / small.seconds;
  check(`growth ${bigResponses} ≤ 11 × ${smallResponses}`, `${growth.toFixed(2)}×`, growth <= 11);
  if (quick) return { small, big, growth, checks };
  log('aggregate 5000000 responses (reported) …');
  const huge = await measureAggregate(50, 100_000, 5_000_000, 1);
  log(
    `     5M: ${huge.seconds.toFixed(2)} s, ${huge.peakRssMb.toFixed(0)} MB peak RSS, ${(huge.seconds / big.seconds).toFixed(2)}× the 1M time; ` +
      `${huge.ratioToDuckdb.toFixed(2)}× DuckDB, ${huge.ratioToFloor.toFixed(2)}× floor`,
  );
  return { small, big, huge, growth, checks };
}
