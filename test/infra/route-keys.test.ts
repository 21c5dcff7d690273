import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routeOf } from '../../functions/http/authorize.ts';
import { ROUTES } from '../../functions/routes.ts';
import { handler as pages } from '../../functions/web/pages.ts';
import { apiPathOf } from '../../infra/stacks/stateless.ts';
import { buildWebAssets } from '../../infra/web-assets.ts';
import { resetConfig } from '../../shared/config.ts';
import { apiEvent } from '../fixtures/events.ts';

// The deployed HTTP API names its routes as infra/stacks/stateless.ts makes them, and API Gateway
// puts that name in `routeKey`; the handlers must recognise every one of them.
describe('route keys in AWS', () => {
  // The pages function carries its built assets, as the CDK bundles them.
  const webDir = mkdtempSync(join(tmpdir(), 'tandem-web-keys-'));
  beforeAll(async () => {
    await buildWebAssets(webDir);
    process.env.TANDEM_WEB_DIR = webDir;
    resetConfig();
  });
  afterAll(() => rmSync(webDir, { recursive: true, force: true }));

  it.each(ROUTES.map((route) => [`${route.method} ${apiPathOf(route)}`, route] as const))(
    'finds the route declared for %s',
    (routeKey, route) => {
      expect(routeOf(apiEvent({ routeKey, rawPath: route.path }))).toBe(route);
    },
  );

  it.each(['/coordinator/', '/researcher/', '/audit/'])(
    'serves the page %s under the route key API Gateway sends',
    async (path) => {
      const event = apiEvent({
        routeKey: `GET ${path.replace(/\/$/, '')}`,
        rawPath: path,
        headers: { accept: 'text/html' },
      });
      const result = await pages(event, {} as Context);
      expect(result).toMatchObject({ statusCode: 200 });
    },
  );
});
