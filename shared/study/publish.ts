import type { TandemStore } from '../ports.ts';
import type { Study } from './schema.ts';

export type PublishResult =
  /** Stored as this version (DESIGN §7: a new version when the definition changed). */
  | { outcome: 'published'; version: number }
  /** The store's latest version already says the same; nothing was written. */
  | { outcome: 'unchanged'; version: number };

/** JSON with object keys in sorted order, so two equal definitions give the same text. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    typeof v === 'object' && v !== null && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

const withoutVersion = (study: Study): unknown => ({ ...study, version: undefined });

/**
 * Stores a validated study definition as its next version, and its sites, unless the latest stored
 * version already says the same (its own `version` aside). The new version is the file's, or one
 * more than the stored one when that is not higher.
 */
export async function publishStudy(
  store: Pick<TandemStore, 'getStudy' | 'putStudy' | 'putSite'>,
  study: Study,
): Promise<PublishResult> {
  const current = await store.getStudy();
  if (current && canonical(withoutVersion(current)) === canonical(withoutVersion(study)))
    return { outcome: 'unchanged', version: current.version };
  const version = Math.max(study.version, (current?.version ?? 0) + 1);
  // Sites first: a study version that names a site the store does not list yet is never visible.
  for (const site of study.sites) await store.putSite(site);
  await store.putStudy({ ...study, version });
  return { outcome: 'published', version };
}
