import { listDyads } from '../../shared/enrolment/list-dyads.ts';
import { json } from '../http/respond.ts';
import { httpRoute } from '../http/route.ts';
import { enrolmentDeps, SitePath } from './deps.ts';

/** GET /api/v1/sites/{siteId}/dyads: the site's dyads with current session, due and overdue per role. */
export const handler = httpRoute({ path: SitePath }, async ({ path }) =>
  json(200, { dyads: await listDyads(enrolmentDeps(), path.siteId) }),
);
