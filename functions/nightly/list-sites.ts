import type { Context } from 'aws-lambda';
import { observed } from '../runtime/observability.ts';
import { stepDeps } from './deps.ts';
import { listSites, RunInput, type RunPlan, stepInput } from './steps.ts';

/** Step Functions task "ListSites": `{releaseId?, k?}` → `{runId, releaseId, k?, sites: [{runId, siteId}]}`. */
export const handler = async (event: unknown, context?: Context): Promise<RunPlan> =>
  observed(context, () => listSites(stepDeps(), stepInput(RunInput, event ?? {}, 'ListSites')));
