import type { Answers, Role } from './instruments/schema.ts';
import type { Site, Study } from './study/schema.ts';

// Ports: what the domain needs from storage, in the study's language. Each has a DynamoDB or S3
// adapter and an in-memory one; one contract suite (test/contracts/) runs against every adapter.

export type Modality = 'in_person' | 'online' | 'mixed';
export type DyadStatus = 'active' | 'ended' | 'withdrawn';

export interface Therapist {
  siteId: string;
  therapistId: string;
  enrolledOn: string;
  status: 'active' | 'withdrawn';
  /** SHA-256 of the therapist's current link token (therapist-level instruments). */
  linkHash?: string;
  /** Copy of the consent version last agreed to (see TandemStore.noteConsentVersion). */
  consentVersions?: ConsentVersions;
}

export interface Dyad {
  siteId: string;
  dyadId: string;
  therapistId: string;
  modality: Modality;
  interpreter: boolean;
  language: string;
  enrolledOn: string;
  status: DyadStatus;
  lastSession?: number;
  /** Highest session any member has reported; kept up to date on each submission. */
  currentSession: number;
  /** When each session was first reported (ISO date), for overdue. */
  sessionDates: Record<string, string>;
  /** SHA-256 of each role's current link token. A link whose hash is not here no longer works. */
  linkHashes: Partial<Record<Role, string>>;
  /** Safety follow-ups of the dyad, open and closed, oldest first; absent when none was ever opened. */
  safetyFollowUps?: SafetyFollowUp[];
  /** Copy of the consent version each role last agreed to (see TandemStore.noteConsentVersion). */
  consentVersions?: ConsentVersions;
}

/**
 * A safety follow-up (DESIGN §6): the role and the day a safety flag fired, never an answer. It stays
 * open until a coordinator of the site or the lead closes it, and outlives the dyad's withdrawal.
 */
export interface SafetyFollowUp {
  /** `{role}-{session}`: one per role and session, so a retried submission never opens a second. */
  id: string;
  role: Role;
  /** The site's date the flag fired. */
  openedOn: string;
  /** When and by whom (a staff subject) it was closed; both absent while it is open. */
  closedAt?: string;
  closedBy?: string;
}

/** The id of the follow-up a safety flag at this role and session opens. */
export const safetyFollowUpId = (role: Role, session: number): string => `${role}-${session}`;

/**
 * The consent version each role of an owner agreed to, copied onto the dyad or therapist item so
 * that opening a link needs no query of the consents. The consent items stay the record: a copy
 * may be missing (items written before copies existed, a crash between the two writes), never ahead.
 */
export type ConsentVersions = Partial<Record<Role, number>>;

/** A dyad's or a therapist's item: the owner of consents and responses. */
export type OwnerRef = { siteId: string; dyadId: string } | { siteId: string; therapistId: string };

/** What one submission tells its dyad (TandemStore.noteSession). */
export interface SessionNote {
  session: number;
  /** The day the session was reported: becomes `sessionDates[session]` unless that is set. */
  date: string;
  /** Raise `currentSession` to `session` where it is lower; false when the caller knows it is not. */
  raise: boolean;
  /** A safety flag fired: opens this follow-up unless one with its id exists (open or closed). */
  safetyFollowUp?: Pick<SafetyFollowUp, 'id' | 'role' | 'openedOn'>;
}

/** Coordinator changes to an existing dyad (TandemStore.updateDyad); a field left out is left alone. */
export interface DyadChanges {
  /** New link hashes of these roles; other roles keep theirs. */
  linkHashes?: Partial<Record<Role, string>>;
  status?: DyadStatus;
  lastSession?: number;
}

/** Who a link belongs to. */
export type LinkOwner =
  | { kind: 'dyad'; siteId: string; dyadId: string; therapistId: string; role: Role }
  | { kind: 'therapist'; siteId: string; therapistId: string; role: 'therapist' };

export interface Link {
  tokenHash: string;
  owner: LinkOwner;
  language: string;
  createdAt: string;
  /** Kept after withdrawal so the link answers 410 instead of 404. */
  withdrawn?: boolean;
}

export interface Consent {
  /** `DYAD#{dyadId}` or `THER#{therapistId}`. */
  ownerKey: string;
  role: Role;
  version: number;
  language: string;
  consentedOn: string;
}

export interface StoredResponse {
  responseId: string;
  ownerKey: string;
  siteId: string;
  therapistId: string;
  dyadId: string | null;
  role: Role;
  session: number;
  instrument: string;
  answers: Answers;
  submittedOn: string;
  language: string;
  /** Receipt handed to the participant; the same answers again return the same receipt. */
  receipt: string;
}

export interface ReleaseRecord {
  releaseId: string;
  createdAt: string;
  studyId: string;
  files: number;
  inputs: { dyads: number; responses: number; skipped: number };
}

