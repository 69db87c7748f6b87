import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, ValidationError } from '@gantry/core';
import { ProviderError, type ProviderErrorKind } from '@gantry/providers';
import { BadJsonError } from './BadJsonError';
import { toErrorResponse } from './toErrorResponse';

const context = { bodyLimitBytes: 1024, requestId: 'req-7' };

function storeError(name: string, code: string): Error {
  return Object.assign(new Error(`${code}: column "id" got "abc"`), { name, code });
}

describe('toErrorResponse', () => {
  it('maps domain errors to 400/404/409 with their details', () => {
    expect(toErrorResponse(new NotFoundError('pipeline x not found', { id: 'x' }), context)).toEqual({
      statusCode: 404,
      body: { error: { code: 'NOT_FOUND', message: 'pipeline x not found', details: { id: 'x' } } },
      unexpected: false,
    });
    expect(toErrorResponse(new ConflictError('busy'), context).statusCode).toBe(409);
    expect(toErrorResponse(new ConflictError('busy'), context).body.error.details).toEqual({});
  });

  it('maps provider failures to 404, 503 (worth retrying) or 502 with their fields as details', () => {
    const failure = (kind: ProviderErrorKind) =>
      new ProviderError({ kind, provider: 'kubernetes', operation: 'listServerGroups', account: 'k8s', location: 'ns1', reason: `injected ${kind}` });
    const fatal = failure('Fatal');
    expect(toErrorResponse(fatal, context)).toEqual({
      statusCode: 502,
      body: { error: { code: 'PROVIDER_ERROR', message: fatal.message, details: fatal.toJSON() } },
      unexpected: false,
    });
    expect(toErrorResponse(failure('Conflict'), context).statusCode).toBe(502);
    expect(toErrorResponse(failure('NotFound'), context).body.error.code).toBe('NOT_FOUND');
    expect(toErrorResponse(failure('NotFound'), context).statusCode).toBe(404);
    expect(toErrorResponse(failure('Throttled'), context).body.error.code).toBe('PROVIDER_UNAVAILABLE');
    expect(toErrorResponse(failure('Transient'), context).statusCode).toBe(503);
  });

  it('answers 503 with Retry-After while PostgreSQL is unreachable, whichever client reports it', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const prisma = Object.assign(new Error("Can't reach database server"), { name: 'PrismaClientKnownRequestError', code: 'P1001' });
    const cut = new Error('Connection terminated unexpectedly');
    for (const error of [refused, prisma, cut]) {
      expect(toErrorResponse(error, context)).toEqual({
        statusCode: 503,
        body: { error: { code: 'DATABASE_UNAVAILABLE', message: 'The database is unreachable; retry later', details: { retryAfterSeconds: 5 } } },
        unexpected: false,
        headers: { 'retry-after': '5' },
      });
    }
  });

  it('lists every validation issue with array and dotted paths, and names the first three in the message', () => {
    const issues = [
      { path: ['stages', 1, 'refId'], message: 'duplicate refId "a"' },
      { path: ['stages', 2, 'type'], message: 'unknown stage type "x"' },
      { path: [], message: 'expected object' },
      { path: ['name'], message: 'required' },
    ];
    const response = toErrorResponse(new ValidationError('invalid', issues), context);
    expect(response.statusCode).toBe(400);
    expect(response.body.error.code).toBe('VALIDATION');
    expect(response.body.error.message).toBe(
      'Invalid request (4 problems): stages.1.refId: duplicate refId "a"; stages.2.type: unknown stage type "x"; (root): expected object (and 1 more)',
    );
    expect(response.body.error.details).toEqual({
      issues: issues.map((issue) => ({ ...issue, pathString: issue.path.join('.') })),
    });
  });

  it('maps body problems: bad JSON 400, too large 413 with the limit, wrong type 415', () => {
    expect(toErrorResponse(new BadJsonError('Unexpected end of JSON input'), context).body.error).toMatchObject({
      code: 'BAD_JSON',
      message: expect.stringContaining('Unexpected end of JSON input'),
    });
    const tooLarge = Object.assign(new Error('Request body is too large'), { code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 });
    expect(toErrorResponse(tooLarge, context)).toMatchObject({
      statusCode: 413,
      body: { error: { code: 'PAYLOAD_TOO_LARGE', details: { limitBytes: 1024 } } },
    });
    const mediaType = Object.assign(new Error('Unsupported Media Type'), { code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE', statusCode: 415 });
    expect(toErrorResponse(mediaType, context)).toMatchObject({ statusCode: 415, body: { error: { code: 'UNSUPPORTED_MEDIA_TYPE' } } });
  });

  it("keeps Fastify's other client errors as 4xx", () => {
    const badUrl = Object.assign(new Error("'/%' is not a valid url component"), { code: 'FST_ERR_BAD_URL', statusCode: 400 });
    expect(toErrorResponse(badUrl, context)).toMatchObject({ statusCode: 400, body: { error: { code: 'BAD_REQUEST' } } });
  });

  it('turns database errors caused by client input into 4xx, never 500', () => {
    expect(toErrorResponse(storeError('PrismaClientKnownRequestError', 'P2023'), context).statusCode).toBe(400);
    expect(toErrorResponse(storeError('error', '22P02'), context).statusCode).toBe(400);
    expect(toErrorResponse(storeError('PrismaClientKnownRequestError', 'P2025'), context).statusCode).toBe(404);
    expect(toErrorResponse(storeError('PrismaClientKnownRequestError', 'P2002'), context).statusCode).toBe(409);
  });

  it('hides anything else behind 500 INTERNAL with the request id and no message or stack', () => {
    const response = toErrorResponse(new TypeError("Cannot read properties of undefined (reading 'secret')"), context);
    expect(response).toEqual({
      statusCode: 500,
      body: { error: { code: 'INTERNAL', message: expect.any(String), details: { requestId: 'req-7' } } },
      unexpected: true,
    });
    expect(JSON.stringify(response.body)).not.toContain('secret');
    expect(toErrorResponse('a thrown string', context).statusCode).toBe(500);
    expect(toErrorResponse(Object.assign(new Error('upstream'), { statusCode: 502 }), context).statusCode).toBe(500);
  });
});
