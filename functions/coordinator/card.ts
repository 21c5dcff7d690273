import { CARD_INLINE, makeCard } from '../../shared/enrolment/card.ts';
import { html } from '../http/respond.ts';
import { httpRoute } from '../http/route.ts';
import { CSP, contentSecurityPolicy } from '../http/security-headers.ts';
import { actorOf, DyadPath, enrolmentDeps } from './deps.ts';

/** The card loads nothing: its stylesheet and print button are inline. */
const CARD_CSP = contentSecurityPolicy(CARD_INLINE);

/** POST …/dyads/{dyadId}/card: rotates all of the dyad's links and returns the printable card. */
export const handler = httpRoute({ path: DyadPath }, async ({ path, principal }) => {
  const card = await makeCard(enrolmentDeps(), { actor: actorOf(principal), ...path });
  return html(200, card.html, { [CSP]: CARD_CSP });
});
