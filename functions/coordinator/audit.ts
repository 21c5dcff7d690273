import * as z from 'zod/mini';
import { listAudit } from '../../shared/enrolment/list-audit.ts';
import { IsoDate } from '../../shared/study/schema.ts';
import { json } from '../http/respond.ts';
import { httpRoute } from '../http/route.ts';
import { enrolmentDeps } from './deps.ts';

const Query = z.object({ from: IsoDate, to: IsoDate });

/** GET /api/v1/audit?from=YYYY-MM-DD&to=YYYY-MM-DD: audit events of those days (UTC), oldest first. */
export const handler = httpRoute({ query: Query }, async ({ query }) =>
  json(200, { events: await listAudit(enrolmentDeps(), query) }),
);
