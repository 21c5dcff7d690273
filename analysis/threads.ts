import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { bundled } from '../bin/bundle.js';

// Work on another core (DESIGN §11: a release uses both cores). Workers are TypeScript modules like
// the rest of the pipeline. runWorker starts a worker from an esbuild bundle of its module
// (bin/bundle.js: built on first use, rebuilt when a source changes), which loads in about 0.1 s of
// CPU where loading the module graph through tsx took about 0.5 s. Without esbuild, and in
// startWorker, the worker loads the module through tsx: Node 20 does not hand the main thread's tsx
// hooks to a worker, and a .ts entry would be resolved before any hook exists there, so the entry
// is one line of JavaScript that loads the module through tsx's API.

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
export async function runWorker<T>(module: URL, workerData: unknown): Promise<T> {
  const script = await bundled(fileURLToPath(module));
  const worker = script ? new Worker(script, { workerData }) : startWorker(module, workerData);
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
      if (!settled)
        reject(new Error(`worker ${module.pathname} exited with code ${code} before it answered`));
    });
  });
}
