import { ValidationError } from '@gantry/core';
import type { FastifyInstance } from 'fastify';
import { unstorableText } from '../validation/storableText';

/**
 * Every route's path parameters, query string and JSON body are checked for text PostgreSQL
 * cannot store (NUL, lone surrogates) and for absurd nesting before the route's own validation:
 * a 400 naming the field, never a 500 from the database. Raw webhook bodies (bytes until their
 * signature is checked) are checked when parsed (parsePayload).
 */
export function installStorableInput(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    const issues = [
      ...unstorableText(request.params, ['params']),
      ...unstorableText(request.query, ['query']),
      ...(Buffer.isBuffer(request.body) ? [] : unstorableText(request.body)),
    ];
    if (issues.length > 0) throw new ValidationError('request holds text that cannot be stored', issues);
  });
}
