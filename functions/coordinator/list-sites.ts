import { listSites } from '../../shared/enrolment/list-sites.ts';
import { json } from '../http/respond.ts';
import { httpRoute } from '../http/route.ts';
import { enrolmentDeps } from './deps.ts';

/** GET /api/v1/sites: the sites the caller may see, with the study facts the dashboard needs. */
export const handler = httpRoute({}, async ({ principal }) =>
  json(200, await listSites(enrolmentDeps(), principal?.sites ?? [])),
);
