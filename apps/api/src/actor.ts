import type { FastifyRequest } from 'fastify';

export const ANONYMOUS = 'anonymous';

/**
 * Who is acting, for audit trails, trigger.user and judgments: the authenticated principal, never
 * a header or body field the caller wrote (X-Gantry-User and trigger.user are ignored for identity).
 */
export function actorOf(request: FastifyRequest): string {
  return request.principal?.name ?? ANONYMOUS;
}
