import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { benchRelease, type Check } from './aggregate.ts';
import { measureParticipantBundles } from './bundles.ts';
import { benchIngest, measurePageBytes } from './submissions.ts';

export interface BenchOptions {
  /** Smaller sizes (100k responses instead of 1M), for a quick look; budgets are judged on the full run. */
  quick: boolean;
  /** Only the release budgets (`tandem bench --release`): the same figures, without the serving ones. */
  releaseOnly?: boolean;
  /** Only the ingest budgets (`tandem bench --ingest`): submissions over HTTP on each emulator. */
  ingestOnly?: boolean;
  /** A folder for the server's CPU profile of each emulator's timed ingest runs (`--profile DIR`). */
  profileDir?: string | undefined;
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

  if (options.ingestOnly) {
    const ingest = await benchIngest({ quick, profileDir: options.profileDir }, log);
    const measuredAt = new Date().toISOString();
    const load = { before: loadBefore, after: loadavg() };
    return report(
      { measuredAt, quick, machine: machine(), load, ingest: ingest.emulators },
      ingest.checks,
      log,
    );
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

  const ingest = await benchIngest({ quick, profileDir: options.profileDir }, log);
  checks.push(...ingest.checks);

  const release = await benchRelease(quick, log);
  checks.push(...release.checks);

  const results = {
    measuredAt: new Date().toISOString(),
    quick,
    machine: machine(),
    load: { before: loadBefore, after: loadavg() },
    page,
    bundles,
    ingest: ingest.emulators,
    aggregate: release,
  };
  return report(results, checks, log);
}
