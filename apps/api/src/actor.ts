import type { FastifyRequest } from 'fastify';

export const ANONYMOUS = 'anonymous';

/** Who is acting, for audit trails. Until authentication lands, the caller says so in X-Gantry-User. */
export function actorOf(request: FastifyRequest): string {
  return namedActor(request) ?? ANONYMOUS;
}

/** The X-Gantry-User header when the caller sent a non-blank one. */
export function namedActor(request: FastifyRequest): string | undefined {
  const header = request.headers['x-gantry-user'];
  const user = (Array.isArray(header) ? header[0] : header)?.trim();
  return user ? user : undefined;
}
