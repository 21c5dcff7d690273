import { Worker } from 'node:worker_threads';

// Work on another core (DESIGN §11: a release uses both cores). Workers are TypeScript modules like
// the rest of the pipeline; Node 20 does not hand the main thread's tsx hooks to a worker, and a
// .ts entry would be resolved before any hook exists there, so the entry is one line of JavaScript
// that loads the module through tsx's API (tsx is a dependency already: the CLI runs on it).

/** Starts the TypeScript worker module with `workerData` (for workers that exchange many messages). */
export function startWorker(module: URL, workerData: unknown): Worker {
  // Resolved here, not at load: the nightly Lambda's bundle loads this module without tsx.
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const entry = `import(${JSON.stringify(tsxApi)}).then(({ tsImport }) => tsImport(${JSON.stringify(module.href)}, ${JSON.stringify(module.href)}))`;
  return new Worker(entry, { eval: true, workerData });
}

/**
 * Runs the worker module with `workerData` and resolves with the first message it posts; rejects
 * with its error, or when it exits without answering.
 */
export function runWorker<T>(module: URL, workerData: unknown): Promise<T> {
  return new Promise((resolve, reject) => {
    const worker = startWorker(module, workerData);
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
      if (!settled)
        reject(new Error(`worker ${module.pathname} exited with code ${code} before it answered`));
    });
  });
}
