import {
  ADMIN_ROLE,
  ForbiddenError,
  UnauthorizedError,
  describePermission,
  isAdmin,
  missingPermissions,
  readable,
  type Grant,
  type Permission,
  type Principal,
  type ResourceKind,
} from '@gantry/core';
import type { AuthStore } from '@gantry/store';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { declaredAccess, type RouteAccess } from './access';
import { checkCsrf, credentialOf, type Credential } from './credentials';
import { looksLikeJwt, type OidcVerifier } from './oidc';

/**
 * `on` (the default): every route but the open ones needs an API token, an OIDC token or a session
 * cookie. `off` (GANTRY_AUTH=off, loopback HOST only): every caller is an anonymous admin.
 */
export type AuthOptions = { mode: 'on'; store: AuthStore; oidc?: OidcVerifier } | { mode: 'off' };

/** Who everyone is with authentication off. */
export const AUTH_OFF_PRINCIPAL: Principal = { name: 'anonymous', roles: [ADMIN_ROLE], via: 'auth-off' };

/** One registered route and what it requires (the README's roles × routes table, and the test that walks it). */
export interface DeclaredRoute {
  method: string;
  url: string;
  access: RouteAccess;
}

declare module 'fastify' {
  interface FastifyInstance {
    routeTable: readonly DeclaredRoute[];
  }
  interface FastifyRequest {
    /** The authenticated caller; undefined only on open routes (and trigger endpoints a sender signed). */
    principal: Principal | undefined;
    /** Throws 403 naming the first permission of `required` the caller lacks. */
    authorize(required: readonly Permission[]): Promise<void>;
    /** The applications (or accounts) the caller may READ, for filtering listings. */
    readable(kind: ResourceKind): Promise<'*' | ReadonlySet<string>>;
  }
}

/**
 * Authentication (onRequest, before the body is read) and authorization (preHandler, after
 * validation, when the request's resources are known) for every route, from its `config.access`.
 * Called on the root instance before any route is registered, so its onRoute check sees them all.
 */
export function installAuth(app: FastifyInstance, options: AuthOptions): void {
  const grantsOf = new WeakMap<FastifyRequest, Promise<Grant[]>>();
  const grants = (request: FastifyRequest): Promise<Grant[]> => {
    if (options.mode === 'off') return Promise.resolve([]);
    const cached = grantsOf.get(request);
    if (cached !== undefined) return cached;
    const loaded = options.store.grants();
    grantsOf.set(request, loaded);
    return loaded;
  };
  const identify = (credential: Credential) => (options.mode === 'off' ? AUTH_OFF_PRINCIPAL : authenticate(options, credential));

  app.decorateRequest('principal', undefined);
  app.decorateRequest('authorize', async function authorize(this: FastifyRequest, required: readonly Permission[]) {
    const principal = requirePrincipal(this);
    if (isAdmin(principal.roles)) return;
    const missing = missingPermissions(await grants(this), principal.roles, required);
    const first = missing[0];
    if (first !== undefined) {
      throw new ForbiddenError(`${principal.name} lacks ${describePermission(first)}`, { missing: missing.map(describePermission) });
    }
  });
  app.decorateRequest('readable', async function readableBy(this: FastifyRequest, kind: ResourceKind) {
    return readable(await grants(this), requirePrincipal(this).roles, kind);
  });

  const table: DeclaredRoute[] = [];
  app.decorate('routeTable', table);
  app.addHook('onRoute', (route) => {
    const access = declaredAccess(route);
    route.config = { ...route.config, access };
    for (const method of [route.method].flat()) table.push({ method, url: route.url, access });
  });

  app.addHook('onRequest', async (request) => {
    const access = request.routeOptions.config?.access;
    if (access === undefined || access.kind === 'open') return;
    const credential = credentialOf(request);
    if (options.mode === 'off') {
      request.principal = AUTH_OFF_PRINCIPAL;
      return;
    }
    // A trigger endpoint's sender may prove itself by a signature instead (checked by the route).
    if (credential === undefined && access.kind === 'sender') return;
    if (credential === undefined) {
      throw new UnauthorizedError('authentication required: send Authorization: Bearer <API token or OIDC token>, or sign in at /auth/session');
    }
    request.principal = await identify(credential);
    checkCsrf(request, credential);
  });

  app.addHook('preHandler', async (request) => {
    const access = request.routeOptions.config?.access;
    if (access?.kind === 'admin') {
      const principal = requirePrincipal(request);
      if (!isAdmin(principal.roles)) throw new ForbiddenError(`${principal.name} lacks the ${ADMIN_ROLE} role`, { missing: [`role ${ADMIN_ROLE}`] });
    } else if (access?.kind === 'permissions' && !isAdmin(requirePrincipal(request).roles)) {
      await request.authorize(await access.needs(request));
    }
  });
}

function requirePrincipal(request: FastifyRequest): Principal {
  if (request.principal === undefined) throw new UnauthorizedError('authentication required');
  return request.principal;
}

/** The principal a credential proves: a live API token, else (when configured) a valid OIDC JWT. */
export async function authenticate(options: { store: AuthStore; oidc?: OidcVerifier }, credential: Credential): Promise<Principal> {
  const token = credential.value;
  if (token === '') throw new UnauthorizedError('the Authorization header must be "Bearer <token>"');
  if (looksLikeJwt(token)) {
    if (options.oidc === undefined) throw new UnauthorizedError('an OIDC token was sent but no OIDC issuer is configured (GANTRY_OIDC_ISSUER)');
    return options.oidc.verify(token);
  }
  const found = await options.store.useToken(token);
  if (found === undefined) throw new UnauthorizedError('the API token is unknown, revoked or expired');
  return { name: found.name, roles: found.roles, via: 'token' };
}
