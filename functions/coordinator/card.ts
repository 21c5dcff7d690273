import { makeCard } from '../../shared/enrolment/card.ts';
import { html } from '../http/respond.ts';
import { httpRoute } from '../http/route.ts';
import { CSP, contentSecurityPolicy } from '../http/security-headers.ts';
import { renderCard } from './card-page.ts';
import { CARD_CSS } from './card-style.ts';
import { actorOf, DyadPath, enrolmentDeps, NoBody } from './deps.ts';

/** The card loads nothing: its one stylesheet is inline, its QR codes inline SVG, and it has no script. */
const CARD_CSP = contentSecurityPolicy({ styles: [CARD_CSS] });

/** POST …/dyads/{dyadId}/card: rotates all of the dyad's links and returns the printable card. */
export const handler = httpRoute({ path: DyadPath, body: NoBody }, async ({ path, principal }) => {
  const deps = enrolmentDeps();
  const card = await makeCard(deps, { actor: actorOf(principal), ...path });
  return html(200, await renderCard(card.study, card.dyad, card.links, deps.clock()), { [CSP]: CARD_CSP });
});
