import { createHash } from 'node:crypto';
import { type ExportResponse, type GeneratedStudy, generateStudy } from '../../analysis/demo/generate.ts';
import {
  type DyadLinks,
  type EnrolmentDeps,
  issueDyadLinks,
  issueLink,
} from '../../shared/enrolment/deps.ts';
import { rotateLink } from '../../shared/enrolment/rotate-link.ts';
import { CODE_ALPHABET } from '../../shared/ids.ts';
import type { Role } from '../../shared/instruments/schema.ts';
import {
  type DueAdministration,
  dueFor,
  type SessionChoices,
  sessionChoices,
} from '../../shared/participation/due.ts';
import { type Dyad, ownerKeyOf, type StoredResponse, type TandemStore } from '../../shared/ports.ts';
import { Study, type StudyInput } from '../../shared/study/schema.ts';

/** A study with its people and answers, as the generator (analysis/demo/generate.ts) draws one. */
export type DemoData = Pick<GeneratedStudy, 'dyads' | 'responses'> & {
  study: StudyInput;
  therapists?: GeneratedStudy['therapists'];
};

export interface SeedDeps {
  store: TandemStore;
  log: (line: string) => void;
  clock?: () => Date;
  publicUrl?: string;
}

/** The receipt a participant would have been handed for a stored response, in the `R-XXXXXXXX` form of submissions. */
export function receiptOf(responseId: string): string {
  const bytes = createHash('sha256').update(`receipt:${responseId}`).digest();
  let receipt = 'R-';
  for (let i = 0; i < 8; i++) receipt += CODE_ALPHABET[(bytes[i] ?? 0) % CODE_ALPHABET.length];
  return receipt;
}

/** Runs `work` over `items`, `width` at a time. */
async function inBatches<T>(items: readonly T[], width: number, work: (item: T) => Promise<unknown>) {
  for (let i = 0; i < items.length; i += width) await Promise.all(items.slice(i, i + width).map(work));
}

/**
 * Writes a study and its people into the store as enrolment and submission would have: sites,
 * therapists and dyads under reserved codes, links stored only as hashes of fresh tokens (the
 * tokens are dropped), consents, and responses with receipts. The study definition goes last, so a
 * start that was interrupted half-way seeds again.
 */
export async function storeDemoData(deps: SeedDeps, data: DemoData): Promise<void> {
  const study = Study.parse(data.study);
  const { store } = deps;
  const enrolment: EnrolmentDeps = {
    store,
    clock: deps.clock ?? (() => new Date()),
    publicUrl: deps.publicUrl ?? 'http://localhost',
  };
  await inBatches(study.sites, 8, (site) => store.putSite(site));

  // Therapists as the generator lists them; any other therapist a dyad names joins with the dyad.
  const therapists = new Map(data.therapists?.map((therapist) => [therapist.therapistId, therapist]));
  for (const dyad of data.dyads) {
    if (therapists.has(dyad.therapistId)) continue;
    therapists.set(dyad.therapistId, {
      siteId: dyad.siteId,
      therapistId: dyad.therapistId,
      enrolledOn: dyad.enrolledOn,
      status: 'active',
    });
  }
  await inBatches([...therapists.values()], 16, async (therapist) => {
    await store.reserveCode(therapist.therapistId);
    const link = await issueLink(
      enrolment,
      { kind: 'therapist', siteId: therapist.siteId, therapistId: therapist.therapistId, role: 'therapist' },
      study.defaultLanguage,
    );
    await store.putTherapist({ ...therapist, linkHash: link.tokenHash });
  });

  // A withdrawn client's answers were deleted with the withdrawal (DESIGN §4): none are stored.
  const withdrawn = new Set(
    data.dyads.filter((dyad) => dyad.status === 'withdrawn').map((dyad) => dyad.dyadId),
  );
  const kept = data.responses.filter(
    (response) => response.dyadId === null || !withdrawn.has(response.dyadId),
  );
  const byOwner = new Map<string, ExportResponse[]>();
  for (const response of kept) {
    const key =
      response.dyadId === null
        ? ownerKeyOf({ therapistId: response.therapistId })
        : ownerKeyOf({ dyadId: response.dyadId });
    byOwner.set(key, [...(byOwner.get(key) ?? []), response]);
  }
  const consentVersion = Math.max(...study.consent.map((consent) => consent.version));

  await inBatches(data.dyads, 16, async (dyad) => {
    await store.reserveCode(dyad.dyadId);
    const responses = byOwner.get(ownerKeyOf(dyad)) ?? [];
    const sessionDates: Record<string, string> = {};
    for (const response of responses) {
      const day = response.submittedOn.slice(0, 10);
      const key = String(response.session);
      if (sessionDates[key] === undefined || day < sessionDates[key]) sessionDates[key] = day;
    }
    const { linkHashes } = await issueDyadLinks(enrolment, dyad);
    if (dyad.status === 'withdrawn') {
      // Links of a withdrawn dyad are tombstones that answer 410.
      for (const tokenHash of Object.values(linkHashes)) {
        const link = await store.getLink(tokenHash);
        if (link) await store.putLink({ ...link, withdrawn: true });
      }
    }
    await store.putDyad({
      ...dyad,
      currentSession: Math.max(0, ...responses.map((response) => response.session)),
      sessionDates,
      linkHashes,
    });
  });

  // Consents before responses: nobody answers before consenting.
  const consents = new Map<string, { ownerKey: string; role: Role; language: string; consentedOn: string }>();
  for (const [ownerKey, responses] of byOwner) {
    for (const response of responses) {
      const key = `${ownerKey}|${response.role}`;
      const day = response.submittedOn.slice(0, 10);
      const known = consents.get(key);
      if (!known || day < known.consentedOn) {
        consents.set(key, { ownerKey, role: response.role, language: response.language, consentedOn: day });
      }
    }
  }
  await inBatches([...consents.values()], 32, (consent) =>
    store.putConsent({ ...consent, version: consentVersion }),
  );

  await inBatches(kept, 32, (response) => {
    const stored: StoredResponse = {
      ...response,
      ownerKey:
        response.dyadId === null
          ? ownerKeyOf({ therapistId: response.therapistId })
          : ownerKeyOf({ dyadId: response.dyadId }),
      receipt: receiptOf(response.responseId),
    };
    return store.putResponse(stored);
  });
  await store.putStudy(study);
}

