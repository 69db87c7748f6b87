import type { FastifyInstance, LightMyRequestResponse } from 'fastify';

/**
 * Test-only: a request through `app.inject` with a JSON body (a string body is sent as it is, for
 * malformed-JSON cases).
 */
export function injectJson(
  app: FastifyInstance,
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<LightMyRequestResponse> {
  return app.inject({
    method,
    url,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    payload: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
}
