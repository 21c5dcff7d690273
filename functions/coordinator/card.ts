import { makeCard } from '../../shared/enrolment/card.ts';
import { html } from '../http/respond.ts';
import { httpRoute } from '../http/route.ts';
import { actorOf, DyadPath, enrolmentDeps, NoBody } from './deps.ts';

/** POST …/dyads/{dyadId}/card: rotates all of the dyad's links and returns the printable card. */
export const handler = httpRoute({ path: DyadPath, body: NoBody }, async ({ path, principal }) => {
  const card = await makeCard(enrolmentDeps(), { actor: actorOf(principal), ...path });
  return html(200, card.html);
});
