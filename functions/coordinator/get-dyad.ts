import { getDyad } from '../../shared/enrolment/list-dyads.ts';
import { json } from '../http/respond.ts';
import { httpRoute } from '../http/route.ts';
import { DyadPath, enrolmentDeps } from './deps.ts';

/** GET /api/v1/sites/{siteId}/dyads/{dyadId}: one dyad with what each role owes now. */
export const handler = httpRoute({ path: DyadPath }, async ({ path }) =>
  json(200, { dyad: await getDyad(enrolmentDeps(), path) }),
);
