import * as z from 'zod/mini';
import { enrolDyad } from '../../shared/enrolment/enrol-dyad.ts';
import { dyadView } from '../../shared/enrolment/list-dyads.ts';
import { json } from '../http/respond.ts';
import { httpRoute } from '../http/route.ts';
import { actorOf, Code, enrolmentDeps, SitePath } from './deps.ts';

const Body = z.strictObject({
  therapistId: Code,
  modality: z.enum(['in_person', 'online', 'mixed']),
  interpreter: z.boolean(),
  language: z.string().check(z.minLength(2), z.maxLength(35)),
});

/** POST /api/v1/sites/{siteId}/dyads: enrols a dyad; 201 with its links, shown this once. */
export const handler = httpRoute({ path: SitePath, body: Body }, async ({ path, body, principal }) => {
  const { dyad, links } = await enrolDyad(enrolmentDeps(), {
    actor: actorOf(principal),
    siteId: path.siteId,
    ...body,
  });
  return json(201, {
    dyad: dyadView(dyad),
    links: {
      client: links.client.url,
      therapist: links.therapist.url,
      ...(links.interpreter ? { interpreter: links.interpreter.url } : {}),
    },
  });
});
