import { PassThrough } from 'node:stream';
import type { ExecutionChanges, ExecutionRepository } from '@gantry/store';
import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { onExecution } from '../../auth/resources';
import { errorResponses } from '../commonSchemas';
import { executionIdParams } from './schemas';

export interface ExecutionStreamOptions {
  executions: Pick<ExecutionRepository, 'get'>;
  /** Closed with the server. */
  changes: ExecutionChanges;
  /** Changes closer together than this are sent as one event (a deploy commits many small steps). */
  coalesceMs?: number;
  /** A comment line this often keeps proxies from closing a quiet stream. */
  heartbeatMs?: number;
}

export const streamExecutionSchema = {
  tags: ['executions'],
  summary: 'Server-sent events: `changed` each time the execution changes (read it again with GET /executions/:id)',
  description:
    'A text/event-stream. The first `changed` event comes at once; then one after each committed change to the execution, ' +
    'its stages, tasks or audit log (changes within a short interval are sent as one), from whichever process made it. ' +
    'Comment lines keep the stream alive. Each event carries `{"id"}` only: the client reads the execution itself, so it ' +
    'sees exactly what GET /executions/:id shows it.',
  params: executionIdParams,
  produces: ['text/event-stream'],
  response: {
    200: { description: 'A text/event-stream of `changed` events', content: { 'text/event-stream': { schema: z.string() } } },
    ...errorResponses(400, 404),
  },
};

/**
 * `GET /executions/:id/stream`, the UI's live view: PostgreSQL LISTEN/NOTIFY (ExecutionChanges) →
 * server-sent events, so it works with several API processes and either queue backend. Streams
 * end when the server closes; a browser reconnects and reads the execution again.
 */
export const executionStreamRoutes: FastifyPluginAsyncZod<ExecutionStreamOptions> = async (app, options) => {
  const { changes, coalesceMs = 100, heartbeatMs = 15_000 } = options;
  const open = new Set<PassThrough>();
  // Open streams would hold the server's close; the LISTEN connection is closed with the server.
  app.addHook('preClose', async () => {
    for (const stream of open) stream.end();
  });
  app.addHook('onClose', async () => changes.close());

  app.get('/executions/:id/stream', { schema: streamExecutionSchema, config: onExecution(options.executions, 'READ') }, async (request, reply) => {
    const { id } = request.params;
    // Admins skip the access check's read: an unknown execution is a 404 here too, not an endless stream.
    await options.executions.get(id);
    const stream = new PassThrough();
    let pending: NodeJS.Timeout | undefined;
    const changed = () => {
      pending ??= setTimeout(() => {
        pending = undefined;
        stream.write(`event: changed\ndata: ${JSON.stringify({ id })}\n\n`);
      }, coalesceMs);
    };
    const unsubscribe = await changes.subscribe(id, changed);
    const heartbeat = setInterval(() => stream.write(': alive\n\n'), heartbeatMs);
    const stop = () => {
      clearTimeout(pending);
      clearInterval(heartbeat);
      unsubscribe();
      open.delete(stream);
      stream.end();
    };
    request.raw.once('close', stop);
    stream.once('close', stop);
    open.add(stream);
    stream.write(`retry: 2000\nevent: changed\ndata: ${JSON.stringify({ id })}\n\n`);
    // A stream bypasses the response schema's serializer, which the typed reply does not know.
    return (reply as FastifyReply)
      .header('content-type', 'text/event-stream; charset=utf-8')
      .header('cache-control', 'no-cache, no-transform')
      .header('x-accel-buffering', 'no')
      .send(stream);
  });
};
