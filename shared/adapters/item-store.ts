import { NotFoundError, ValidationError } from '../errors.ts';
import type { Role } from '../instruments/schema.ts';
import type {
  AuditEvent,
  Consent,
  Dyad,
  DyadChanges,
  Link,
  OwnerRef,
  PutResult,
  ReleaseRecord,
  SafetyFollowUp,
  SessionNote,
  StoredResponse,
  SubmittedThrough,
  TandemStore,
  Therapist,
} from '../ports.ts';
import type { Site, Study } from '../study/schema.ts';

// The single-table layout of DESIGN §4 "Storage", written once. The DynamoDB adapter and the
// in-memory one differ only in the ItemTable beneath, so both store and read the same items.

/** Attributes that belong to the table layout, never to the domain object. */
const KEY_ATTRIBUTES = ['pk', 'sk', 'gsi1pk', 'gsi1sk'] as const;

export interface ItemKey {
  pk: string;
  sk: string;
}

/** A stored item: the domain object's fields plus the table's key attributes. */
export type Item = ItemKey & { gsi1pk?: string; gsi1sk?: string } & Record<string, unknown>;

export interface ItemQuery {
  /** Partition key on the table, or gsi1pk when `index` is `gsi1`. */
  pk: string;
  index?: 'gsi1';
  skPrefix?: string;
  /** Newest (highest sort key) first. */
  descending?: boolean;
  limit?: number;
}

/** A top-level attribute, or one entry of a map attribute. */
export type ItemPath = readonly [attribute: string] | readonly [map: string, entry: string];

/**
 * Changes to one existing item, applied together or not at all. Setting a map entry needs the
 * map to exist (DynamoDB refuses the path otherwise); `ifAbsent` keeps a value already there.
 */
export interface ItemUpdate {
  set?: ReadonlyArray<{ path: ItemPath; value: unknown; ifAbsent?: boolean }>;
  remove?: readonly ItemPath[];
  /**
   * Conditions besides the item's existence; a missing attribute is never less than anything,
   * never equal to anything and always unequal. With neither `set` nor `remove`, the update only
   * checks them (it changes nothing).
   */
  when?: ReadonlyArray<ItemCondition>;
}

/** One condition of an ItemUpdate. */
export type ItemCondition =
  | { path: ItemPath; exists: boolean }
  | { path: ItemPath; lessThan: number }
  | { path: ItemPath; equals: string }
  | { path: ItemPath; notEquals: string };

/** Whether a condition holds for the value at its path (undefined when missing): the one reading of ItemCondition. */
export function conditionHolds(condition: ItemCondition, current: unknown): boolean {
  if ('lessThan' in condition) return typeof current === 'number' && current < condition.lessThan;
  if ('equals' in condition) return current === condition.equals;
  if ('notEquals' in condition) return current !== condition.notEquals;
  return (current !== undefined) === condition.exists;
}

/** What the store needs from a table: single-item writes and key-ordered queries. */
export interface ItemTable {
  /** Writes the item; with `ifAbsent`, returns false instead when an item with that key exists. */
  put(item: Item, options?: { ifAbsent?: boolean }): Promise<boolean>;
  /** Updates an existing item in place; false when it does not exist or a condition fails. */
  update(key: ItemKey, update: ItemUpdate): Promise<boolean>;
  get(key: ItemKey): Promise<Item | undefined>;
  delete(key: ItemKey): Promise<void>;
  /** Every matching item in sort-key order (all pages), up to `limit`. */
  query(query: ItemQuery): Promise<Item[]>;
  /**
   * Adds 1 to the item's `count` in one conditional write, creating the item (with `expiresAt`)
   * when absent, unless `count` has reached `limit`: true when counted. Simultaneous calls count
   * exactly up to `limit`.
   */
  increment(key: ItemKey, options: { limit: number; expiresAtSeconds: number }): Promise<boolean>;
}

