import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { ROUTES } from '../functions/routes.ts';
import { LAMBDA_BUNDLE_ALIASES } from '../infra/constructs/tandem-function.ts';

const run = promisify(execFile);

export interface BundleMeasure {
  handler: string;
  bytes: number;
  loadMs: number;
}

/** Bundles a handler as TandemFunction does (minified ESM, SDK included, same aliases) and returns its bytes. */
export async function bundleHandler(entry: string): Promise<Uint8Array> {
  const result = await build({
    entryPoints: [resolve(entry)],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    mainFields: ['module', 'main'],
    write: false,
    logLevel: 'silent',
    alias: { ...LAMBDA_BUNDLE_ALIASES },
    banner: { js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);" },
  });
  const [file] = result.outputFiles;
  if (!file) throw new Error(`esbuild produced nothing for ${entry}`);
  return file.contents;
}

/** Median time, over `runs` fresh processes, to import a bundled module (Lambda's cold module load). */
async function loadMs(file: string, runs: number): Promise<number> {
  const script = `const t=performance.now();await import(${JSON.stringify(file)});process.stdout.write(String(performance.now()-t));`;
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script]);
    times.push(Number(stdout));
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? Number.NaN;
}

/** Size and module load time of every participant Lambda bundle (DESIGN §11: ≤ 400 KB, ≤ 150 ms). */
export async function measureParticipantBundles(runs = 5): Promise<BundleMeasure[]> {
  const handlers = [...new Set(ROUTES.filter((route) => route.participant).map((route) => route.handler))];
  const dir = await mkdtemp(join(tmpdir(), 'tandem-bundles-'));
  try {
    const measures: BundleMeasure[] = [];
    for (const handler of handlers) {
      const bytes = await bundleHandler(handler);
      const file = join(dir, `${handler.replace(/[/.]/g, '_')}.mjs`);
      await writeFile(file, bytes);
      measures.push({ handler, bytes: bytes.byteLength, loadMs: await loadMs(file, runs) });
    }
    return measures;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
