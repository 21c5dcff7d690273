import { zipSync } from 'fflate';

// open-files.zip (DESIGN §8): every open-tier file of a release in one download. Deterministic:
// the files in the order given (release order), each with the same fixed timestamp, so a rerun
// of the same release gives the same bytes.

/** A file to put into the archive. */
export interface ZipEntry {
  name: string;
  body: Uint8Array;
}

/**
 * The timestamp every entry carries: midnight of the release's date. ZIP stores local
 * date-time fields, which fflate fills from a Date's local-time getters, so the Date is built from
 * local-time parts: the stored fields are the same in every time zone.
 */
function releaseMidnight(releaseId: string): Date {
  const [year, month, day] = releaseId.slice(0, 10).split('-').map(Number) as [number, number, number];
  return new Date(year, month - 1, day, 0, 0, 0);
}

/** Parquet files are compressed already: they are stored, not deflated again. */
const levelOf = (name: string): 0 | 6 => (name.endsWith('.parquet') ? 0 : 6);

/** The archive's bytes: entries in the given order, text deflated, all with the release's date. */
export function zipFiles(releaseId: string, entries: readonly ZipEntry[]): Uint8Array {
  const mtime = releaseMidnight(releaseId);
  const files: Record<string, [Uint8Array, { mtime: Date; level: 0 | 6 }]> = {};
  for (const entry of entries) {
    if (entry.name in files) throw new Error(`open-files.zip: ${entry.name} twice`);
    files[entry.name] = [entry.body, { mtime, level: levelOf(entry.name) }];
  }
  return zipSync(files);
}