/**
 * At 60 dyads the sample statistics swing widely between seeds (pooled alliance–outcome r from −.16
 * to .59 over seeds 1–30); seed 3 is one whose release looks like the population the generator
 * models (alpha .91, agreement r .40, pooled r .22), so a newcomer's first release reads sensibly.
 */
export const DEMO_SEED = 3;

/** The demo study of `tandem dev`: the synthetic study of DESIGN §10 with 3 sites and 60 dyads. */
export function demoData(): DemoData {
  return generateStudy({ sites: 3, dyads: 60, seed: DEMO_SEED });
}

/**
 * Seeds the store when it holds no study yet: the given study definition alone (tests enrol their
 * own dyads), or the whole demo study. Returns whether it seeded.
 */
export async function seedDemo(deps: SeedDeps, options: { study?: StudyInput } = {}): Promise<boolean> {
  if (await deps.store.getStudy()) return false;
  if (options.study !== undefined) {
    await storeDemoData(deps, { study: options.study, dyads: [], responses: [] });
    return true;
  }
  deps.log('First start: seeding the demo study …');
  const data = demoData();
  await storeDemoData(deps, data);
  deps.log(
    `Seeded ${data.dyads.length} dyads, ${data.responses.length} responses, ${Study.parse(data.study).sites.length} sites.`,
  );
  return true;
}

export interface RotatedDemo {
  dyad: Dyad;
  links: DyadLinks;
  /** What the client owes now. */
  due: DueAdministration[];
  /** What the client's session question offers: the same function the participant page uses. */
  choices: SessionChoices;
}

/**
 * Gives one active demo dyad whose client has a questionnaire due new links (the old ones stop
 * working), so `tandem dev` can print working links: tokens are never stored, so they cannot be
 * shown again otherwise. Prefers the dyad with the most recent session due.
 */
export async function rotateDemoLinks(deps: EnrolmentDeps): Promise<RotatedDemo | undefined> {
  const study = await deps.store.getStudy();
  if (!study) return undefined;
  // Best: something due at the dyad's current session (what a client would answer today), then the latest.
  const rank = (dyad: Dyad, due: DueAdministration[]) =>
    due.length === 0
      ? 0
      : (due.some((item) => item.session === dyad.currentSession) ? 1e6 : 0) + dyad.currentSession;
  let best: { dyad: Dyad; due: DueAdministration[]; choices: SessionChoices; rank: number } | undefined;
  for (const site of study.sites) {
    for (const dyad of await deps.store.listDyads(site.siteId)) {
      if (dyad.status !== 'active') continue;
      const answered = await deps.store.listResponses(ownerKeyOf(dyad));
      const due = dueFor(study, { dyad, role: 'client' }, answered, deps.clock());
      const score = rank(dyad, due);
      if (!best || score > best.rank) {
        const choices = sessionChoices(study, { dyad, role: 'client' }, answered, deps.clock());
        best = { dyad, due, choices, rank: score };
      }
    }
  }
  if (!best) return undefined;
  const actor = 'tandem-dev';
  const roles: Role[] = best.dyad.interpreter
    ? ['client', 'therapist', 'interpreter']
    : ['client', 'therapist'];
  const issued: Partial<Record<Role, { url: string; token: string }>> = {};
  for (const role of roles) {
    const { link } = await rotateLink(deps, {
      actor,
      siteId: best.dyad.siteId,
      dyadId: best.dyad.dyadId,
      role,
    });
    issued[role] = link;
  }
  const links: DyadLinks = { client: issued.client!, therapist: issued.therapist! };
  if (issued.interpreter) links.interpreter = issued.interpreter;
  const dyad = (await deps.store.getDyad(best.dyad.siteId, best.dyad.dyadId)) ?? best.dyad;
  return { dyad, links, due: best.due, choices: best.choices };
}
