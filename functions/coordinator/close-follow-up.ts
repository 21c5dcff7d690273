import * as z from 'zod/mini';
import { closeSafetyFollowUp } from '../../shared/enrolment/close-follow-up.ts';
import { json } from '../http/respond.ts';
import { httpRoute } from '../http/route.ts';
import { actorOf, Code, enrolmentDeps, SiteId } from './deps.ts';

const FollowUpId = z
  .string()
  .check(
    z.regex(/^(client|therapist|interpreter)-[1-9]\d{0,2}$/, 'expected a follow-up id such as client-3'),
  );
const Path = z.object({ siteId: SiteId, dyadId: Code, followUpId: FollowUpId });

/** POST …/dyads/{dyadId}/follow-ups/{followUpId}/close: closes a safety follow-up, recording who and when. */
export const handler = httpRoute({ path: Path }, async ({ path, principal }) => {
  const followUp = await closeSafetyFollowUp(enrolmentDeps(), { actor: actorOf(principal), ...path });
  return json(200, { followUp: { dyadId: path.dyadId, ...followUp } });
});
