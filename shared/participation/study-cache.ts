import type { TandemStore } from '../ports.ts';
import type { Study } from '../study/schema.ts';

// The study definition changes rarely (a lead edits it, a new consent version), yet every
// participant request needs it. A process keeps it for a short while instead of querying for it
// each time; an edit reaches every running function within the time to live.

/** How long a participant function keeps the study definition before reading it again. */
export const STUDY_TTL_SECONDS = 60;

/**
 * A reader of the stored study that reads it at most once per `ttlSeconds` (concurrent callers
 * share one read). Nothing is kept while no study is stored, so a study seeded later is seen at once.
 */
export function cachedStudy(
  store: TandemStore,
  ttlSeconds: number,
  nowMs: () => number = Date.now,
): () => Promise<Study | undefined> {
  let kept: { study: Study; untilMs: number } | undefined;
  let reading: Promise<Study | undefined> | undefined;
  return () => {
    if (kept && nowMs() < kept.untilMs) return Promise.resolve(kept.study);
    reading ??= store
      .getStudy()
      .then((study) => {
        if (study) kept = { study, untilMs: nowMs() + ttlSeconds * 1000 };
        return study;
      })
      .finally(() => {
        reading = undefined;
      });
    return reading;
  };
}
