import { createHmac } from 'node:crypto';

/** Hex characters kept of the HMAC: 64 bits, so collisions among a study's ids are negligible. */
const PSEUDONYM_HEX = 16;

/**
 * Pseudonym of an id in one release: HMAC-SHA-256(secret, releaseId ‖ id), shortened, with the
 * kind as prefix (`D-…` dyads, `T-…` therapists). Stable within a release, unlinkable across them.
 */
export function pseudonym(secret: string, releaseId: string, id: string, kind: 'D' | 'T'): string {
  const digest = createHmac('sha256', secret)
    .update(releaseId + id)
    .digest('hex');
  return `${kind}-${digest.slice(0, PSEUDONYM_HEX)}`;
}

/** Pseudonyms of many ids of one kind, in the same order. */
export function pseudonyms(
  secret: string,
  releaseId: string,
  ids: readonly string[],
  kind: 'D' | 'T',
): string[] {
  return ids.map((id) => pseudonym(secret, releaseId, id, kind));
}
