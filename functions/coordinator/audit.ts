import * as z from 'zod/mini';
import { listAudit } from '../../shared/enrolment/list-audit.ts';
import { IsoDate } from '../../shared/study/schema.ts';
import { json } from '../http/respond.ts';
import { httpRoute } from '../http/route.ts';
import { enrolmentDeps } from './deps.ts';

const Query = z.object({ from: z.optional(IsoDate), to: z.optional(IsoDate) });

/**
 * GET /api/v1/audit?from=YYYY-MM-DD&to=YYYY-MM-DD: audit events of those days (UTC), oldest first;
 * without them the last 7 days.
 */
export const handler = httpRoute({ query: Query }, async ({ query }) =>
  json(200, { events: await listAudit(enrolmentDeps(), query) }),
);
