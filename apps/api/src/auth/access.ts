import type { Permission } from '@gantry/core';
import type { FastifyRequest, RouteOptions } from 'fastify';

/**
 * What a route requires, declared in its options (`config: {access}`); `installAuth` refuses to
 * register a route without one, so no route can skip the check.
 * - `open`: anyone (probes, docs, the UI's page and assets).
 * - `signedIn`: any authenticated caller; listings then show only what the caller may READ.
 * - `admin`: the admin role (tokens, roles, service accounts).
 * - `permissions`: the permissions this request needs, worked out from it after validation
 *   (e.g. EXECUTE on the pipeline's application and on every account its stages deploy to).
 * - `sender`: a trigger endpoint that authenticates its sender itself (signature, per-master token)
 *   and also accepts an API token with EXECUTE on what it triggers.
 */
export type RouteAccess =
  | { kind: 'open' }
  | { kind: 'signedIn' }
  | { kind: 'admin' }
  | { kind: 'permissions'; summary: string; needs: (request: FastifyRequest) => Promise<Permission[]> }
  | { kind: 'sender' };

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
}

export const open = { access: { kind: 'open' } } as const satisfies { access: RouteAccess };
export const signedIn = { access: { kind: 'signedIn' } } as const satisfies { access: RouteAccess };
export const adminOnly = { access: { kind: 'admin' } } as const satisfies { access: RouteAccess };
export const sender = { access: { kind: 'sender' } } as const satisfies { access: RouteAccess };

/** A route needing the permissions `needs` computes; `summary` is what the README and errors call it. */
export function needs(summary: string, compute: (request: FastifyRequest) => Promise<Permission[]> | Permission[]): { access: RouteAccess } {
  return { access: { kind: 'permissions', summary, needs: async (request) => compute(request) } };
}

/** Routes registered by plugins we do not write (the OpenAPI UI under /docs) are open by construction. */
const THIRD_PARTY_OPEN = /^\/docs(\/|$)/;

/** The error a route without `config.access` fails registration with: it says what to add. */
export function undeclaredRouteError(route: Pick<RouteOptions, 'method' | 'url'>): Error {
  const method = Array.isArray(route.method) ? route.method.join(',') : route.method;
  return new Error(
    `route ${method} ${route.url} declares no access: add \`config: needs('…', (request) => [{kind: 'application', name, action: 'READ'}])\`, ` +
      '`config: signedIn`, `config: adminOnly`, `config: sender` or `config: open` from apps/api/src/auth/access.ts to its options, ' +
      'and a row for it in ROUTE_CASES of apps/api/src/auth/routeTable.test.ts',
  );
}

/** Every route's access, completed for third-party routes; throws for one of ours that declares none. */
export function declaredAccess(route: RouteOptions): RouteAccess {
  const access = route.config?.access;
  if (access !== undefined) return access;
  if (THIRD_PARTY_OPEN.test(route.url)) return { kind: 'open' };
  throw undeclaredRouteError(route);
}
