import { listTherapists } from '../../shared/enrolment/list-therapists.ts';
import { json } from '../http/respond.ts';
import { httpRoute } from '../http/route.ts';
import { enrolmentDeps, SitePath } from './deps.ts';

/** GET /api/v1/sites/{siteId}/therapists: the site's therapists with how many dyads each has. */
export const handler = httpRoute({ path: SitePath }, async ({ path }) =>
  json(200, { therapists: await listTherapists(enrolmentDeps(), path.siteId) }),
);
