import * as z from 'zod/mini';
import { rotateLink } from '../../shared/enrolment/rotate-link.ts';
import { ROLES } from '../../shared/instruments/roles.ts';
import { json } from '../http/respond.ts';
import { httpRoute } from '../http/route.ts';
import { actorOf, Code, enrolmentDeps, NoBody, SiteId } from './deps.ts';

const Path = z.object({ siteId: SiteId, dyadId: Code, role: z.enum(ROLES) });

/** POST …/dyads/{dyadId}/links/{role}/rotate: a new link for one role; the old one stops at once. */
export const handler = httpRoute({ path: Path, body: NoBody }, async ({ path, principal }) => {
  const { link } = await rotateLink(enrolmentDeps(), { actor: actorOf(principal), ...path });
  return json(201, { link: link.url });
});
