import * as z from 'zod/mini';
import { RELEASE_ID_PATTERN } from '../../shared/ids.ts';

/** Release ids are dates (`2027-03-01`, `2027-03-01.2`), never a path. */
export const ReleaseId = z
  .string()
  .check(z.regex(RELEASE_ID_PATTERN, 'expected a release id such as 2027-03-01'));

/** A file of a release, by its name in the manifest; never a path. */
export const FileName = z
  .string()
  .check(z.regex(/^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/, 'expected a file name such as agreement.csv'));
