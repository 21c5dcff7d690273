import { bucket } from '../runtime/bucket.ts';
import { store } from '../runtime/store.ts';
import { pseudonymSecret } from './secret.ts';
import type { NightlyDeps } from './steps.ts';

/** What the reading steps (list sites, score a site) use: the real store and bucket, the wall clock. */
export function stepDeps(): Omit<NightlyDeps, 'secret'> {
  return { store: store(), bucket: bucket(), clock: () => new Date() };
}

/** The combine step's dependencies: those of the other steps and the pseudonym key. */
export function nightlyDeps(): NightlyDeps {
  return { ...stepDeps(), secret: pseudonymSecret };
}
