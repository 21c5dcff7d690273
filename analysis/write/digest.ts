import { createHash } from 'node:crypto';
import type { ReleaseFile } from '../release.ts';

// SHA-256 of a release's files, for the manifest and changes.md. Apart from release.ts so that
// the scores_long workers, which hash what they render, do not load the table library with it.

/** The SHA-256 (hex) of a body. */
export const sha256 = (body: Uint8Array): string => createHash('sha256').update(body).digest('hex');

/** The file with its SHA-256 recorded, for a thread that renders files another one publishes. */
export function withSha256(file: ReleaseFile): ReleaseFile {
  return { ...file, sha256: sha256(file.body) };
}
