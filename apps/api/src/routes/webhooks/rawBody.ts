import type { FastifyInstance, FastifySchemaCompiler } from 'fastify';
import { $ZodType } from 'zod/v4/core';
import { ValidationError } from '@gantry/core';
import { BadJsonError } from '../../errors/BadJsonError';
import { unstorableText } from '../../validation/storableText';
import { zodValidatorCompiler } from '../../validation/validatorCompiler';

/**
 * Webhook bodies stay bytes until the handler has checked their signature: an HMAC is over the
 * exact bytes sent, which re-serialised JSON would not reproduce. Only this plugin's routes are
 * affected (content type parsers are encapsulated); JSON (also the registry's event media types) and GitHub's form encoding are accepted.
 */
export function captureRawBodies(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  // The Docker distribution registry posts its event envelopes as JSON under their own media types.
  const types = ['application/json', 'application/x-www-form-urlencoded', 'application/vnd.docker.distribution.events.v1+json', 'application/vnd.docker.distribution.events.v2+json'];
  app.addContentTypeParser(types, { parseAs: 'buffer' }, (_request, body, done) => {
    done(null, body);
  });
}

/**
 * The route compiler for raw-body routes: the body's zod schema only documents it (the handler
 * parses the bytes after verifying them); params, query and headers are validated as usual.
 */
export const rawBodyValidatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart, ...rest }) => {
  if (httpPart === 'body') return (data: unknown) => ({ value: data });
  if (!(schema instanceof $ZodType)) throw new Error(`route ${rest.method} ${rest.url}: ${httpPart} schema is not zod`);
  return zodValidatorCompiler({ schema, httpPart, ...rest });
};

/** The bytes of the request body (none when it had no body). */
export function rawBodyOf(body: unknown): Buffer {
  return Buffer.isBuffer(body) ? body : Buffer.alloc(0);
}

/**
 * The payload of a raw body: JSON, or the `payload` field of a form-encoded body (GitHub's other
 * format). A "form" without that field is read as JSON: it is what `curl -d '{…}'` sends.
 */
export function parsePayload(raw: Buffer, contentType: string | undefined): unknown {
  let text = raw.toString('utf8');
  if (contentType?.toLowerCase().startsWith('application/x-www-form-urlencoded') === true) {
    text = new URLSearchParams(text).get('payload') ?? text;
  }
  if (text.trim() === '') return {};
  let payload: unknown;
  try {
    payload = JSON.parse(text, refusePrototypeKeys);
  } catch (error) {
    throw new BadJsonError(error instanceof Error ? error.message : String(error));
  }
  // The payload is stored with the executions it starts (see plugins/storableInput).
  const issues = unstorableText(payload);
  if (issues.length > 0) throw new ValidationError('the payload holds text that cannot be stored', issues);
  return payload;
}

// As the API's JSON parser does: a payload is stored and read back into objects and expressions.
function refusePrototypeKeys(key: string, value: unknown): unknown {
  if (key === '__proto__' || (key === 'constructor' && typeof value === 'object' && value !== null && 'prototype' in value)) {
    throw new SyntaxError(`the key "${key}" is not allowed`);
  }
  return value;
}
