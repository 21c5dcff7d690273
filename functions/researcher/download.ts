import * as z from 'zod/mini';
import { downloadLink } from '../../shared/releases.ts';
import { json, redirect } from '../http/respond.ts';
import { httpRoute } from '../http/route.ts';
import { callerOf, releaseDeps } from './deps.ts';
import { FileName, ReleaseId } from './paths.ts';

/**
 * GET /api/v1/releases/{releaseId}/files/{name}: `{url, expiresInSeconds}` for JSON clients, a 302
 * to the presigned URL for everyone else (a browser link, curl -L).
 */
export const handler = httpRoute(
  { path: z.object({ releaseId: ReleaseId, name: FileName }) },
  async ({ path, principal, event }) => {
    const link = await downloadLink(releaseDeps(), callerOf(principal), path.releaseId, path.name);
    const accept = event.headers?.accept ?? '';
    return accept.includes('application/json')
      ? json(200, { url: link.url, expiresInSeconds: link.expiresInSeconds })
      : redirect(link.url, 302);
  },
);
