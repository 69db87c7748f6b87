import { createHash } from 'node:crypto';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/**
 * Requests per second allowed to one caller on the API, the webhook endpoints and /metrics.
 * A caller is its principal when it authenticates, else its source address. Generous on purpose:
 * CI systems and scripts call in bursts; the limit is there so that one caller cannot take the
 * server away from everyone. 0 turns a limit off.
 */
export interface RateLimits {
  perPrincipal: number;
  perAddress: number;
  /** The counting window; default one second (the budgets are per second). */
  windowMs?: number;
}

// Probes must keep answering whatever a client does, or an orchestrator restarts a healthy server.
const UNLIMITED_PATHS = new Set(['/healthz', '/readyz']);

/**
 * Who is calling, for counting: the authenticated principal (authentication's onRequest hook runs
 * before this plugin's), so one caller has one budget whichever of its tokens or sessions it uses.
 * With authentication off (loopback only) every caller is the same stand-in principal, so the
 * credential stands for the caller instead (a hash of the Authorization header, else of the
 * session cookie); a request without one counts against its source address.
 */
export function rateLimitKey(request: FastifyRequest): string {
  const principal = request.principal;
  if (principal !== undefined && principal.via !== 'auth-off') return `principal:${principal.via}:${principal.name}`;
  const credential = headerValue(request, 'authorization') ?? headerValue(request, 'cookie');
  if (credential !== undefined) return `principal:${createHash('sha256').update(credential).digest('base64url').slice(0, 22)}`;
  return `address:${request.ip}`;
}

function headerValue(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  const text = Array.isArray(value) ? value.join(', ') : value;
  return text === undefined || text.trim() === '' ? undefined : text;
}

/** 429 with Retry-After (seconds) once a caller is over its budget; the error body is the API's usual one. */
export function installRateLimit(app: FastifyInstance, limits: RateLimits): void {
  const budget = (key: string) => (key.startsWith('principal:') ? limits.perPrincipal : limits.perAddress);
  app.register(rateLimit, {
    global: true,
    timeWindow: limits.windowMs ?? 1000,
    keyGenerator: rateLimitKey,
    max: (_request, key) => budget(key),
    allowList: (request, key) => budget(key) === 0 || UNLIMITED_PATHS.has(request.url.split('?')[0] ?? ''),
    errorResponseBuilder: (request, context) => {
      const kind = rateLimitKey(request).startsWith('principal:') ? 'principal' : 'source address';
      const per = limits.windowMs === undefined || limits.windowMs === 1000 ? 'per second' : `per ${limits.windowMs} ms`;
      return Object.assign(new Error(`Too many requests: more than ${context.max} ${per} from this ${kind}; retry in ${context.after}`), {
        statusCode: 429,
      });
    },
  });
}