/** Largest audit range one listAudit call reads (one query per day). */
export const MAX_AUDIT_DAYS = 366;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;
/** Parallel day queries in listAudit: enough to hide latency, few enough not to throttle. */
const AUDIT_CONCURRENCY = 16;

// Study versions are zero-padded so that the sort key orders them numerically (v10 after v9).
const studySk = (version: number): string => `META#v${String(version).padStart(6, '0')}`;
const consentSk = (role: string, version: number): string => `CONSENT#${role}#v${version}`;
const responseSk = (r: Pick<StoredResponse, 'role' | 'session' | 'instrument'>): string =>
  `RESP#${r.role}#${String(r.session).padStart(3, '0')}#${r.instrument}`;
const SITES_INDEX_PK = 'SITES';

/** Key of the item of a dyad or a therapist. */
const ownerItemKey = (owner: OwnerRef): ItemKey => ({
  pk: `SITE#${owner.siteId}`,
  sk: 'dyadId' in owner ? `DYAD#${owner.dyadId}` : `THER#${owner.therapistId}`,
});

/** Key of a response item from its natural key (owner, role, session, instrument). */
export const responseKey = (
  r: Pick<StoredResponse, 'ownerKey' | 'role' | 'session' | 'instrument'>,
): ItemKey => ({ pk: r.ownerKey, sk: responseSk(r) });

// A dyad's safety follow-ups are top-level attributes of its item, one per follow-up, so a
// submission opens one with `if_not_exists` in the update that ends it, and a close is one
// conditional update, on items written before follow-ups existed too (no map to create first).
const FOLLOW_UP_PREFIX = 'followUp#';
const followUpAttribute = (id: string): string => `${FOLLOW_UP_PREFIX}${id}`;

/**
 * A dyad from its item. Its current session is the highest session it has dated: a submission
 * dates its session in the one update it makes (noteSubmission), which cannot also take a maximum.
 * The follow-up attributes are gathered into `safetyFollowUps`, oldest first.
 */
function dyadOf(item: Item): Dyad {
  const fields = domainOf<Record<string, unknown>>(item);
  const followUps: SafetyFollowUp[] = [];
  for (const [name, value] of Object.entries(fields)) {
    if (!name.startsWith(FOLLOW_UP_PREFIX)) continue;
    followUps.push(value as SafetyFollowUp);
    delete fields[name];
  }
  const dyad = fields as unknown as Dyad;
  if (followUps.length > 0)
    dyad.safetyFollowUps = followUps.sort(
      (a, b) => a.openedOn.localeCompare(b.openedOn) || a.id.localeCompare(b.id),
    );
  let current = dyad.currentSession ?? 0;
  for (const session of Object.keys(dyad.sessionDates ?? {})) current = Math.max(current, Number(session));
  return { ...dyad, currentSession: current };
}

/** The domain object of an item: the item without its key attributes. */
function domainOf<T>(item: Item): T {
  const copy: Record<string, unknown> = { ...item };
  for (const attribute of KEY_ATTRIBUTES) delete copy[attribute];
  return copy as T;
}

/** An item from a domain object; drops undefined fields (DynamoDB cannot store them). */
function itemOf(key: ItemKey & { gsi1pk?: string; gsi1sk?: string }, value: object): Item {
  const item: Item = { ...key };
  for (const [name, field] of Object.entries(value)) if (field !== undefined) item[name] = field;
  return item;
}

/** A real calendar day as `YYYY-MM-DD` (rejects 2027-02-30, which Date would roll over). */
function isIsoDate(value: string): boolean {
  const ms = Date.parse(`${value}T00:00:00Z`);
  return ISO_DATE.test(value) && !Number.isNaN(ms) && new Date(ms).toISOString().startsWith(value);
}

