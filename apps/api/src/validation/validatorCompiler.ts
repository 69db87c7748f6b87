import type { FastifySchemaCompiler } from 'fastify';
import { ValidationError } from '@gantry/core';
import { $ZodType, safeParse, type output } from 'zod/v4/core';
import { attemptThrowing, parseNullsAsAbsent, type Attempt } from './nullAsAbsent';
import { validationErrorFromZod } from './zodIssues';

/**
 * Validates params, query, headers and bodies with their zod schemas; in a body, a null the schema
 * refuses counts as an absent key (see nullAsAbsent.ts). Unlike the type provider's
 * own compiler it keeps each issue's path as an array (numbers stay numbers), which the error shape
 * reports as `details.issues[].path`.
 */
export const zodValidatorCompiler: FastifySchemaCompiler<$ZodType> = ({ schema, httpPart }) => {
  return (data: unknown) => {
    if (httpPart !== 'body') {
      const result = safeParse(schema, data);
      return result.success ? { value: result.data } : { error: validationErrorFromZod(result.error.issues) };
    }
    const result = parseNullsAsAbsent(absentAsUndefined(data), attemptZod(schema));
    return result.ok ? { value: result.value } : { error: result.error };
  };
};

/** One zod parse as an attempt of parseNullsAsAbsent. */
export function attemptZod<S extends $ZodType>(schema: S): (input: unknown) => Attempt<output<S>> {
  return (input) => {
    const result = safeParse(schema, input);
    return result.success ? { ok: true, value: result.data } : { ok: false, error: validationErrorFromZod(result.error.issues) };
  };
}

/**
 * For a route whose body is checked by a domain parser that sees more than a schema can (duplicate
 * ids, unknown references, cycles) and reports every issue at once. The body's zod schema is still
 * declared on the route, so it documents the body in OpenAPI and types `request.body`.
 */
export function parseBodyWith(parse: (input: unknown) => unknown): FastifySchemaCompiler<unknown> {
  return ({ schema, httpPart, ...rest }) => {
    if (httpPart === 'body') {
      return (data: unknown) => {
        try {
          const result = parseNullsAsAbsent(absentAsUndefined(data), attemptThrowing(parse));
          return result.ok ? { value: result.value } : { error: result.error };
        } catch (error) {
          // Anything else is a bug in the parser: let it surface as INTERNAL, not as a client error.
          if (error instanceof ValidationError) return { error };
          throw error;
        }
      };
    }
    // Fastify types a route's compiler with the whole schema object but calls it once per part.
    if (!(schema instanceof $ZodType)) throw new Error(`route ${rest.method} ${rest.url}: ${httpPart} schema is not zod`);
    return zodValidatorCompiler({ schema, httpPart, ...rest });
  };
}

/**
 * Fastify hands a missing body to validators as null (and the JSON parser reads an empty body as
 * none): both mean "no body", which optional body schemas accept as undefined.
 */
function absentAsUndefined(data: unknown): unknown {
  return data === null ? undefined : data;
}
