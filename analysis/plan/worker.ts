import { parentPort, workerData } from 'node:worker_threads';
import type { StudyDesign } from '../demo/generate.ts';
import { type PlanBatch, simulateBatch } from './simulate.ts';
import type { PlanInputs } from './types.ts';

// A plan worker: simulates the batches of studies the main thread sends (run.ts) and sends each
// batch's outcomes back as a transferred typed array. Seeds come from (seed, point, sim), so which
// worker runs a batch never changes its numbers.

/** What a plan worker is started with. */
export interface PlanWorkerData {
  inputs: PlanInputs;
  design: StudyDesign;
}

/** A batch's outcomes, OUTCOME_SIZE numbers per study in sim order. */
export interface PlanBatchResult extends PlanBatch {
  outcomes: Float64Array;
}

const { inputs, design } = workerData as PlanWorkerData;
const port = parentPort!;
port.on('message', (batch: PlanBatch) => {
  const outcomes = simulateBatch(inputs, design, batch);
  const result: PlanBatchResult = { ...batch, outcomes };
  port.postMessage(result, [outcomes.buffer as ArrayBuffer]);
});
// Ready: the main thread sends the first batch once the module (and the pipeline it imports) loaded.
port.postMessage('ready');
