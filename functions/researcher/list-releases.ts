import { json } from '../http/respond.ts';
import { httpRoute } from '../http/route.ts';
import { releaseDeps } from './deps.ts';
import { listReleases } from './releases.ts';

/** GET /api/v1/releases: `{releases (newest first), latest}`. */
export const handler = httpRoute({}, async () => json(200, await listReleases(releaseDeps())));
