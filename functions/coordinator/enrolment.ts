import * as z from 'zod/mini';
import { enrolmentFigures, figuresCsv } from '../../shared/enrolment/figures.ts';
import { csv, json } from '../http/respond.ts';
import { httpRoute } from '../http/route.ts';
import { enrolmentDeps, SitePath } from './deps.ts';

const Query = z.object({ format: z.optional(z.enum(['json', 'csv'])) });

/** GET /api/v1/sites/{siteId}/enrolment (`?format=csv`): the site's enrolment figures (DESIGN §6). */
export const handler = httpRoute({ path: SitePath, query: Query }, async ({ path, query }) => {
  const figures = await enrolmentFigures(enrolmentDeps(), path.siteId);
  return query.format === 'csv'
    ? csv(figuresCsv(figures), `enrolment-${figures.siteId}-${figures.asOf}.csv`)
    : json(200, figures);
});
