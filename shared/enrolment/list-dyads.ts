import type { Role } from '../instruments/schema.ts';
import { type AnsweredKey, type DueAdministration, dueFor } from '../participation/due.ts';
import { type Dyad, ownerKeyOf, type SafetyFollowUp, type StoredResponse } from '../ports.ts';
import type { Study } from '../study/schema.ts';
import { currentStudy, dyadRoles, type EnrolmentDeps, requireDyad, siteOf } from './deps.ts';

/** What is due for one role of a dyad: completion status only. */
export interface RoleDue {
  items: DueAdministration[];
  overdue: number;
}

/** A dyad as the API shows it: no link hashes, no answers; what each role owes now. */
export interface DyadView {
  siteId: string;
  dyadId: string;
  therapistId: string;
  modality: Dyad['modality'];
  interpreter: boolean;
  language: string;
  enrolledOn: string;
  status: Dyad['status'];
  lastSession?: number;
  currentSession: number;
  /** Safety follow-ups, open and closed, oldest first (DESIGN §6); never an answer. */
  safetyFollowUps: SafetyFollowUp[];
  due: Partial<Record<Role, RoleDue>>;
}

/** The natural keys of responses, all that due and completion need: answers are dropped here. */
export function answeredKeys(responses: readonly StoredResponse[]): Map<string, AnsweredKey[]> {
  const byOwner = new Map<string, AnsweredKey[]>();
  for (const { ownerKey, role, session, instrument } of responses) {
    const keys = byOwner.get(ownerKey) ?? [];
    keys.push({ role, session, instrument });
    byOwner.set(ownerKey, keys);
  }
  return byOwner;
}

/** What each of the dyad's roles owes at `now`. */
export function dyadDue(
  study: Study,
  dyad: Dyad,
  answered: readonly AnsweredKey[],
  now: Date,
): Partial<Record<Role, RoleDue>> {
  const due: Partial<Record<Role, RoleDue>> = {};
  for (const role of dyadRoles(dyad)) {
    const items = dueFor(study, { dyad, role }, answered, now);
    due[role] = { items, overdue: items.filter((item) => item.overdue).length };
  }
  return due;
}

/** The API's view of a dyad, with what is due when it is known. */
export function dyadView(dyad: Dyad, due: Partial<Record<Role, RoleDue>> = {}): DyadView {
  const view: DyadView = {
    siteId: dyad.siteId,
    dyadId: dyad.dyadId,
    therapistId: dyad.therapistId,
    modality: dyad.modality,
    interpreter: dyad.interpreter,
    language: dyad.language,
    enrolledOn: dyad.enrolledOn,
    status: dyad.status,
    currentSession: dyad.currentSession,
    safetyFollowUps: dyad.safetyFollowUps ?? [],
    due,
  };
  if (dyad.lastSession !== undefined) view.lastSession = dyad.lastSession;
  return view;
}

/** The site's dyads by code, each with its current session and what each role owes. */
export async function listDyads(deps: EnrolmentDeps, siteId: string): Promise<DyadView[]> {
  const [study, dyads, responses] = await Promise.all([
    currentStudy(deps.store),
    deps.store.listDyads(siteId),
    deps.store.listSiteResponses(siteId),
  ]);
  siteOf(study, siteId);
  const answered = answeredKeys(responses);
  const now = deps.clock();
  return dyads.map((dyad) => dyadView(dyad, dyadDue(study, dyad, answered.get(ownerKeyOf(dyad)) ?? [], now)));
}

/** One dyad with its current session and what each role owes; 404 when the site has no such dyad. */
export async function getDyad(
  deps: EnrolmentDeps,
  input: { siteId: string; dyadId: string },
): Promise<DyadView> {
  const [study, dyad] = await Promise.all([
    currentStudy(deps.store),
    requireDyad(deps.store, input.siteId, input.dyadId),
  ]);
  const answered = answeredKeys(await deps.store.listResponses(ownerKeyOf(dyad)));
  return dyadView(dyad, dyadDue(study, dyad, answered.get(ownerKeyOf(dyad)) ?? [], deps.clock()));
}
