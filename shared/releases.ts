import * as z from 'zod/mini';
import { type AuditDeps, audit } from './audit.ts';
import { ForbiddenError, NotFoundError } from './errors.ts';
import type { ReleaseBucket, ReleaseRecord, TandemStore } from './ports.ts';

// What researchers and analysts do with releases: list them, read a manifest, get a short-lived
// link to one file. The route table admits both roles; which files each may take is decided here,
// from the tier the manifest gives the file.

/** How long a download link works (DESIGN §5). */
export const DOWNLOAD_URL_SECONDS = 300;
const REPORT_FILE = 'report.html';

export interface ReleaseDeps {
  store: Pick<TandemStore, 'listReleases'>;
  bucket: Pick<ReleaseBucket, 'get' | 'presignGet'>;
}

export type DownloadDeps = ReleaseDeps & AuditDeps;

/** The manifest fields this module relies on; the rest is passed through as published. */
const ManifestView = z.looseObject({
  releaseId: z.string(),
  files: z.array(z.looseObject({ name: z.string(), tier: z.enum(['open', 'analyst']) })),
});
export type Manifest = z.infer<typeof ManifestView>;

const releaseKey = (releaseId: string, name: string): string => `releases/${releaseId}/${name}`;

/** `2027-03-01.10` after `2027-03-01.9` after `2027-03-01`. */
function releaseOrder(a: string, b: string): number {
  const [dayA = '', runA = '1'] = a.split(/\.(?=\d+$)/);
  const [dayB = '', runB = '1'] = b.split(/\.(?=\d+$)/);
  return dayA === dayB ? Number(runA) - Number(runB) : dayA < dayB ? -1 : 1;
}

/** Every published release, newest first, and the id `releases/latest.json` points at (null before the first). */
export async function listReleases(
  deps: ReleaseDeps,
): Promise<{ releases: ReleaseRecord[]; latest: string | null }> {
  const [records, latestBytes] = await Promise.all([
    deps.store.listReleases(),
    deps.bucket.get('releases/latest.json'),
  ]);
  const releases = [...records].sort(
    (a, b) => b.createdAt.localeCompare(a.createdAt) || releaseOrder(b.releaseId, a.releaseId),
  );
  let latest: string | null = null;
  if (latestBytes) {
    const parsed: unknown = JSON.parse(new TextDecoder().decode(latestBytes));
    if (
      parsed &&
      typeof parsed === 'object' &&
      'releaseId' in parsed &&
      typeof parsed.releaseId === 'string'
    ) {
      latest = parsed.releaseId;
    }
  }
  return { releases, latest };
}

/** The release's manifest.json as published, or 404 when no manifest was published under that id. */
export async function getManifest(deps: Pick<ReleaseDeps, 'bucket'>, releaseId: string): Promise<Manifest> {
  const bytes = await deps.bucket.get(releaseKey(releaseId, 'manifest.json'));
  // Files without a manifest are a release still being written or one that failed: not published.
  if (!bytes) throw new NotFoundError(`There is no release ${releaseId}.`);
  return ManifestView.parse(JSON.parse(new TextDecoder().decode(bytes)));
}

/** Whether these roles may take a file of this tier: open files for every reader, analyst files for analysts. */
export function mayDownload(tier: 'open' | 'analyst', roles: readonly string[]): boolean {
  return tier === 'open' || roles.includes('analyst');
}

/**
 * A presigned URL for one file of a release, valid DOWNLOAD_URL_SECONDS; 404 when the manifest does
 * not list the file, 403 for an analyst-tier file and a caller who is not an analyst. Every link
 * handed out is an audit event.
 */
export async function downloadLink(
  deps: DownloadDeps,
  caller: { subject: string; roles: readonly string[] },
  releaseId: string,
  name: string,
): Promise<{ url: string; expiresInSeconds: number; tier: 'open' | 'analyst' }> {
  const manifest = await getManifest(deps, releaseId);
  const file = manifest.files.find((candidate) => candidate.name === name);
  if (!file) throw new NotFoundError(`Release ${releaseId} has no file ${name}.`);
  if (!mayDownload(file.tier, caller.roles)) {
    throw new ForbiddenError(`${name} is an analyst-tier file; only approved analysts may download it.`);
  }
  // The report is meant to be read in the browser; every other file is saved under its own name.
  const url =
    name === REPORT_FILE
      ? await deps.bucket.presignGet(releaseKey(releaseId, name), DOWNLOAD_URL_SECONDS)
      : await deps.bucket.presignGet(releaseKey(releaseId, name), DOWNLOAD_URL_SECONDS, name);
  await audit(deps, {
    actor: caller.subject,
    action: 'release.download',
    target: `${releaseId}/${name}`,
    detail: { tier: file.tier },
  });
  return { url, expiresInSeconds: DOWNLOAD_URL_SECONDS, tier: file.tier };
}
