import { nightlyDeps } from './deps.ts';
import { SiteTask, type StagedSite, scoreSite, stepInput } from './steps.ts';

/** Step Functions task "ScoreSite" (one per Map item): `{runId, siteId}` → the staged partial's key and counts. */
export const handler = async (event: unknown): Promise<StagedSite> =>
  scoreSite(nightlyDeps(), stepInput(SiteTask, event, 'ScoreSite'));
