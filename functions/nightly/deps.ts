import { bucket } from '../runtime/bucket.ts';
import { store } from '../runtime/store.ts';
import { pseudonymSecret } from './secret.ts';
import type { NightlyDeps } from './steps.ts';

/** The nightly steps' dependencies in a Lambda or the local runtime: the real store and bucket, the wall clock. */
export function nightlyDeps(): NightlyDeps {
  return { store: store(), bucket: bucket(), clock: () => new Date(), secret: pseudonymSecret };
}
