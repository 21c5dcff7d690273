import type { Context } from 'aws-lambda';
import { observed } from '../runtime/observability.ts';
import { stepDeps } from './deps.ts';
import { SiteTask, type StagedSite, scoreSite, stepInput } from './steps.ts';

/** Step Functions task "ScoreSite" (one per Map item): `{runId, siteId}` → the staged partial's key and counts. */
export const handler = async (event: unknown, context?: Context): Promise<StagedSite> =>
  observed(context, () => scoreSite(stepDeps(), stepInput(SiteTask, event, 'ScoreSite')));
