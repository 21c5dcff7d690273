import { listReleases } from '../../shared/releases.ts';
import { json } from '../http/respond.ts';
import { httpRoute } from '../http/route.ts';
import { releaseDeps } from './deps.ts';

/** GET /api/v1/releases: `{releases (newest first), latest}`. */
export const handler = httpRoute({}, async () => json(200, await listReleases(releaseDeps())));
