import { makeCard } from '../../shared/enrolment/card.ts';
import { html } from '../http/respond.ts';
import { httpRoute } from '../http/route.ts';
import { renderCard } from './card-page.ts';
import { actorOf, DyadPath, enrolmentDeps } from './deps.ts';

/** POST …/dyads/{dyadId}/card: rotates all of the dyad's links and returns the printable card. */
export const handler = httpRoute({ path: DyadPath }, async ({ path, principal }) => {
  const deps = enrolmentDeps();
  const card = await makeCard(deps, { actor: actorOf(principal), ...path });
  return html(200, await renderCard(card.study, card.dyad, card.links, deps.clock()));
});
