import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

/**
 * Security headers on every response (@fastify/helmet): a Content-Security-Policy, nosniff,
 * frame-ancestors 'none' against clickjacking, no referrer to other origins. The policy is
 * helmet's default minus `upgrade-insecure-requests`: Gantry is often reached over plain HTTP on
 * an internal name, where that directive would send the browser to an https:// that does not
 * exist and break the docs page and the UI. /docs (Swagger UI) loads its scripts and styles from
 * its own origin, which the default policy allows.
 */
export function installSecurityHeaders(app: FastifyInstance): void {
  app.register(helmet, {
    contentSecurityPolicy: {
      directives: { upgradeInsecureRequests: null, frameAncestors: ["'none'"] },
    },
    frameguard: { action: 'deny' },
  });
}
