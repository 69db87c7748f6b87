import type { Actor, SavedBy } from '@gantry/store';
import type { FastifyRequest } from 'fastify';

export const ANONYMOUS = 'anonymous';

/**
 * Who is acting, for audit trails, trigger.user and judgments: the authenticated principal, never
 * a header or body field the caller wrote (X-Gantry-User and trigger.user are ignored for identity).
 */
export function actorOf(request: FastifyRequest): string {
  return request.principal?.name ?? ANONYMOUS;
}

const onBehalfOf = (request: FastifyRequest) =>
  request.principal?.onBehalfOf === undefined ? {} : { onBehalfOf: request.principal.onBehalfOf };

/** The actor of a store command: the principal, and whom a service account said it acts for. */
export function actingAs(request: FastifyRequest): Actor {
  return { user: actorOf(request), ...onBehalfOf(request) };
}

/** Who saves a pipeline: with its roles, which the pipeline's automatic triggers without runAsUser run with. */
export function savedBy(request: FastifyRequest): SavedBy {
  return { name: actorOf(request), roles: request.principal?.roles ?? [], ...onBehalfOf(request) };
}

/**
 * The identity fields of an execution started by this request (core's TRIGGER_IDENTITY_KEYS): the
 * caller, its roles now (the worker re-checks them before deploys) and whom it acted for.
 */
export function triggerIdentityOf(request: FastifyRequest): { user: string; userRoles: string[]; onBehalfOf?: string } {
  return { user: actorOf(request), userRoles: [...(request.principal?.roles ?? [])], ...onBehalfOf(request) };
}