/** The days from `fromDate` to `toDate` inclusive, validated and capped at MAX_AUDIT_DAYS. */
export function auditDays(fromDate: string, toDate: string): string[] {
  const details = [
    { path: 'from', value: fromDate },
    { path: 'to', value: toDate },
  ]
    .filter(({ value }) => !isIsoDate(value))
    .map(({ path, value }) => ({ path, message: 'expected an ISO date YYYY-MM-DD', received: value }));
  if (details.length > 0) throw new ValidationError('invalid audit date range', { details });
  const from = Date.parse(`${fromDate}T00:00:00Z`);
  const to = Date.parse(`${toDate}T00:00:00Z`);
  if (to < from) {
    throw new ValidationError('the audit range ends before it starts', {
      details: [{ path: 'to', message: `must not be before ${fromDate}`, received: toDate }],
    });
  }
  const count = (to - from) / DAY_MS + 1;
  if (count > MAX_AUDIT_DAYS) {
    throw new ValidationError(`the audit range is longer than ${MAX_AUDIT_DAYS} days`, {
      details: [{ path: 'to', message: `must be within ${MAX_AUDIT_DAYS} days of from`, received: toDate }],
    });
  }
  return Array.from({ length: count }, (_, i) => new Date(from + i * DAY_MS).toISOString().slice(0, 10));
}

/** TandemStore over any ItemTable, with the keys of DESIGN §4. */
export class ItemTandemStore implements TandemStore {
  constructor(protected readonly table: ItemTable) {}

  async putStudy(study: Study): Promise<void> {
    await this.table.put(itemOf({ pk: 'STUDY', sk: studySk(study.version) }, study));
  }

  async getStudy(): Promise<Study | undefined> {
    const [latest] = await this.table.query({ pk: 'STUDY', skPrefix: 'META#v', descending: true, limit: 1 });
    return latest && domainOf<Study>(latest);
  }

  async putSite(site: Site): Promise<void> {
    const pk = `SITE#${site.siteId}`;
    // Sites sit under one GSI partition so listing them needs no Scan.
    await this.table.put(itemOf({ pk, sk: 'META', gsi1pk: SITES_INDEX_PK, gsi1sk: pk }, site));
  }

  async listSites(): Promise<Site[]> {
    const items = await this.table.query({ pk: SITES_INDEX_PK, index: 'gsi1' });
    return items.map((item) => domainOf<Site>(item));
  }

  reserveCode(code: string): Promise<boolean> {
    return this.table.put({ pk: `CODE#${code}`, sk: 'CODE' }, { ifAbsent: true });
  }

  async putTherapist(therapist: Therapist): Promise<void> {
    await this.table.put(
      itemOf({ pk: `SITE#${therapist.siteId}`, sk: `THER#${therapist.therapistId}` }, therapist),
    );
  }

  async getTherapist(siteId: string, therapistId: string): Promise<Therapist | undefined> {
    const item = await this.table.get({ pk: `SITE#${siteId}`, sk: `THER#${therapistId}` });
    return item && domainOf<Therapist>(item);
  }

  async listTherapists(siteId: string): Promise<Therapist[]> {
    const items = await this.table.query({ pk: `SITE#${siteId}`, skPrefix: 'THER#' });
    return items.map((item) => domainOf<Therapist>(item));
  }

  async putDyad(dyad: Dyad): Promise<void> {
    const { safetyFollowUps = [], ...rest } = dyad;
    const item = itemOf({ pk: `SITE#${dyad.siteId}`, sk: `DYAD#${dyad.dyadId}` }, rest);
    for (const followUp of safetyFollowUps) item[followUpAttribute(followUp.id)] = { ...followUp };
    await this.table.put(item);
  }

