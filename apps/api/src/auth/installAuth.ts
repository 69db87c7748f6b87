import {
  ADMIN_ROLE,
  ForbiddenError,
  UnauthorizedError,
  ValidationError,
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
import { DEFAULT_SIGN_IN_LIMITS, FailedSignIns, type SignInFailureKind, type SignInLimits } from './failedSignIns';
import { looksLikeJwt, type OidcVerifier } from './oidc';

/**
 * `on` (the default): every route but the open ones needs an API token, an OIDC token or a session
 * cookie. `off` (GANTRY_AUTH=off, loopback HOST only): every caller is an anonymous admin.
 */
export type AuthOptions = { mode: 'on'; store: AuthStore; oidc?: OidcVerifier; signInLimits?: SignInLimits } | { mode: 'off' };

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
    /**
     * The principal a credential proves, with failed sign-in accounting: an address that sent too
     * many invalid credentials lately gets 429; each refusal is logged (never the credential) and counted.
     */
    signIn(request: FastifyRequest, credential: Credential): Promise<Principal>;
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
  const failedSignIns = options.mode === 'on' ? new FailedSignIns(options.signInLimits ?? DEFAULT_SIGN_IN_LIMITS) : undefined;
  app.decorate('signIn', async (request: FastifyRequest, credential: Credential): Promise<Principal> => {
    if (options.mode === 'off' || failedSignIns === undefined) return AUTH_OFF_PRINCIPAL;
    failedSignIns.check(request.ip);
    try {
      return await authenticate(options, credential);
    } catch (error) {
      if (error instanceof UnauthorizedError) {
        const kind = failureKind(credential);
        const failures = failedSignIns.record(request.ip, kind);
        request.log.warn({ address: request.ip, credential: credential.from, kind, failures, reason: error.message }, 'sign-in refused');
      }
      throw error;
    }
  });

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
      // No identities at all: an on-behalf-of header has nothing to be recorded beside, and is ignored.
      request.principal = AUTH_OFF_PRINCIPAL;
      return;
    }
    // A trigger endpoint's sender may prove itself by a signature instead (checked by the route).
    if (credential === undefined && access.kind === 'sender') return;
    if (credential === undefined) {
      throw new UnauthorizedError('authentication required: send Authorization: Bearer <API token or OIDC token>, or sign in at /auth/session');
    }
    request.principal = withOnBehalfOf(request, await app.signIn(request, credential));
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

function failureKind(credential: Credential): SignInFailureKind {
  if (credential.value === '') return 'malformed';
  return looksLikeJwt(credential.value) ? 'oidc' : 'api-token';
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
  if (found.serviceAccount === null) return { name: found.name, roles: found.roles, via: 'token' };
  // The account's roles as they are now: changing them changes what its tokens may do at once.
  const account = await options.store.serviceAccount(found.serviceAccount);
  if (account === undefined) throw new UnauthorizedError(`the API token's service account ${found.serviceAccount} no longer exists`);
  return { name: account.name, roles: account.roles, via: 'service-account' };
}

/** The header in which a service account names the person it acts for (recorded, never used for access). */
export const ON_BEHALF_OF_HEADER = 'x-gantry-on-behalf-of';
const ON_BEHALF_OF = /^[^\p{Cc}]{1,200}$/u;

/**
 * A service account (a bot, a CI system) may say on whose behalf it acts: the audit log and the
 * trigger record it beside the service account, which stays the actor and whose roles alone count.
 * Anyone else sending it is told so (403) rather than having it silently dropped.
 */
function withOnBehalfOf(request: FastifyRequest, principal: Principal): Principal {
  const header = request.headers[ON_BEHALF_OF_HEADER];
  if (header === undefined) return principal;
  const value = (Array.isArray(header) ? header.join(',') : header).trim();
  if (principal.via !== 'service-account') {
    throw new ForbiddenError(`${principal.name} is not a service account: only a service account's token may send X-Gantry-On-Behalf-Of`, {
      missing: 'service account',
    });
  }
  if (!ON_BEHALF_OF.test(value)) {
    const message = 'must name someone in 1 to 200 characters, without control characters';
    throw new ValidationError(`X-Gantry-On-Behalf-Of ${message}`, [{ path: ['headers', ON_BEHALF_OF_HEADER], message }]);
  }
  return { ...principal, onBehalfOf: value };
}
