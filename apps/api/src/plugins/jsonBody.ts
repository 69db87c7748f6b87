import type { FastifyInstance } from 'fastify';
import { BadJsonError } from '../errors/BadJsonError';

/**
 * JSON is the only body the API accepts (anything else is 415). An empty body counts as no body, so
 * `POST …/cancel` works from a client that always sets Content-Type. Keys that could poison
 * prototypes are refused like Fastify's default parser does.
 */
export function installJsonBody(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') {
      done(null, undefined);
      return;
    }
    try {
      done(null, JSON.parse(text, refusePrototypeKeys));
    } catch (error) {
      done(new BadJsonError(error instanceof Error ? error.message : String(error)), undefined);
    }
  });
}

function refusePrototypeKeys(key: string, value: unknown): unknown {
  if (key === '__proto__' || (key === 'constructor' && typeof value === 'object' && value !== null && 'prototype' in value)) {
    throw new SyntaxError(`the key "${key}" is not allowed`);
  }
  return value;
}
