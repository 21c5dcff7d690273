import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { bundled, freshBundle } from '../bin/bundle.js';

// Work on another core (DESIGN §11: a release uses both cores). Workers are TypeScript modules like
// the rest of the pipeline. startWorker starts a worker from an esbuild bundle of its module
// (bin/bundle.js: rebuilt when a source changes), which loads in about 0.1 s of CPU where loading
// the module graph through tsx took about 0.5 s. The worker must start at once: its callers go on
// with seconds of synchronous work (parsing their own share, the statistics), and a worker created
// after an `await` would only start when that work is done. So when no fresh bundle is there (the
// first run after a change) the worker loads its module through tsx, and the bundle is built in
// the background for the next run. Node 20 does not hand the main thread's tsx hooks to a worker,
// and a .ts entry would be resolved before any hook exists there, so that entry is one line of
// JavaScript that loads the module through tsx's API.

/**
 * Starts the TypeScript worker module with `workerData`, from its bundle when a fresh one is there
 * and through tsx otherwise (the bundle is then built for the next run; a failed build leaves the
 * tsx path). A worker's first answer is awaited with firstAnswer.
 */
export function startWorker(module: URL, workerData: unknown): Worker {
  const path = fileURLToPath(module);
  const script = freshBundle(path);
  if (script) return new Worker(script, { workerData });
  void bundled(path);
  // Resolved here, not at load: the nightly Lambda's bundle loads this module without tsx.
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const entry = `import(${JSON.stringify(tsxApi)}).then(({ tsImport }) => tsImport(${JSON.stringify(module.href)}, ${JSON.stringify(module.href)}))`;
  return new Worker(entry, { eval: true, workerData });
}

/**
 * The first message `worker` posts; rejects with its error, or when it exits without answering
 * (`what` names it in that error).
 */
export function firstAnswer<T>(worker: Worker, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    let settled = false;
    worker.once('message', (result: T) => {
      settled = true;
      resolve(result);
    });
    worker.once('error', (error) => {
      settled = true;
      reject(error);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`worker ${what} exited with code ${code} before it answered`));
    });
  });
}
