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
}

/** What the main thread sends: the design once (it calibrates while workers start), then batches. */
export type PlanWorkerMessage = { design: StudyDesign } | PlanBatch;

/** A batch's outcomes, OUTCOME_SIZE numbers per study in sim order. */
export interface PlanBatchResult extends PlanBatch {
  outcomes: Float64Array;
}

const { inputs } = workerData as PlanWorkerData;
const port = parentPort!;
let design: StudyDesign | null = null;
port.on('message', (message: PlanWorkerMessage) => {
  if ('design' in message) {
    design = message.design;
    return;
  }
  if (!design) throw new Error('a plan batch came before the design');
  const batch = message;
  const outcomes = simulateBatch(inputs, design, batch);
  const result: PlanBatchResult = { ...batch, outcomes };
  port.postMessage(result, [outcomes.buffer as ArrayBuffer]);
});
// Ready: the main thread sends the first batch once the module (and the pipeline it imports) loaded.
port.postMessage('ready');
