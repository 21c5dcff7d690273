import * as z from 'zod/mini';
import { json, redirect } from '../http/respond.ts';
import { httpRoute } from '../http/route.ts';
import { callerOf, releaseDeps } from './deps.ts';
import { downloadLink, FileName, ReleaseId } from './releases.ts';

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
