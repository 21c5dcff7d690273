import * as z from 'zod/mini';
import { getManifest } from '../../shared/releases.ts';
import { json } from '../http/respond.ts';
import { httpRoute } from '../http/route.ts';
import { releaseDeps } from './deps.ts';
import { ReleaseId } from './paths.ts';

/** GET /api/v1/releases/{releaseId}: the release's manifest.json; 404 when none was published. */
export const handler = httpRoute({ path: z.object({ releaseId: ReleaseId }) }, async ({ path }) =>
  json(200, await getManifest(releaseDeps(), path.releaseId)),
);