export interface AuditEvent {
  at: string;
  id: string;
  actor: string;
  action: string;
  siteId?: string;
  target?: string;
  detail?: Record<string, string | number | boolean>;
}

export type PutResult<T> = { outcome: 'created' } | { outcome: 'exists'; existing: T };

/** The one DynamoDB table, seen from the domain. */
export interface TandemStore {
  // study
  putStudy(study: Study): Promise<void>;
  getStudy(): Promise<Study | undefined>;

  // sites, therapists, dyads
  putSite(site: Site): Promise<void>;
  listSites(): Promise<Site[]>;
  /** Reserves a pseudonymous code study-wide; false when it is taken. */
  reserveCode(code: string): Promise<boolean>;
  putTherapist(therapist: Therapist): Promise<void>;
  getTherapist(siteId: string, therapistId: string): Promise<Therapist | undefined>;
  listTherapists(siteId: string): Promise<Therapist[]>;
  /** Writes a whole dyad: for creating one; change an existing dyad with updateDyad. */
  putDyad(dyad: Dyad): Promise<void>;
  /**
   * Sets only the given fields of an existing dyad in one update, so a session noted meanwhile
   * (noteSession) is kept; NotFoundError for an unknown dyad.
   */
  updateDyad(siteId: string, dyadId: string, changes: DyadChanges): Promise<void>;
  getDyad(siteId: string, dyadId: string): Promise<Dyad | undefined>;
  listDyads(siteId: string): Promise<Dyad[]>;

  // links and consent
  putLink(link: Link): Promise<void>;
  getLink(tokenHash: string): Promise<Link | undefined>;
  putConsent(consent: Consent): Promise<void>;
  listConsents(ownerKey: string): Promise<Consent[]>;
  /**
   * Sets (or, with undefined, removes) the copy of a role's consent version on its owner's item,
   * in one update that leaves every other field alone; nothing when the owner does not exist.
   */
  noteConsentVersion(owner: OwnerRef, role: Role, version: number | undefined): Promise<void>;
  /**
   * Closes a dyad's open safety follow-up in one conditional update; false when the dyad has no
   * such follow-up or it is already closed (the store is left as it was).
   */
  closeSafetyFollowUp(
    siteId: string,
    dyadId: string,
    followUpId: string,
    closure: { closedAt: string; closedBy: string },
  ): Promise<boolean>;
  /**
   * Applies a submission's note to a dyad without reading it: one conditional update (two when
   * another member raised the session meanwhile), other fields untouched; nothing for an unknown dyad.
   */
  noteSession(siteId: string, dyadId: string, note: SessionNote): Promise<void>;

  // responses
  /** Conditional put on the natural key (owner, role, session, instrument). */
  putResponse(response: StoredResponse): Promise<PutResult<StoredResponse>>;
  listResponses(ownerKey: string): Promise<StoredResponse[]>;
  /** Every response of a site, through the GSI. */
  listSiteResponses(siteId: string): Promise<StoredResponse[]>;
  deleteResponse(
    response: Pick<StoredResponse, 'ownerKey' | 'role' | 'session' | 'instrument'>,
  ): Promise<void>;
  deleteConsent(consent: Pick<Consent, 'ownerKey' | 'role' | 'version'>): Promise<void>;

  // releases and audit
  putRelease(release: ReleaseRecord): Promise<void>;
  listReleases(): Promise<ReleaseRecord[]>;
  putAudit(event: AuditEvent): Promise<void>;
  listAudit(fromDate: string, toDate: string): Promise<AuditEvent[]>;

  // failed participant-link attempts, for rate limiting; items expire through the TTL attribute `expiresAt`
  /** Records one unknown-token attempt from a source (a hash of its address) in a time window. */
  recordLinkFailure(source: string, window: string, expiresAtSeconds: number): Promise<void>;
  /** Unknown-token attempts recorded for a source in a window, counted up to `limit`. */
  countLinkFailures(source: string, window: string, limit: number): Promise<number>;
}

/** The release bucket, seen from the domain. */
export interface ReleaseBucket {
  put(key: string, body: Uint8Array | string, contentType: string): Promise<void>;
  get(key: string): Promise<Uint8Array | undefined>;
  list(prefix: string): Promise<string[]>;
  delete(keys: string[]): Promise<void>;
  /** A presigned GET URL valid for `expiresInSeconds`. */
  presignGet(key: string, expiresInSeconds: number, downloadName?: string): Promise<string>;
}

/** Key of the item group that holds a dyad's or a therapist's consents and responses. */
export const ownerKeyOf = (owner: { dyadId: string } | { therapistId: string }): string =>
  'dyadId' in owner ? `DYAD#${owner.dyadId}` : `THER#${owner.therapistId}`;
