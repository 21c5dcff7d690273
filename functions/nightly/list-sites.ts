import { nightlyDeps } from './deps.ts';
import { listSites, RunInput, type RunPlan, stepInput } from './steps.ts';

/** Step Functions task "ListSites": `{releaseId?, k?}` → `{runId, releaseId, k?, sites: [{runId, siteId}]}`. */
export const handler = async (event: unknown): Promise<RunPlan> =>
  listSites(nightlyDeps(), stepInput(RunInput, event ?? {}, 'ListSites'));
