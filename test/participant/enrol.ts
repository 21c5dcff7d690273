import { expect } from 'vitest';
import type { api } from '../local/harness.ts';

/** Link paths (`/s/{token}`) of a freshly enrolled therapist and dyad. */
export interface Enrolled {
  therapistId: string;
  dyadId: string;
  client: string;
  therapist: string;
  interpreter: string;
  /** The therapist's own link (therapist-level instruments). */
  therapistLink: string;
}

/** A new therapist and dyad (with an interpreter, language en) at site berlin, through the coordinator API. */
export async function enrolWithLinks(http: ReturnType<typeof api>): Promise<Enrolled> {
  const therapist = await http.post<{ therapist: { therapistId: string }; link: string }>(
    '/api/v1/sites/berlin/therapists',
    {},
    { as: 'lead' },
  );
  expect(therapist.status).toBe(201);
  const dyad = await http.post<{ dyad: { dyadId: string }; links: Record<string, string> }>(
    '/api/v1/sites/berlin/dyads',
    {
      therapistId: therapist.body.therapist.therapistId,
      modality: 'online',
      interpreter: true,
      language: 'en',
    },
    { as: 'lead' },
  );
  expect(dyad.status).toBe(201);
  const path = (url: string | undefined) => new URL(url ?? '').pathname;
  return {
    therapistId: therapist.body.therapist.therapistId,
    dyadId: dyad.body.dyad.dyadId,
    client: path(dyad.body.links.client),
    therapist: path(dyad.body.links.therapist),
    interpreter: path(dyad.body.links.interpreter),
    therapistLink: path(therapist.body.link),
  };
}
