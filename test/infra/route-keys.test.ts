import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { routeOf } from '../../functions/http/authorize.ts';
import { ROUTES } from '../../functions/routes.ts';
import { handler as pages } from '../../functions/web/pages.ts';
import { apiPathOf } from '../../infra/stacks/stateless.ts';
import { apiEvent } from '../fixtures/events.ts';

// The deployed HTTP API names its routes as infra/stacks/stateless.ts makes them, and API Gateway
// puts that name in `routeKey`; the handlers must recognise every one of them.
describe('route keys in AWS', () => {
  it.each(ROUTES.map((route) => [`${route.method} ${apiPathOf(route)}`, route] as const))(
    'finds the route declared for %s',
    (routeKey, route) => {
      expect(routeOf(apiEvent({ routeKey, rawPath: route.path }))).toBe(route);
    },
  );

  it.each(['/coordinator/', '/researcher/'])(
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
