import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import type { StudyDesign } from '../demo/generate.ts';
import { startWorker } from '../threads.ts';
import { calibrate, studyDesign } from './design.ts';
import { OUTCOME_SIZE, type PlanBatch, summarisePoint } from './simulate.ts';
import type { PlanInputs, PlanResult } from './types.ts';
import type { PlanBatchResult, PlanWorkerData, PlanWorkerMessage } from './worker.ts';

// `tandem plan`'s engine: calibrate the design once, then simulate every design point's studies on
// worker threads in small batches (each free worker takes the next), and summarise each point
// from its studies in sim order, so the plan is the same for a seed whatever the number of workers.

/** Studies per batch: small enough for an even split and a smooth progress bar. */
const BATCH = 10;
const WORKER = new URL('./worker.ts', import.meta.url);

export interface PlanRunOptions {
  /** Worker threads (default: the cores available, at most one per batch). */
  workers?: number;
  /** Called after each batch with the studies simulated so far and the total. */
  onProgress?: (done: number, total: number) => void;
}

/** Simulates the planned study at every design point and summarises each (plan.json). */
export async function runPlan(inputs: PlanInputs, options: PlanRunOptions = {}): Promise<PlanResult> {
  const batches: PlanBatch[] = [];
  inputs.dyads.forEach((_, point) => {
    for (let from = 0; from < inputs.sims; from += BATCH)
      batches.push({ point, from, to: Math.min(inputs.sims, from + BATCH) });
  });
  const outcomes = inputs.dyads.map(() => new Float64Array(inputs.sims * OUTCOME_SIZE));
  const total = inputs.dyads.length * inputs.sims;
  const count = Math.max(1, Math.min(options.workers ?? availableParallelism(), batches.length));
  const data: PlanWorkerData = { inputs };
  const workers: Worker[] = [];
  let done = 0;
  let next = 0;
  options.onProgress?.(0, total);
  try {
    await new Promise<void>((resolve, reject) => {
      let finished = 0;
      const feed = (worker: Worker): void => {
        const batch = batches[next++];
        if (batch) worker.postMessage(batch);
        else if (++finished === count) resolve();
      };
      for (let w = 0; w < count; w++) {
        const worker = startWorker(WORKER, data);
        workers.push(worker);
        worker.on('message', (message: PlanBatchResult | 'ready') => {
          if (message !== 'ready') {
            outcomes[message.point]!.set(message.outcomes, message.from * OUTCOME_SIZE);
            done += message.to - message.from;
            options.onProgress?.(done, total);
          }
          feed(worker);
        });
        worker.once('error', reject);
        worker.once('exit', (code) => {
          if (finished < count)
            reject(new Error(`a plan worker exited with code ${code} before its work was done`));
        });
      }
      // Calibrate while the workers load the pipeline; they hear of the design before any batch
      // (their 'ready' is handled only once this synchronous work is done).
      let design: StudyDesign;
      try {
        design = studyDesign(inputs, calibrate(inputs));
      } catch (error) {
        reject(error);
        return;
      }
      const message: PlanWorkerMessage = { design };
      for (const worker of workers) worker.postMessage(message);
    });
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
  return {
    inputs,
    points: inputs.dyads.map((dyads, point) => summarisePoint(inputs, dyads, outcomes[point]!)),
  };
}
