import type middy from '@middy/core';
import { ForbiddenError, UnauthorizedError } from '../../shared/errors.ts';
import { ROUTES, type RouteSpec, STAFF_ROLES, type StaffRole } from '../routes.ts';
import type { HttpEvent, HttpResult, Principal } from './event.ts';

export type AuthorizedEvent = HttpEvent & { principal?: Principal };

// HTTP APIs refuse a route path that ends in '/' and send `/coordinator/` to `GET /coordinator`
// (infra/stacks/stateless.ts), so a route is found under both keys.
const routesByKey = new Map<string, RouteSpec>(
  ROUTES.flatMap((route) => [
    [`${route.method} ${route.path}`, route],
    [`${route.method} ${route.path.replace(/(.)\/$/, '$1')}`, route],
  ]),
);

/** The route an event was sent to, by its API Gateway route key. */
export function routeOf(event: HttpEvent): RouteSpec {
  const route = routesByKey.get(event.routeKey);
  if (!route) throw new Error(`no route is declared for ${event.routeKey}`);
  return route;
}

/** Claims arrive as arrays, JSON text or API Gateway's "[a b]" rendering of an array. */
function listClaim(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value !== 'string' || value === '') return [];
  const text = value.trim();
  if (text.startsWith('[') && text.endsWith(']')) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (Array.isArray(parsed)) return parsed.map(String);
    } catch {
      return text
        .slice(1, -1)
        .split(/[\s,]+/)
        .filter(Boolean);
    }
  }
  return text.split(/[\s,]+/).filter(Boolean);
}

/** The principal the claims describe, or undefined when the event carries no claims. */
export function principalOf(event: HttpEvent): Principal | undefined {
  const claims = event.requestContext.authorizer?.jwt?.claims;
  if (!claims || typeof claims.sub !== 'string') return undefined;
  const roles = listClaim(claims['cognito:groups']).filter((role): role is StaffRole =>
    (STAFF_ROLES as readonly string[]).includes(role),
  );
  return {
    subject: claims.sub,
    roles,
    sites: roles.includes('lead') ? 'all' : listClaim(claims['custom:sites']),
  };
}

/** Whether the principal may act on a site's data. */
export function maySeeSite(principal: Principal, siteId: string): boolean {
  return principal.sites === 'all' || principal.sites.includes(siteId);
}

/**
 * Checks role and site for every staff route in one place, from the route table: the role must be
 * one the route allows, and a route with `{siteId}` must name a site the caller may see.
 */
export function authorize(): middy.MiddlewareObj<AuthorizedEvent, HttpResult> {
  return {
    before: async ({ event }) => {
      const route = routeOf(event);
      if (route.access === 'public') return;
      const principal = principalOf(event);
      if (!principal) throw new UnauthorizedError('Sign in to continue.');
      if (!principal.roles.some((role) => route.access.includes(role))) {
        throw new ForbiddenError('Your role does not allow this.');
      }
      const siteId = event.pathParameters?.siteId;
      if (siteId !== undefined && !maySeeSite(principal, siteId)) {
        throw new ForbiddenError(`You do not have access to site ${siteId}.`);
      }
      event.principal = principal;
    },
  };
}
