import type { Role } from '../../shared/instruments/schema.ts';
import type { api } from './harness.ts';

// Test support: enrolling through the coordinator API as a coordinator would, for tests that need
// many dyads (faults, fuzz, soak). Link paths come back as `/s/{token}`.

type Http = ReturnType<typeof api>;

export interface EnrolledDyad {
  siteId: string;
  therapistId: string;
  dyadId: string;
  /** `/s/{token}` of each of the dyad's roles. */
  links: Partial<Record<Role, string>>;
}

/** Adds a therapist at the site as the lead; returns the therapist code. */
export async function addTherapist(http: Http, siteId: string): Promise<string> {
  const response = await http.post<{ therapist: { therapistId: string } }>(
    `/api/v1/sites/${siteId}/therapists`,
    {},
    { as: 'lead' },
  );
  if (response.status !== 201)
    throw new Error(`adding a therapist answered ${response.status}: ${response.text}`);
  return response.body.therapist.therapistId;
}

/** Enrols a dyad (online, English) with the therapist as the lead; fails loudly unless it is a 201. */
export async function enrolDyad(
  http: Http,
  siteId: string,
  therapistId: string,
  options: { interpreter?: boolean } = {},
): Promise<EnrolledDyad> {
  const response = await http.post<{ dyad: { dyadId: string }; links: Partial<Record<Role, string>> }>(
    `/api/v1/sites/${siteId}/dyads`,
    { therapistId, modality: 'online', interpreter: options.interpreter ?? false, language: 'en' },
    { as: 'lead' },
  );
  if (response.status !== 201) throw new Error(`enrolling answered ${response.status}: ${response.text}`);
  const links: Partial<Record<Role, string>> = {};
  for (const [role, url] of Object.entries(response.body.links))
    if (url) links[role as Role] = new URL(url).pathname;
  return { siteId, therapistId, dyadId: response.body.dyad.dyadId, links };
}

/** The link path of a role, failing when the dyad has none. */
export function linkOf(dyad: EnrolledDyad, role: Role): string {
  const link = dyad.links[role];
  if (!link) throw new Error(`dyad ${dyad.dyadId} has no ${role} link`);
  return link;
}