  async updateDyad(siteId: string, dyadId: string, changes: DyadChanges): Promise<void> {
    const set: Array<{ path: ItemPath; value: unknown }> = [];
    for (const [role, hash] of Object.entries(changes.linkHashes ?? {}))
      if (hash !== undefined) set.push({ path: ['linkHashes', role], value: hash });
    if (changes.status !== undefined) set.push({ path: ['status'], value: changes.status });
    if (changes.lastSession !== undefined) set.push({ path: ['lastSession'], value: changes.lastSession });
    if (changes.therapistWithdrawn !== undefined)
      set.push({ path: ['therapistWithdrawn'], value: changes.therapistWithdrawn });
    const remove: ItemPath[] = changes.retireLink === undefined ? [] : [['linkHashes', changes.retireLink]];
    const key = ownerItemKey({ siteId, dyadId });
    const done = await this.table.update(key, { set, remove });
    if (!done) throw new NotFoundError(`There is no dyad ${dyadId} at site ${siteId}.`);
  }

  async getDyad(siteId: string, dyadId: string): Promise<Dyad | undefined> {
    const item = await this.table.get({ pk: `SITE#${siteId}`, sk: `DYAD#${dyadId}` });
    return item && dyadOf(item);
  }

  async listDyads(siteId: string): Promise<Dyad[]> {
    const items = await this.table.query({ pk: `SITE#${siteId}`, skPrefix: 'DYAD#' });
    return items.map(dyadOf);
  }

  closeSafetyFollowUp(
    siteId: string,
    dyadId: string,
    followUpId: string,
    closure: { closedAt: string; closedBy: string },
  ): Promise<boolean> {
    const attribute = followUpAttribute(followUpId);
    return this.table.update(ownerItemKey({ siteId, dyadId }), {
      set: [
        { path: [attribute, 'closedAt'], value: closure.closedAt },
        { path: [attribute, 'closedBy'], value: closure.closedBy },
      ],
      when: [
        { path: [attribute], exists: true },
        { path: [attribute, 'closedAt'], exists: false },
      ],
    });
  }

  async putLink(link: Link): Promise<void> {
    await this.table.put(itemOf({ pk: `LINK#${link.tokenHash}`, sk: 'LINK' }, link));
  }

  async getLink(tokenHash: string): Promise<Link | undefined> {
    const item = await this.table.get({ pk: `LINK#${tokenHash}`, sk: 'LINK' });
    return item && domainOf<Link>(item);
  }

  async putConsent(consent: Consent): Promise<void> {
    await this.table.put(
      itemOf({ pk: consent.ownerKey, sk: consentSk(consent.role, consent.version) }, consent),
    );
  }

  async listConsents(ownerKey: string): Promise<Consent[]> {
    const items = await this.table.query({ pk: ownerKey, skPrefix: 'CONSENT#' });
    return items
      .map((item) => domainOf<Consent>(item))
      .sort((a, b) => a.role.localeCompare(b.role) || a.version - b.version);
  }

  async noteConsentVersion(owner: OwnerRef, role: Role, version: number | undefined): Promise<void> {
    const key = ownerItemKey(owner);
    const map = ['consentVersions'] as const;
    if (version === undefined) {
      await this.table.update(key, { remove: [[...map, role]], when: [{ path: map, exists: true }] });
      return;
    }
    // Items written before the copies existed have no map: create it whole; when another role
    // creates it at the same moment, the next round sets the entry.
    for (let round = 0; round < 3; round++) {
      const entry = { set: [{ path: [...map, role] as const, value: version }] };
      if (await this.table.update(key, { ...entry, when: [{ path: map, exists: true }] })) return;
      const whole = { set: [{ path: map, value: { [role]: version } }] };
      if (await this.table.update(key, { ...whole, when: [{ path: map, exists: false }] })) return;
      if (!(await this.table.get(key))) return;
    }
    throw new Error(`the consent copy of ${key.pk} ${key.sk} could not be written`);
  }

