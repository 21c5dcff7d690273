import { UnauthorizedError } from '../../shared/errors.ts';
import type { DownloadDeps } from '../../shared/releases.ts';
import type { Principal } from '../http/event.ts';
import { bucket } from '../runtime/bucket.ts';
import { store } from '../runtime/store.ts';

/** The release use cases' dependencies in a Lambda or the local server: the real store and bucket, the wall clock. */
export function releaseDeps(): DownloadDeps {
  return { store: store(), bucket: bucket(), clock: () => new Date() };
}

/** The caller of a staff route; authorization has already checked the role. */
export function callerOf(principal: Principal | undefined): Principal {
  if (!principal) throw new UnauthorizedError('Sign in to continue.');
  return principal;
}
