import type { MessageBus } from '@gantry/queue';
import type { ExecutionCommands, ExecutionRepository } from '@gantry/store';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ANONYMOUS, actorOf, namedActor } from '../../actor';
import { dispatch } from '../../dispatch';
import {
  cancelSchema,
  executionEventsSchema,
  getExecutionSchema,
  judgmentSchema,
  listExecutionsSchema,
  overrideFreezeSchema,
  patchStageSchema,
  pauseSchema,
  restartStageSchema,
  resumeSchema,
  skipWaitSchema,
  triggerSchema,
} from './schemas';

export interface ExecutionRoutesOptions {
  executions: ExecutionRepository;
  commands: ExecutionCommands;
  bus: MessageBus;
}

/**
 * Triggering, reading and steering executions. The trigger lives here although its URL starts with
 * /pipelines: it creates an execution. Every state change answers 202 once its messages are sent.
 */
export const executionRoutes: FastifyPluginAsyncZod<ExecutionRoutesOptions> = async (app, options) => {
  const { executions, commands, bus } = options;

  app.post('/pipelines/:id/executions', { schema: triggerSchema }, async (request, reply) => {
    const { parameters = {}, trigger = {} } = request.body ?? {};
    // A manual trigger records who pressed the button: the header, else the body's claim.
    const user = namedActor(request) ?? trigger.user ?? ANONYMOUS;
    const execution = await dispatch(
      bus,
      await executions.launch({
        pipelineId: request.params.id,
        trigger: { ...trigger, type: 'manual', user },
        parameters,
        actor: user,
        idempotencyKey: request.headers['idempotency-key'],
      }),
    );
    return reply.code(202).send(execution);
  });

  app.get('/executions', { schema: listExecutionsSchema }, async (request) => {
    const { application, pipelineId, status, cursor, limit } = request.query;
    return executions.list({ application, pipelineId, statuses: status, cursor, limit });
  });

  app.get('/executions/:id', { schema: getExecutionSchema }, async (request) => executions.get(request.params.id));

  app.get('/executions/:id/events', { schema: executionEventsSchema }, async (request) => {
    return { events: await executions.audit(request.params.id) };
  });

  app.post('/executions/:id/cancel', { schema: cancelSchema }, async (request, reply) => {
    const input = { user: actorOf(request), reason: request.body?.reason };
    return reply.code(202).send(await dispatch(bus, await commands.cancel(request.params.id, input)));
  });

  app.post('/executions/:id/pause', { schema: pauseSchema }, async (request, reply) => {
    const input = { user: actorOf(request) };
    return reply.code(202).send(await dispatch(bus, await commands.pause(request.params.id, input)));
  });

  app.post('/executions/:id/resume', { schema: resumeSchema }, async (request, reply) => {
    const input = { user: actorOf(request) };
    return reply.code(202).send(await dispatch(bus, await commands.resume(request.params.id, input)));
  });

  app.post('/executions/:id/stages/:stageId/restart', { schema: restartStageSchema }, async (request, reply) => {
    const { id, stageId } = request.params;
    const stage = await dispatch(bus, await commands.restartStage(id, stageId, { user: actorOf(request) }));
    return reply.code(202).send(stage);
  });

  app.post('/executions/:id/stages/:stageId/skip', { schema: skipWaitSchema }, async (request, reply) => {
    const { id, stageId } = request.params;
    const stage = await dispatch(bus, await commands.skipWait(id, stageId, { user: actorOf(request) }));
    return reply.code(202).send(stage);
  });

  app.post('/executions/:id/stages/:stageId/judgment', { schema: judgmentSchema }, async (request, reply) => {
    const { id, stageId } = request.params;
    const { judgmentStatus, judgmentInput } = request.body;
    const input = { user: actorOf(request), judgmentStatus, judgmentInput };
    return reply.code(202).send(await dispatch(bus, await commands.judge(id, stageId, input)));
  });

  // AUTHORIZATION HOOK: breaking a freeze is for admins only. Per-route permissions (sec-auth) are
  // not in main yet; when they land, this route is declared admin-only in their route table.
  app.post('/executions/:id/stages/:stageId/overrideFreeze', { schema: overrideFreezeSchema }, async (request, reply) => {
    const { id, stageId } = request.params;
    const input = { user: actorOf(request), reason: request.body.reason };
    return reply.code(202).send(await dispatch(bus, await commands.overrideFreeze(id, stageId, input)));
  });

  app.patch('/executions/:id/stages/:stageId', { schema: patchStageSchema }, async (request, reply) => {
    const { id, stageId } = request.params;
    const { judgmentStatus, judgmentInput } = request.body;
    const user = actorOf(request);
    // The schema admits exactly one of the two shapes.
    const result = judgmentStatus
      ? await commands.judge(id, stageId, { user, judgmentStatus, judgmentInput })
      : await commands.skipWait(id, stageId, { user });
    return reply.code(202).send(await dispatch(bus, result));
  });
};
