import { z } from 'zod';

/**
 * Any UUID-shaped id (what PostgreSQL's uuid type accepts), checked before a store sees it so a
 * malformed id is a 400 naming the parameter, never a database error.
 */
export const uuid = z.guid({ error: 'must be a UUID' });

export const errorResponseSchema = z
  .object({
    error: z.object({
      code: z
        .string()
        .describe(
          'BAD_JSON | VALIDATION | UNAUTHORIZED | FORBIDDEN | NOT_FOUND | CONFLICT | IDEMPOTENCY_KEY_REUSED | POLICY_VIOLATION | PAYLOAD_TOO_LARGE | UNSUPPORTED_MEDIA_TYPE | BAD_REQUEST | DATABASE_UNAVAILABLE | INTERNAL',
        ),
      message: z.string().describe('What went wrong; for VALIDATION it names the first offending fields'),
      details: z
        .unknown()
        .describe(
          'VALIDATION: {issues: [{path: (string|number)[], pathString, message}]}; POLICY_VIOLATION: {violations: [{rule, message}]}; INTERNAL: {requestId}',
        ),
    }),
  })
  .meta({ id: 'ErrorResponse', description: 'Every error the API returns has this shape' });

const ERROR_DESCRIPTIONS = {
  400: 'BAD_JSON (body is not JSON) or VALIDATION (details.issues names each offending field)',
  401: 'UNAUTHORIZED (no credentials, or an unknown, revoked, expired or badly signed token)',
  403: 'FORBIDDEN (details.missing names the permission the caller lacks)',
  404: 'NOT_FOUND',
  409: 'CONFLICT (the current state does not allow it)',
  413: 'PAYLOAD_TOO_LARGE (body over the configured limit, 1 MiB by default)',
  415: 'UNSUPPORTED_MEDIA_TYPE (bodies must be application/json)',
  422: 'IDEMPOTENCY_KEY_REUSED (the Idempotency-Key was used before with a different body) or POLICY_VIOLATION (a save-time rule of the deploy policy refuses it; details.violations names each rule)',
  503: 'DATABASE_UNAVAILABLE (PostgreSQL is unreachable; retry after the Retry-After seconds)',
  500: 'INTERNAL (logged with details.requestId)',
} as const;

type ErrorStatus = keyof typeof ERROR_DESCRIPTIONS;

interface ErrorResponseDoc {
  description: string;
  content: { 'application/json': { schema: typeof errorResponseSchema } };
}

/** Documents the error statuses a route can answer with (all share ErrorResponse). */
export function errorResponses<S extends ErrorStatus>(...statuses: S[]): Record<S, ErrorResponseDoc> {
  const entries = statuses.map((status): [S, ErrorResponseDoc] => [
    status,
    { description: ERROR_DESCRIPTIONS[status], content: { 'application/json': { schema: errorResponseSchema } } },
  ]);
  return Object.fromEntries(entries) as Record<S, ErrorResponseDoc>;
}

/** Headers a mutating route reads; loose because Fastify replaces request.headers with the parsed value. */
export const actorHeaders = z.looseObject({
  'x-gantry-user': z.string().max(200).optional().describe('Ignored: the actor recorded is the authenticated caller'),
});

/** For requests that start something (a trigger, a rollback): see idempotency.ts. */
export const idempotentHeaders = actorHeaders.extend({
  'idempotency-key': z
    .string()
    .min(1)
    .max(200)
    .optional()
    .describe(
      'Repeating the request with the same key (within 24 hours, by the same user) answers as the first one did and starts nothing new; ' +
        'the same key with a different body is refused with 422 IDEMPOTENCY_KEY_REUSED',
    ),
});
