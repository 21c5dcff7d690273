import { json } from '../http/respond.ts';
import { httpRoute } from '../http/route.ts';

/** Liveness: answers as soon as the function (or the local server) can serve requests. */
export const handler = httpRoute({}, async () => json(200, { status: 'ok' }));
