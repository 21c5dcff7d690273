import * as z from 'zod/mini';
import { endDyad } from '../../shared/enrolment/end-dyad.ts';
import { getDyad } from '../../shared/enrolment/list-dyads.ts';
import { withdrawDyad } from '../../shared/enrolment/withdraw-dyad.ts';
import { json } from '../http/respond.ts';
import { httpRoute } from '../http/route.ts';
import { METRIC_NAMES } from '../runtime/metric-names.ts';
import { countMetric } from '../runtime/observability.ts';
import { actorOf, DyadPath, enrolmentDeps } from './deps.ts';

const Body = z.discriminatedUnion('status', [
  z.strictObject({ status: z.literal('ended'), lastSession: z.int().check(z.positive(), z.lte(999)) }),
  z.strictObject({ status: z.literal('withdrawn') }),
]);

/** PATCH /api/v1/sites/{siteId}/dyads/{dyadId}: ends a dyad at its last session, or withdraws it. */
export const handler = httpRoute({ path: DyadPath, body: Body }, async ({ path, body, principal }) => {
  const deps = enrolmentDeps();
  const input = { actor: actorOf(principal), siteId: path.siteId, dyadId: path.dyadId };
  if (body.status === 'ended') await endDyad(deps, { ...input, lastSession: body.lastSession });
  else {
    await withdrawDyad(deps, input);
    countMetric(METRIC_NAMES.withdrawal);
  }
  return json(200, { dyad: await getDyad(deps, path) });
});
