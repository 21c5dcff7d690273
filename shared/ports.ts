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
  /** The day the dyad's therapist withdrew: their link in this dyad answers 410 and keeps nothing. */
  therapistWithdrawn?: string;
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

/** What one submission tells its dyad (TandemStore.noteSubmission). */
export interface SessionNote {
  /** Becomes the dyad's current session where that is lower (currentSession is the highest dated session). */
  session: number;
  /** The day the session was reported: becomes `sessionDates[session]` unless that is set. */
  date: string;
  /** A safety flag fired: opens this follow-up unless one with its id exists (open or closed). */
  safetyFollowUp?: Pick<SafetyFollowUp, 'id' | 'role' | 'openedOn'>;
}

/** The link a submission came through: it must still be its role's current link when the submission ends. */
export interface SubmittedThrough {
  role: Role;
  /** SHA-256 of the link's token. */
  linkHash: string;
}

/** Coordinator changes to an existing dyad (TandemStore.updateDyad); a field left out is left alone. */
export interface DyadChanges {
  /** New link hashes of these roles; other roles keep theirs. */
  linkHashes?: Partial<Record<Role, string>>;
  status?: DyadStatus;
  lastSession?: number;
  /** The day the dyad's therapist withdrew (Dyad.therapistWithdrawn). */
  therapistWithdrawn?: string;
  /** A role whose link stops working without a new one (an interpreter who withdrew). */
  retireLink?: Role;
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
  /** Receipt handed to the participant; a repeat of the same submission returns the same receipt. */
  receipt: string;
  /** The questionnaire page's submission id (DESIGN §5), when the submission carried one. */
  submissionId?: string;
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

/** A conditional put: written, refused for the item there, or refused for an item deleted before it could be read (a withdrawal). */
export type PutResult<T> =
  | { outcome: 'created' }
  | { outcome: 'exists'; existing: T }
  | { outcome: 'vanished' };

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
   * (noteSubmission) is kept; NotFoundError for an unknown dyad.
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
   * Ends a submission (DESIGN §4) with one conditional update of its owner's item, without reading
   * it: on a dyad it notes the session (`note`), on a therapist it changes nothing; other fields are
   * untouched. It holds only while the owner is not withdrawn and the link is still the role's
   * current one (and, for a dyad's therapist, that therapist has not withdrawn): false otherwise,
   * or for an unknown owner, and then nothing is written.
   */
  noteSubmission(owner: OwnerRef, through: SubmittedThrough, note?: SessionNote): Promise<boolean>;

  // responses
  /** Conditional put on the natural key (owner, role, session, instrument); on refusal, one read of the response there. */
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

  // rate limits; counter items expire through the TTL attribute `expiresAt`
  /**
   * Counts one attempt on a counter (a key such as `ATTEMPT#{keyed hash}#{window}`) in one
   * conditional update: true when counted, false once `limit` attempts were counted. Simultaneous
   * attempts are counted exactly: never more than `limit` get true.
   */
  countAttempt(counter: string, limit: number, expiresAtSeconds: number): Promise<boolean>;
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
