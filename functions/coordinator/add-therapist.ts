import * as z from 'zod/mini';
import { addTherapist } from '../../shared/enrolment/add-therapist.ts';
import { therapistView } from '../../shared/enrolment/list-therapists.ts';
import { json } from '../http/respond.ts';
import { httpRoute } from '../http/route.ts';
import { actorOf, enrolmentDeps, SitePath } from './deps.ts';

const Body = z.strictObject({ language: z.optional(z.string().check(z.minLength(2), z.maxLength(35))) });

/** POST /api/v1/sites/{siteId}/therapists: adds a therapist; 201 with their link, shown this once. */
export const handler = httpRoute({ path: SitePath, body: Body }, async ({ path, body, principal }) => {
  const { therapist, link } = await addTherapist(enrolmentDeps(), {
    actor: actorOf(principal),
    siteId: path.siteId,
    language: body.language,
  });
  return json(201, { therapist: therapistView(therapist), link: link.url });
});
