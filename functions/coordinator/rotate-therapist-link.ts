import * as z from 'zod/mini';
import { rotateTherapistLink } from '../../shared/enrolment/rotate-link.ts';
import { json } from '../http/respond.ts';
import { httpRoute } from '../http/route.ts';
import { actorOf, Code, enrolmentDeps, NoBody, SiteId } from './deps.ts';

const Path = z.object({ siteId: SiteId, therapistId: Code });

/** POST …/therapists/{therapistId}/links/rotate: a new therapist link; the old one stops at once. */
export const handler = httpRoute({ path: Path, body: NoBody }, async ({ path, principal }) => {
  const { link } = await rotateTherapistLink(enrolmentDeps(), { actor: actorOf(principal), ...path });
  return json(201, { link: link.url });
});
