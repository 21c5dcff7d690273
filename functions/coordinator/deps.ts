import * as z from 'zod/mini';
import { config } from '../../shared/config.ts';
import type { EnrolmentDeps } from '../../shared/enrolment/deps.ts';
import { UnauthorizedError } from '../../shared/errors.ts';
import { ID_PATTERN, SITE_ID_PATTERN } from '../../shared/ids.ts';
import type { Principal } from '../http/event.ts';
import { store } from '../runtime/store.ts';

/** The use cases' dependencies in a Lambda or the local server: the real store, the wall clock. */
export function enrolmentDeps(): EnrolmentDeps {
  return { store: store(), clock: () => new Date(), publicUrl: config().TANDEM_PUBLIC_URL };
}

/** The subject that audit events name; staff routes always have one after authorization. */
export function actorOf(principal: Principal | undefined): string {
  if (!principal) throw new UnauthorizedError('Sign in to continue.');
  return principal.subject;
}

/** Path schemas of the coordinator routes; codes as imports may carry them (`ID_PATTERN`). */
export const SiteId = z.string().check(z.regex(SITE_ID_PATTERN, 'expected a site id (lower-case slug)'));
export const Code = z.string().check(z.regex(ID_PATTERN, 'expected a code such as D-93XHM4'));

export const SitePath = z.object({ siteId: SiteId });
/** The body of an action that takes none: nothing, or `{}`; any field is refused with its path. */
export const NoBody = z.strictObject({});
export const DyadPath = z.object({ siteId: SiteId, dyadId: Code });
