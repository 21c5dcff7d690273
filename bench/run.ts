import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { measureAggregate } from './aggregate.ts';
import { measureParticipantBundles } from './bundles.ts';
import { measurePageBytes, measureThroughput } from './submissions.ts';

/** One budget of DESIGN §11 with what this run measured. */
interface Check {
  budget: string;
  measured: string;
  pass: boolean;
}

export interface BenchOptions {
  /** Smaller sizes (100k responses instead of 1M), for a quick look; budgets are judged on the full run. */
  quick: boolean;
  log?: (line: string) => void;
}

/** Runs the benchmarks of DESIGN §11, writes `bench/results.json`; exit code 0 when every budget held. */
export async function runBench(options: BenchOptions): Promise<number> {
  const { quick, log = (line: string) => console.log(line) } = options;
  const checks: Check[] = [];
  const check = (budget: string, measured: string, pass: boolean) => {
    checks.push({ budget, measured, pass });
    log(`${pass ? 'ok  ' : 'FAIL'} ${budget}: ${measured}`);
  };

  log('questionnaire page bytes …');
  const page = await measurePageBytes();
  const largestPage = Math.max(...Object.values(page));
  check('questionnaire page ≤ 20 KB', JSON.stringify(page), largestPage <= 20 * 1024);

  log('participant bundles …');
  const bundles = await measureParticipantBundles(quick ? 3 : 7);
  for (const bundle of bundles) {
    check(
      `${bundle.handler} bundle ≤ 400 KB`,
      `${(bundle.bytes / 1024).toFixed(1)} KB`,
      bundle.bytes <= 400 * 1024,
    );
    check(`${bundle.handler} module load ≤ 150 ms`, `${bundle.loadMs.toFixed(1)} ms`, bundle.loadMs <= 150);
  }

  log('submissions over HTTP …');
  const throughput = await measureThroughput(
    quick ? { dyads: 60, sessions: 3, concurrency: 32 } : { dyads: 200, sessions: 5, concurrency: 32 },
  );
  check(
    'submissions/s ≥ 1/4 of raw PutItem/s (concurrency 32)',
    `${throughput.submissionsPerSecond.toFixed(1)}/s vs ${throughput.rawPutItemsPerSecond.toFixed(1)}/s = ${throughput.ratio.toFixed(3)}`,
    throughput.ratio >= 0.25,
  );
  check(
    'submission p99 ≤ 100 ms',
    `${throughput.p99Ms.toFixed(1)} ms (p50 ${throughput.p50Ms.toFixed(1)} ms)`,
    throughput.p99Ms <= 100,
  );
  check(
    'no submission lost or doubled',
    `${throughput.stored} stored of ${throughput.submissions}, ${throughput.unexpectedStatuses} not 201`,
    throughput.stored === throughput.submissions && throughput.unexpectedStatuses === 0,
  );

  const [smallResponses, bigResponses] = quick ? [10_000, 100_000] : [100_000, 1_000_000];
  log(`aggregate ${smallResponses} responses …`);
  const small = await measureAggregate(50, smallResponses / 50, smallResponses);
  log(`aggregate ${bigResponses} responses …`);
  const big = await measureAggregate(50, 20_000, bigResponses);
  check(`aggregate ${bigResponses} peak RSS ≤ 1 GB`, `${big.peakRssMb.toFixed(0)} MB`, big.peakRssMb <= 1024);
  check(
    `aggregate ${bigResponses} ≤ 10 × DuckDB site_session_summary`,
    `${big.seconds.toFixed(2)} s vs ${big.duckdbSeconds.toFixed(2)} s = ${big.ratioToDuckdb.toFixed(2)}×`,
    big.ratioToDuckdb <= 10,
  );
  check(
    `aggregate ${bigResponses} ≤ 4 × single-pass parse`,
    `${big.seconds.toFixed(2)} s vs ${big.singlePassSeconds.toFixed(2)} s = ${big.ratioToSinglePass.toFixed(2)}×`,
    big.ratioToSinglePass <= 4,
  );
  // DESIGN §11 measured its yardsticks at about 0.6 s (DuckDB) and 2.6 s (single pass) on this
  // machine, so both ratios together mean about 6 s; ours may run slower, so judge that too.
  if (!quick)
    check(
      `aggregate ${bigResponses} ≤ 6 s (DESIGN's figure for this machine)`,
      `${big.seconds.toFixed(2)} s`,
      big.seconds <= 6,
    );
  const growth = big.seconds / small.seconds;
  check(`growth ${bigResponses} ≤ 12 × ${smallResponses}`, `${growth.toFixed(2)}×`, growth <= 12);

  const results = {
    measuredAt: new Date().toISOString(),
    quick,
    machine: { cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown', node: process.version },
    page,
    bundles,
    throughput,
    aggregate: { small, big },
    checks,
  };
  await mkdir('bench', { recursive: true });
  await writeFile('bench/results.json', `${JSON.stringify(results, null, 2)}\n`);
  const failed = checks.filter((c) => !c.pass).length;
  log(`${checks.length - failed} budgets held, ${failed} did not; details in bench/results.json`);
  return failed === 0 ? 0 : 1;
}
