import type { IdempotencyKeys } from '@gantry/store';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { actorOf } from './actor';
import { IdempotencyKeyReusedError } from './errors/IdempotencyKeyReusedError';

export interface Answer {
  statusCode: number;
  body: unknown;
}

/**
 * Carries out a request that starts something (a trigger, a rollback) at most once per
 * `Idempotency-Key`. The key is scoped to the route (with its path parameters) and the caller, so
 * two users or two pipelines cannot collide on a key. A repeat gets the first answer (with
 * `Idempotent-Replayed: true`); the same key with a different body is a 422. A request that failed
 * leaves no answer behind, so its retry with the same key is carried out afresh. `run` receives
 * the key its launch must use: a repeat racing the first request, or a retry after the first died
 * half-way, then lands on the same execution.
 */
export async function answerIdempotently(
  request: FastifyRequest,
  reply: FastifyReply,
  keys: IdempotencyKeys | undefined,
  run: (launchKey: string | undefined) => Promise<Answer>,
): Promise<FastifyReply> {
  const header = request.headers['idempotency-key'];
  const key = Array.isArray(header) ? header[0] : header;
  // Without the table (a server built for a test), the key still makes the launch idempotent.
  if (keys === undefined || key === undefined) return send(reply, await run(key));
  const scope = `${request.method} ${request.url.split('?')[0]} ${actorOf(request)}`;
  const claim = await keys.claim(scope, key, request.body ?? null);
  if (claim.state === 'mismatch') throw new IdempotencyKeyReusedError(key);
  if (claim.state === 'replay') {
    // Stored as the JSON first sent: sent as it is, not through the route's serializer again.
    return reply.code(claim.statusCode).header('idempotent-replayed', 'true').type('application/json; charset=utf-8').send(JSON.stringify(claim.response));
  }
  let answer: Answer;
  try {
    answer = await run(claim.launchKey);
  } catch (error) {
    await keys.release(scope, key).catch(() => undefined);
    throw error;
  }
  await keys.complete(scope, key, answer.statusCode, JSON.parse(JSON.stringify(answer.body)) as unknown);
  return send(reply, answer);
}

function send(reply: FastifyReply, answer: Answer): FastifyReply {
  return reply.code(answer.statusCode).send(answer.body);
}
