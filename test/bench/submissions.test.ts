import { describe, expect, it } from 'vitest';
import { measureIngest } from '../../bench/submissions.ts';

// The ingest bench's bookkeeping, not its timings (those belong in `tandem bench`): every
// submission it sends is counted, read back from the store and judged once.
describe('measureIngest', () => {
  it('sends each run its own dyads and finds every submission stored once', async () => {
    const result = await measureIngest('dynalite', { dyads: 3, sessions: 2, concurrencies: [4, 2] });
    if ('skipped' in result) throw new Error(`dynalite cannot be skipped: ${result.skipped}`);
    expect(result.runs.map((run) => [run.concurrency, run.submissions, run.unexpectedStatuses])).toEqual([
      [2, 6, 0],
      [4, 6, 0],
    ]);
    // A warm-up set submits as the first run does before the timed runs.
    expect(result.submitted).toBe(6 + 6 + 6);
    expect(result.refused).toBe(0);
    expect(result.stored).toBe(result.submitted);
    expect(result.distinct).toBe(result.submitted);
    for (const run of result.runs) {
      expect(run.serverCpuMsPerSubmission).toBeGreaterThan(0);
      expect(run.loadGeneratorCpuMsPerSubmission).toBeGreaterThan(0);
      expect(run.emulatorCpuMsPerSubmission).toBeGreaterThanOrEqual(0);
      expect(run.p50Ms).toBeLessThanOrEqual(run.p95Ms);
      expect(run.p95Ms).toBeLessThanOrEqual(run.p99Ms);
    }
    // Raw PutItem right before and right after the top run; judged against the faster.
    expect(result.rawPutItemsPerSecondEach).toHaveLength(2);
    expect(result.rawPutItemsPerSecond).toBe(Math.max(...result.rawPutItemsPerSecondEach));
    expect(result.ratio).toBeCloseTo(
      (result.runs[1]?.submissionsPerSecond ?? 0) / result.rawPutItemsPerSecond,
    );
  }, 120_000);
});
