import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { benchRelease, type Check } from './aggregate.ts';
import { measureParticipantBundles } from './bundles.ts';
import { measurePageBytes, measureThroughput } from './submissions.ts';

export interface BenchOptions {
  /** Smaller sizes (100k responses instead of 1M), for a quick look; budgets are judged on the full run. */
  quick: boolean;
  /** Only the release budgets (`tandem bench --release`): the same figures, without the serving ones. */
  releaseOnly?: boolean;
  log?: (line: string) => void;
}

const machine = () => ({ cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown', node: process.version });

/** Writes bench/results.json and returns the exit code: 0 when every budget held. */
async function report(results: Record<string, unknown>, checks: Check[], log: (line: string) => void) {
  await mkdir('bench', { recursive: true });
  await writeFile('bench/results.json', `${JSON.stringify({ ...results, checks }, null, 2)}\n`);
  const failed = checks.filter((c) => !c.pass).length;
  log(`${checks.length - failed} budgets held, ${failed} did not; details in bench/results.json`);
  return failed === 0 ? 0 : 1;
}

/** Runs the benchmarks of DESIGN §11, writes `bench/results.json`; exit code 0 when every budget held. */
export async function runBench(options: BenchOptions): Promise<number> {
  const { quick, log = (line: string) => console.log(line) } = options;
  const checks: Check[] = [];
  const check = (budget: string, measured: string, pass: boolean) => {
    checks.push({ budget, measured, pass });
    log(`${pass ? 'ok  ' : 'FAIL'} ${budget}: ${measured}`);
  };
  // The machine's load average (1, 5, 15 min) before and after: ratios hold under load, times do not.
  const loadBefore = loadavg();
  if (options.releaseOnly) {
    const release = await benchRelease(quick, log);
    const measuredAt = new Date().toISOString();
    const load = { before: loadBefore, after: loadavg() };
    return report({ measuredAt, quick, machine: machine(), load, aggregate: release }, release.checks, log);
  }

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

  const release = await benchRelease(quick, log);
  checks.push(...release.checks);

  const results = {
    measuredAt: new Date().toISOString(),
    quick,
    machine: machine(),
    load: { before: loadBefore, after: loadavg() },
    page,
    bundles,
    throughput,
    aggregate: release,
  };
  return report(results, checks, log);
}
