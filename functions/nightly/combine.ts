import type { Context } from 'aws-lambda';
import { METRIC_NAMES } from '../runtime/metric-names.ts';
import { countMetric, measureMetric, observed } from '../runtime/observability.ts';
import { nightlyDeps } from './deps.ts';
import { CombineInput, type CombineResult, combine, stepInput } from './steps.ts';

/**
 * Step Functions task "Combine": the run plan plus `partials` → the published release's id, file
 * count and inputs; counts the release, its duration and its bytes (the "no release" alarm reads the count).
 */
export const handler = async (event: unknown, context?: Context): Promise<CombineResult> =>
  observed(context, async () => {
    const started = Date.now();
    const result = await combine(nightlyDeps(), stepInput(CombineInput, event, 'Combine'));
    countMetric(METRIC_NAMES.releasePublished);
    measureMetric(METRIC_NAMES.releaseDuration, 'Milliseconds', Date.now() - started);
    measureMetric(METRIC_NAMES.releaseBytes, 'Bytes', result.bytes);
    return result;
  });