  async noteSubmission(owner: OwnerRef, through: SubmittedThrough, note?: SessionNote): Promise<boolean> {
    const when: ItemCondition[] = [{ path: ['status'], notEquals: 'withdrawn' }];
    const set: Array<{ path: ItemPath; value: unknown; ifAbsent?: boolean }> = [];
    if ('dyadId' in owner) {
      when.push({ path: ['linkHashes', through.role], equals: through.linkHash });
      if (through.role === 'therapist') when.push({ path: ['therapistWithdrawn'], exists: false });
      if (note) set.push({ path: ['sessionDates', String(note.session)], value: note.date, ifAbsent: true });
      if (note?.safetyFollowUp !== undefined) {
        const { id, role, openedOn } = note.safetyFollowUp;
        set.push({ path: [followUpAttribute(id)], value: { id, role, openedOn }, ifAbsent: true });
      }
    } else {
      when.push({ path: ['linkHash'], equals: through.linkHash });
    }
    return this.table.update(ownerItemKey(owner), { set, when });
  }

  async putResponse(response: StoredResponse): Promise<PutResult<StoredResponse>> {
    const item = itemOf(
      {
        ...responseKey(response),
        gsi1pk: `SITE#${response.siteId}`,
        gsi1sk: `${response.ownerKey}#${responseSk(response)}`,
      },
      response,
    );
    if (await this.table.put(item, { ifAbsent: true })) return { outcome: 'created' };
    const existing = await this.table.get(responseKey(response));
    // Only a withdrawal deletes responses: one gone between the put and the read is not retried.
    return existing
      ? { outcome: 'exists', existing: domainOf<StoredResponse>(existing) }
      : { outcome: 'vanished' };
  }

  async listResponses(ownerKey: string): Promise<StoredResponse[]> {
    const items = await this.table.query({ pk: ownerKey, skPrefix: 'RESP#' });
    return items.map((item) => domainOf<StoredResponse>(item));
  }

  async listSiteResponses(siteId: string): Promise<StoredResponse[]> {
    const items = await this.table.query({ pk: `SITE#${siteId}`, index: 'gsi1' });
    return items.map((item) => domainOf<StoredResponse>(item));
  }

  async deleteResponse(
    response: Pick<StoredResponse, 'ownerKey' | 'role' | 'session' | 'instrument'>,
  ): Promise<void> {
    await this.table.delete(responseKey(response));
  }

  async deleteConsent(consent: Pick<Consent, 'ownerKey' | 'role' | 'version'>): Promise<void> {
    await this.table.delete({ pk: consent.ownerKey, sk: consentSk(consent.role, consent.version) });
  }

  async putRelease(release: ReleaseRecord): Promise<void> {
    await this.table.put(itemOf({ pk: 'RELEASE', sk: release.releaseId }, release));
  }

  async listReleases(): Promise<ReleaseRecord[]> {
    const items = await this.table.query({ pk: 'RELEASE' });
    return items.map((item) => domainOf<ReleaseRecord>(item));
  }

  async putAudit(event: AuditEvent): Promise<void> {
    await this.table.put(
      itemOf({ pk: `AUDIT#${event.at.slice(0, 10)}`, sk: `${event.at}#${event.id}` }, event),
    );
  }

  async listAudit(fromDate: string, toDate: string): Promise<AuditEvent[]> {
    const days = auditDays(fromDate, toDate);
    const perDay: Item[][] = new Array(days.length);
    let next = 0;
    const worker = async (): Promise<void> => {
      for (let i = next++; i < days.length; i = next++) {
        perDay[i] = await this.table.query({ pk: `AUDIT#${days[i]}` });
      }
    };
    await Promise.all(Array.from({ length: Math.min(AUDIT_CONCURRENCY, days.length) }, worker));
    return perDay.flat().map((item) => domainOf<AuditEvent>(item));
  }

  countAttempt(counter: string, limit: number, expiresAtSeconds: number): Promise<boolean> {
    return this.table.increment({ pk: counter, sk: 'COUNT' }, { limit, expiresAtSeconds });
  }
}
