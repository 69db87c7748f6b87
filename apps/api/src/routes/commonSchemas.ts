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
          'BAD_JSON | VALIDATION | NOT_FOUND | CONFLICT | PAYLOAD_TOO_LARGE | UNSUPPORTED_MEDIA_TYPE | BAD_REQUEST | INTERNAL',
        ),
      message: z.string().describe('What went wrong; for VALIDATION it names the first offending fields'),
      details: z
        .unknown()
        .describe('VALIDATION: {issues: [{path: (string|number)[], pathString, message}]}; INTERNAL: {requestId}'),
    }),
  })
  .meta({ id: 'ErrorResponse', description: 'Every error the API returns has this shape' });

type ErrorStatus = 400 | 404 | 409 | 413 | 415 | 500;

/** Documents the error statuses a route can answer with (all share ErrorResponse). */
export function errorResponses<S extends ErrorStatus>(...statuses: S[]): Record<S, typeof errorResponseSchema> {
  return Object.fromEntries(statuses.map((status) => [status, errorResponseSchema])) as Record<
    S,
    typeof errorResponseSchema
  >;
}

/** Headers a mutating route reads; loose because Fastify replaces request.headers with the parsed value. */
export const actorHeaders = z.looseObject({
  'x-gantry-user': z.string().max(200).optional().describe('Who performs the action (audit); "anonymous" when absent'),
});
